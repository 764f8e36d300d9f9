"""What stands between a browser and the console: session cookie, login, idle timeout, CSRF, roles.

The session lives in an encrypted, signed cookie (aiohttp-session + Fernet): HttpOnly so page
scripts cannot read it, SameSite=Strict so no other site can make the browser send it, Secure over
https (TLS to the gateway, or X-Forwarded-Proto from one of WIDGET_TRUSTED_PROXIES: bot/forwarded.py).
On top of SameSite every state-changing request must carry the session's CSRF token (form field
`csrf` or header `X-CSRF-Token`), compared in constant time. Every refusal is a StaffError that
the error middleware turns into a localized page (or JSON under /staff/api/), never a stack trace.
"""

from __future__ import annotations

import hmac
import logging
import math
import secrets
import time
from typing import Any, Awaitable, Callable

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from bot import forwarded
from bot.keys import ACCOUNTS, LANG, STAFF_SETTINGS, USER
from bot.staff import i18n
from bot.staff.accounts import User
from bot.staff.settings import STAFF_LANGUAGES, StaffSettings

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
COOKIE = "advisor_staff"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# reachable without a session (the rest redirects to the login page, or 401 for the API)
PUBLIC = {"/staff/login", "/staff/api/v1/login", "/staff/api/v1/openapi.json", "/staff/static/staff.css"}
CSRF_EXEMPT = {"/staff/api/v1/login"}  # a JSON client has no token before it logs in; it gets one here


class StaffError(Exception):
    """A refusal with an HTTP status and the key of its localized message."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.headers, self.params = status, code, headers or {}, params


class SessionCookie(EncryptedCookieStorage):
    """The session cookie, Secure when the request came over https (or always/never, by setting)."""

    def __init__(self, settings: StaffSettings) -> None:
        super().__init__(
            settings.cookie_key(),
            cookie_name=COOKIE,
            path="/staff",
            httponly=True,
            samesite="Strict",
            max_age=None,
        )
        self.secure_mode = settings.cookie_secure
        self.trusted_proxies = settings.trusted_proxies

    def secure(self, request: web.Request) -> bool:
        if self.secure_mode == "auto":
            return forwarded.came_over_https(request, self.trusted_proxies)
        return self.secure_mode == "1"

    async def save_session(
        self, request: web.Request, response: web.StreamResponse, session: Session
    ) -> None:
        secure = self.secure(request)
        self._cookie_params["secure"] = secure or None  # no await before the cookie is written
        await super().save_session(request, response, session)


class LoginLimits:
    """Login attempts per client IP (an IPv6 /64, like the chat API) in a moving window, in memory."""

    def __init__(self, settings: StaffSettings) -> None:
        self.storage = MemoryStorage()
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.item = parse(settings.login_rate)

    async def enforce(self, ip: str) -> None:
        if await self.limiter.hit(self.item, "staff_login", ip):
            return
        stats = await self.limiter.get_window_stats(self.item, "staff_login", ip)
        seconds = max(1, math.ceil(stats.reset_time - time.time()))
        raise StaffError(429, "rate_limited", headers={"Retry-After": str(seconds)}, seconds=seconds)

    async def close(self) -> None:
        timer = getattr(self.storage, "timer", None)
        if timer is not None:
            timer.cancel()


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/staff/api/")


def t(request: web.Request, key: str, **params: Any) -> str:
    return i18n.t(key, request.get(LANG), **params)


def choose_language(request: web.Request, session: Session) -> str:
    """?lang= (remembered in the session) > the session's > the browser's > STAFF_LANGUAGE."""
    asked = request.query.get("lang", "")
    if asked in STAFF_LANGUAGES:
        session["lang"] = asked
    if session.get("lang") in STAFF_LANGUAGES:
        return str(session["lang"])
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in STAFF_LANGUAGES:
            return code
    return request.app[STAFF_SETTINGS].language


async def start_session(request: web.Request, user: User) -> Session:
    """A fresh session for a successful login (a new CSRF token; nothing carried over but the language)."""
    language = (await get_session(request)).get("lang")
    session = await new_session(request)
    now = time.time()
    session.update({"user": user.name, "csrf": secrets.token_urlsafe(32), "since": now, "seen": now})
    if language:
        session["lang"] = language
    return session


def csrf_token(session: Session) -> str:
    """The session's token, created on first use (the login page needs one before any login)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


async def _current_user(request: web.Request, session: Session) -> User | None:
    """The logged-in user, or None when there is no session, it timed out, or the account is gone."""
    name = session.get("user")
    if not name:
        return None
    settings = request.app[STAFF_SETTINGS]
    now = time.time()
    idle = now - float(session.get("seen", 0)) > settings.idle_minutes * 60
    too_old = now - float(session.get("since", 0)) > settings.session_hours * 3600
    user = None if idle or too_old else await request.app[ACCOUNTS].get(str(name))
    if user is None:
        language = session.get("lang")
        session.clear()
        if language:
            session["lang"] = language
        return None
    session["seen"] = now
    return user


async def _check_csrf(request: web.Request, session: Session) -> None:
    if request.method in SAFE_METHODS or request.path in CSRF_EXEMPT:
        return
    sent = request.headers.get("X-CSRF-Token", "")
    if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sent = str((await request.post()).get("csrf", ""))
    expected = str(session.get("csrf", ""))
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise StaffError(403, "csrf")


@web.middleware
async def require_login(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Language, user and CSRF for every request; pages without a session redirect to the login."""
    session = await get_session(request)
    request[LANG] = choose_language(request, session)
    request[USER] = await _current_user(request, session)
    if request[USER] is None and request.path not in PUBLIC:
        if is_api(request):
            raise StaffError(401, "login_required")
        raise web.HTTPSeeOther("/staff/login")
    await _check_csrf(request, session)
    return await handler(request)


def require_admin(request: web.Request) -> User:
    """Viewers can read everything but cannot delete or send."""
    user = request[USER]
    if user is None or not user.is_admin:
        raise StaffError(403, "admin_only")
    return user


def client_ip(request: web.Request) -> str:
    """Who the login limit counts: the client behind WIDGET_TRUSTED_PROXIES (never a header from
    anyone else), IPv6 per /64 — the chat API's rules (bot/forwarded.py)."""
    return forwarded.rate_key(forwarded.client_ip(request, request.app[STAFF_SETTINGS].trusted_proxies))


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
    " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
