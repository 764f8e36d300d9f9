"""The staff console at /staff: accounts, leads, unanswered questions, usage, outreach.

A sub-application of the gateway, so its session cookie, login and CSRF checks never touch the
public chat API or Telegram. Accounts are made on the command line: `python -m bot.staff add-user`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp_session import session_middleware

from bot.keys import ACCOUNTS, LEADS, LOGIN_LIMITS, STAFF_OPENAPI, STAFF_SETTINGS
from bot.settings import Settings
from bot.staff import api, audit, i18n, insights, openapi, outreach, pages
from bot.staff.accounts import Accounts, Lockout
from bot.staff.errors import errors_as_pages
from bot.staff.guards import LoginLimits, SessionCookie, require_login, security_headers
from bot.staff.leads import Leads
from bot.staff.settings import StaffSettings

log = logging.getLogger(__name__)
PREFIX = "/staff"
API_PREFIX = "/api/v1"
_HERE = Path(__file__).parent


def setup(app: web.Application, settings: Settings) -> None:
    """Mounts the console on the gateway app."""
    app.add_subapp(PREFIX, create_staff_app(StaffSettings.from_gateway(settings)))


def create_staff_app(staff: StaffSettings) -> web.Application:
    i18n.validate()  # a broken translation stops the start, not a staff member's request
    staff_app = web.Application(
        middlewares=[
            security_headers,
            session_middleware(SessionCookie(staff)),
            errors_as_pages,
            require_login,
        ]
    )
    staff_app[STAFF_SETTINGS] = staff
    staff_app[ACCOUNTS] = Accounts(staff.accounts_db, Lockout(staff.lockout_failures, staff.lockout_minutes))
    staff_app[LEADS] = Leads(staff.leads_db, staff.database_url)
    staff_app[LOGIN_LIMITS] = LoginLimits(staff)
    staff_app[STAFF_OPENAPI] = openapi.document()
    aiohttp_jinja2.setup(
        staff_app,
        loader=jinja2.FileSystemLoader(_HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    staff_app.router.add_routes(pages.routes)
    staff_app.router.add_routes(insights.routes)
    staff_app.router.add_routes(outreach.routes)
    staff_app.router.add_routes(audit.routes)
    for route in [*api.routes, *insights.api_routes, *outreach.api_routes, *audit.api_routes]:
        assert isinstance(route, web.RouteDef)
        staff_app.router.add_route(route.method, API_PREFIX + route.path, route.handler)
    staff_app.router.add_static("/static", _HERE / "static")
    staff_app.cleanup_ctx.append(_stores_ctx)
    return staff_app


async def _stores_ctx(staff_app: web.Application) -> AsyncIterator[None]:
    stores = (staff_app[ACCOUNTS].db, staff_app[LEADS].db)
    for store in stores:
        await store.open()
    try:
        yield
    finally:
        await staff_app[LOGIN_LIMITS].close()
        for store in stores:
            await store.close()
