"""The staff JSON API (/staff/api/v1): what the console does, for scripts. OpenAPI in openapi.py.

The same session cookie as the pages; a JSON client logs in with POST login, keeps the cookie and
sends the CSRF token from the login answer in `X-CSRF-Token` on every POST and DELETE.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from bot.keys import LEADS, STAFF_OPENAPI, USER
from bot.staff.guards import StaffError
from bot.staff.pages import attempt_login, delete_lead_audited, lead_filter, leads_csv

routes = web.RouteTableDef()
MAX_BODY = 64 * 1024


async def json_body(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object, or a localized 400."""
    raw = await request.read()
    if len(raw) > MAX_BODY:
        raise StaffError(413, "too_large")
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise StaffError(400, "bad_json") from None
    if not isinstance(body, dict):
        raise StaffError(400, "bad_json")
    return body


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    body = await json_body(request)
    name, password = body.get("user"), body.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise StaffError(400, "bad_json")
    user = await attempt_login(request, name.strip(), password)
    session = await get_session(request)
    return web.json_response({"user": user.name, "role": user.role, "csrf_token": session["csrf"]})


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    (await get_session(request)).invalidate()
    return web.json_response({"ok": True})


@routes.get("/leads")
async def leads(request: web.Request) -> web.Response:
    rows = await request.app[LEADS].list(lead_filter(request), limit=100_000)
    return web.json_response({"leads": rows})


routes.get("/leads.csv")(leads_csv)


@routes.delete("/leads/{lead_id:\\d+}")
async def delete_lead(request: web.Request) -> web.Response:
    return web.json_response({"deleted": await delete_lead_audited(request)})


@routes.get("/me")
async def me(request: web.Request) -> web.Response:
    user = request[USER]
    assert user is not None
    return web.json_response({"user": user.name, "role": user.role})


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[STAFF_OPENAPI])
