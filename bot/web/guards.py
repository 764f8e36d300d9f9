"""What stands between the internet and the chat API: origins, rate limits, body size, JSON errors.

Every refusal is an ApiError that the middleware turns into JSON with a localized message, so a
widget (or any client) can show it as it is; nothing reaches the visitor as a stack trace.
"""

from __future__ import annotations

import json
import logging
import math
import time
from typing import Any, Awaitable, Callable

from aiohttp import web
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from bot import forwarded
from bot.forwarded import IpAddress, rate_key
from bot.i18n import normalize_language
from bot.i18n import t as common_t
from bot.keys import LIMITS, VISITOR_LANGUAGE, WEB_SETTINGS
from bot.origins import canonical_host, canonical_origin
from bot.stores import StoreUnavailable, close_limits_storage, limits_storage
from bot.web import i18n
from bot.web.settings import WebSettings

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """A refusal with an HTTP status and the key of its localized message."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.headers, self.params = status, code, headers or {}, params


def set_language(request: web.Request, language: str | None) -> None:
    """Remembers the best-known visitor language so later errors in this request use it."""
    if normalize_language(language):
        request[VISITOR_LANGUAGE] = normalize_language(language)


def accept_language(request: web.Request) -> str | None:
    for part in request.headers.get("Accept-Language", "").split(","):
        found = normalize_language(part.split(";")[0])
        if found:
            return found
    return None


def error_message(error: ApiError, lang: str | None) -> str:
    """The localized message of an error; "temporarily unavailable" is said in the same words as on
    Telegram (one string, bot/i18n's rasa_unavailable), the others are the web API's own."""
    if error.code == "rasa":  # Rasa, the action server or a store is away
        return common_t("rasa_unavailable", lang)
    return i18n.t(f"error_{error.code}", lang, **error.params)


def error_response(request: web.Request, error: ApiError) -> web.Response:
    body = {"error": {"code": error.code, "message": error_message(error, request.get(VISITOR_LANGUAGE))}}
    return web.json_response(body, status=error.status, headers=error.headers)


_STATUS_CODES = {404: "not_found", 405: "method", 413: "too_large"}


def _from_http_exception(exc: web.HTTPException, settings: WebSettings) -> ApiError:
    """aiohttp's own refusals (unknown path, wrong method, body over the app's limit) as ApiErrors."""
    code = _STATUS_CODES.get(exc.status, "bad_json" if exc.status < 500 else "internal")
    if code == "too_large":
        return ApiError(exc.status, code, limit=settings.max_body)
    return ApiError(exc.status, code)


@web.middleware
async def errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turns every refusal or failure under /api/v1 into localized JSON."""
    request[VISITOR_LANGUAGE] = accept_language(request)
    try:
        return await handler(request)
    except ApiError as error:
        return error_response(request, error)
    except StoreUnavailable as exc:  # a database or Redis outage: "temporarily unavailable", like Rasa's
        log.warning("web chat API: store unavailable on %s %s: %s", request.method, request.path, exc)
        return error_response(request, ApiError(503, "rasa"))
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(request, _from_http_exception(exc, request.app[WEB_SETTINGS]))
    except Exception:
        log.exception("web chat API failed on %s %s", request.method, request.path)
        return error_response(request, ApiError(500, "internal"))


def same_origin(request: web.Request, origin: str, settings: WebSettings) -> bool:
    """The gateway's own pages (the demo): same host as the request, or the configured public URL.
    `origin` is canonical (bot/origins.py); the Host header is put in the same form."""
    scheme, _, netloc = origin.partition("://")
    return netloc == canonical_host(scheme, request.host) or origin == settings.public_url


def request_origin(request: web.Request) -> str | None:
    """The request's Origin header in canonical form; "" when there is none, None when it is not an
    origin (`null`, garbage), which no site allows."""
    raw = request.headers.get("Origin")
    if raw is None:
        return ""
    return canonical_origin(raw)


def check_site_origin(request: web.Request, site: str) -> None:
    """A site's sessions may only be used from that site's configured origins (or same-origin demo)."""
    settings = request.app[WEB_SETTINGS]
    origin = request_origin(request)
    if site not in settings.sites:
        raise ApiError(403, "unknown_site", site=site)
    if origin == "" or origin in settings.sites[site]:
        return
    if origin and site == settings.demo_site and same_origin(request, origin, settings):
        return
    raise ApiError(403, "origin")


@web.middleware
async def refuse_foreign_origins(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Browsers send Origin on cross-site calls; unknown origins are refused before any work."""
    settings = request.app[WEB_SETTINGS]
    origin = request_origin(request)
    if origin is None or (
        origin and origin not in settings.all_origins and not same_origin(request, origin, settings)
    ):
        raise ApiError(403, "origin")
    return await handler(request)


def client_ip(request: web.Request, settings: WebSettings) -> IpAddress | None:
    """The visitor's address, X-Forwarded-For read only from WIDGET_TRUSTED_PROXIES (bot/forwarded.py)."""
    return forwarded.client_ip(request, settings.trusted_proxies)


def visitor_key(request: web.Request) -> str:
    return rate_key(client_ip(request, request.app[WEB_SETTINGS]))


class RateLimits:
    """Moving-window limits (library `limits`); answers how long to wait, if at all."""

    def __init__(self, settings: WebSettings) -> None:
        self.storage, self._redis_pool = limits_storage(settings.redis_url)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.items = {name: settings.limit(name) for name in ("rate_session", "rate_ip", "rate_new_session")}

    async def enforce(self, name: str, key: str) -> None:
        item = self.items[name]
        try:
            if await self.limiter.hit(item, name, key):
                return
            stats = await self.limiter.get_window_stats(item, name, key)
        except StorageError as exc:
            raise StoreUnavailable(f"rate limits: {exc.storage_error!r}") from exc
        seconds = max(1, math.ceil(stats.reset_time - time.time()))
        raise ApiError(429, "rate_limited", headers={"Retry-After": str(seconds)}, seconds=seconds)

    async def close(self) -> None:
        await close_limits_storage(self.storage, self._redis_pool)


@web.middleware
async def limit_per_ip(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method != "OPTIONS":
        await request.app[LIMITS].enforce("rate_ip", visitor_key(request))
    return await handler(request)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as JSON, refusing oversize bodies (413) and anything that is not a JSON object (400)."""
    limit = request.app[WEB_SETTINGS].max_body
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, "too_large", limit=limit)
    raw = await request.read()
    if len(raw) > limit:
        raise ApiError(413, "too_large", limit=limit)
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # nesting deeper than the parser allows
        raise ApiError(400, "bad_json") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json")
    if isinstance(body.get("language"), str):
        set_language(request, body["language"])
    return body
