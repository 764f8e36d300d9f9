"""The console's HTML pages: login, logout, leads (filter, CSV, delete). Server-rendered, no script.

Each handler is small and leaves the work to the stores; forms post back here with the CSRF token,
and a successful change answers with a redirect (so a reload never repeats it).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp_session import get_session

from bot.i18n import NATIVE_NAMES
from bot.keys import ACCOUNTS, LANG, LEADS, LOGIN_LIMITS, STAFF_SETTINGS, USER
from bot.staff import csv_export, labels
from bot.staff.accounts import LoginResult
from bot.staff.guards import StaffError, client_ip, require_admin, start_session, t
from bot.staff.leads import FIELDS, FilterError, LeadFilter
from bot.staff.render import flash, render

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/staff/leads")


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    if request[USER] is not None:
        raise web.HTTPSeeOther("/staff/leads")
    return await render(request, "login.html", {"error": None})


async def attempt_login(request: web.Request, name: str, password: str) -> Any:
    """Rate limit per IP, then the password; returns the user or raises a localized refusal."""
    await request.app[LOGIN_LIMITS].enforce(client_ip(request))
    result, user = await request.app[ACCOUNTS].login(name, password)
    if result is LoginResult.LOCKED:
        log.warning("staff login: account %r is locked", name)
        raise StaffError(403, "locked", minutes=request.app[STAFF_SETTINGS].lockout_minutes)
    if user is None:
        log.warning("staff login: wrong user name or password for %r from %s", name, client_ip(request))
        raise StaffError(401, "wrong_password")
    await start_session(request, user)
    await request.app[ACCOUNTS].audit(user.name, "login")
    return user


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    form = await request.post()
    try:
        await attempt_login(request, str(form.get("user", "")).strip(), str(form.get("password", "")))
    except StaffError as error:
        status = error.status
        message = t(request, f"error_{error.code}", **error.params)
        return await render(request, "login.html", {"error": message}, status=status)
    raise web.HTTPSeeOther("/staff/leads")


@routes.post("/logout")
async def logout(request: web.Request) -> web.Response:
    session = await get_session(request)
    language = session.get("lang")
    session.invalidate()
    if language:
        (await get_session(request))["lang"] = language
    raise web.HTTPSeeOther("/staff/login")


def language_name(code: str | None) -> str:
    """ "de" -> "Deutsch" (each language in its own name, as the widget's menu shows it)."""
    return NATIVE_NAMES[code] if code in NATIVE_NAMES else (code or "")


def lead_filter(request: web.Request) -> LeadFilter:
    try:
        return LeadFilter.parse(request.query)
    except FilterError as error:
        raise StaffError(400, "bad_filter", field=t(request, f"field_{error.field}")) from None


@routes.get("/leads")
async def leads_page(request: web.Request) -> web.Response:
    where = lead_filter(request)
    store = request.app[LEADS]
    lang = request[LANG]
    leads = await store.list(where)
    for lead in leads:  # ids as the assistant names them to visitors, in the staff's language
        lead["language_name"] = language_name(lead["language"])
        lead["sector_name"] = labels.sectors_label(lead["sector"], lang)
        lead["involvement_name"] = labels.involvement_label(lead["involvement"], lang)
    choices = await store.choices()
    context = {
        "leads": leads,
        "choices": choices,
        "choice_names": {
            "language": {code: language_name(code) for code in choices["language"]},
            "channel": {code: code for code in choices["channel"]},
            "sector": {code: labels.sector_name(code, lang) for code in choices["sector"]},
        },
        "filter": where,
        "export_query": where.as_query(),
    }
    return await render(request, "leads.html", context)


@routes.get("/leads.csv")
async def leads_csv(request: web.Request) -> web.Response:
    """The filtered leads as CSV; the page and the API export the same file."""
    rows = await request.app[LEADS].list(lead_filter(request), limit=100_000)
    return csv_export.csv_response("leads.csv", FIELDS, ([lead[f] for f in FIELDS] for lead in rows))


async def delete_lead_audited(request: web.Request) -> int:
    """Deletes the lead named in the URL (admins only) and records who did; 404 when there is none."""
    user = require_admin(request)
    lead_id = int(request.match_info["lead_id"])
    if not await request.app[LEADS].delete(lead_id):
        raise StaffError(404, "no_such_lead")
    await request.app[ACCOUNTS].audit(user.name, "delete_lead", lead=lead_id)
    return lead_id


@routes.post("/leads/{lead_id:\\d+}/delete")
async def delete_lead(request: web.Request) -> web.Response:
    await delete_lead_audited(request)
    await flash(request, "flash_lead_deleted")
    raise web.HTTPSeeOther("/staff/leads")
