"""The staff console's aiohttp AppKeys and RequestKeys (the gateway-wide ones live in bot/keys.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.staff.accounts import Accounts, User
    from bot.staff.guards import LoginLimits
    from bot.staff.leads import Leads
    from bot.staff.settings import StaffSettings

STAFF_SETTINGS: web.AppKey["StaffSettings"] = web.AppKey("staff_settings")
ACCOUNTS: web.AppKey["Accounts"] = web.AppKey("staff_accounts")
LEADS: web.AppKey["Leads"] = web.AppKey("staff_leads")
LOGIN_LIMITS: web.AppKey["LoginLimits"] = web.AppKey("staff_login_limits")
OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("staff_openapi")

USER: web.RequestKey["User | None"] = web.RequestKey("staff_user")
LANG: web.RequestKey[str] = web.RequestKey("staff_lang")
