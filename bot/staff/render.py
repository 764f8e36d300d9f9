"""Renders a page with what every template needs: user, language, CSRF token, `t` for strings."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.staff.guards import csrf_token, t
from bot.staff.keys import LANG, STAFF_SETTINGS, USER
from bot.staff.settings import STAFF_LANGUAGES


async def page_context(request: web.Request) -> dict[str, Any]:
    session = await get_session(request)
    flash = session.pop("flash", None) or {}
    return {
        "user": request.get(USER),
        "lang": request.get(LANG) or request.app[STAFF_SETTINGS].language,
        "languages": STAFF_LANGUAGES,
        "csrf": csrf_token(session),
        "path": request.path,
        "t": lambda key, **params: t(request, key, **params),
        "flash": t(request, flash["key"], **flash["params"]) if flash else None,
    }


async def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    full = {**await page_context(request), **context}
    return aiohttp_jinja2.render_template(template, request, full, status=status)


async def flash(request: web.Request, key: str, **params: Any) -> None:
    """A one-time notice shown on the next page (after the redirect that follows a change)."""
    (await get_session(request))["flash"] = {"key": key, "params": params}
