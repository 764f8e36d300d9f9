"""Every aiohttp AppKey and RequestKey of the gateway, in one module.

The features (web channel, staff console, Telegram) read each other's and the gateway-wide values
through these keys, so each can import this module first: at run time it imports nothing of the
gateway (the names below `if TYPE_CHECKING` are for the type checker only; annotations are not
evaluated at run time), so importing it never pulls in a feature or makes an import cycle.
tests/bot/test_keys.py checks both: no key defined elsewhere, no run-time import of a feature.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from bot.analytics import TurnAnalytics
    from bot.rasa_client import RasaClient
    from bot.settings import Settings
    from bot.staff.accounts import Accounts, User
    from bot.staff.guards import LoginLimits
    from bot.staff.leads import Leads
    from bot.staff.settings import StaffSettings
    from bot.telegram.outreach.runtime import Outreach
    from bot.telegram.settings import TelegramSettings
    from bot.telegram.state import TelegramApp
    from bot.web.assets import Assets
    from bot.web.guards import RateLimits
    from bot.web.settings import WebSettings
    from bot.web.stores import AnyChatStore

# the gateway's root application
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
RASA: web.AppKey[RasaClient] = web.AppKey("rasa")
ANALYTICS: web.AppKey[TurnAnalytics] = web.AppKey("analytics")
OUTREACH: web.AppKey[Outreach] = web.AppKey("outreach")  # only while Telegram is configured

# the web channel's sub-application (bot/web)
WEB_SETTINGS: web.AppKey[WebSettings] = web.AppKey("web_settings")
STORE: web.AppKey[AnyChatStore] = web.AppKey("web_store")
LIMITS: web.AppKey[RateLimits] = web.AppKey("web_limits")
VALIDATORS: web.AppKey[dict[str, Draft202012Validator]] = web.AppKey("web_validators")
WEB_OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("web_openapi")
ASSETS: web.AppKey[Assets] = web.AppKey("web_assets")
SENDER_KEY: web.AppKey[bytes] = web.AppKey("web_sender_key", bytes)
VISITOR_LANGUAGE: web.RequestKey[str | None] = web.RequestKey("web_visitor_language")

# the staff console's sub-application (bot/staff)
STAFF_SETTINGS: web.AppKey[StaffSettings] = web.AppKey("staff_settings")
ACCOUNTS: web.AppKey[Accounts] = web.AppKey("staff_accounts")
LEADS: web.AppKey[Leads] = web.AppKey("staff_leads")
LOGIN_LIMITS: web.AppKey[LoginLimits] = web.AppKey("staff_login_limits")
STAFF_OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("staff_openapi")
USER: web.RequestKey[User | None] = web.RequestKey("staff_user")
LANG: web.RequestKey[str] = web.RequestKey("staff_lang")

# the Telegram connector (bot/telegram), on the root application
TELEGRAM_SETTINGS: web.AppKey[TelegramSettings] = web.AppKey("telegram_settings")
TELEGRAM_APPLICATION: web.AppKey[TelegramApp] = web.AppKey("telegram_application")
