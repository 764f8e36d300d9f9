"""The Telegram connector's aiohttp AppKeys (the gateway-wide ones are in bot/keys.py)."""

from __future__ import annotations

from aiohttp import web
from telegram.ext import Application

from bot.telegram.settings import TelegramSettings

TELEGRAM_SETTINGS: web.AppKey[TelegramSettings] = web.AppKey("telegram_settings", TelegramSettings)
TELEGRAM_APPLICATION: web.AppKey[Application] = web.AppKey("telegram_application", Application)  # type: ignore[type-arg]
