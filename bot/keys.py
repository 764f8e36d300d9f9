"""Every aiohttp AppKey of the gateway, in one module so features share them without cycles."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from bot.analytics import TurnAnalytics
    from bot.rasa_client import RasaClient
    from bot.settings import Settings
    from bot.telegram.outreach.runtime import Outreach

SETTINGS: web.AppKey["Settings"] = web.AppKey("settings")
RASA: web.AppKey["RasaClient"] = web.AppKey("rasa")
ANALYTICS: web.AppKey["TurnAnalytics"] = web.AppKey("analytics")
OUTREACH: web.AppKey["Outreach"] = web.AppKey("outreach")  # only while Telegram is configured
