"""Telegram channel built on python-telegram-bot 22; configuration in README.md here."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.keys import TELEGRAM_SETTINGS
from bot.settings import Settings
from bot.telegram import i18n
from bot.telegram.runtime import telegram_ctx
from bot.telegram.settings import TelegramSettings
from bot.telegram.webhook import telegram_webhook

log = logging.getLogger(__name__)


def setup(app: web.Application, settings: Settings) -> None:
    """Starts the Telegram connector when TELEGRAM_BOT_TOKEN is set; otherwise does nothing."""
    tg = TelegramSettings.from_env(settings.env)
    if not tg.enabled:
        log.info("TELEGRAM_BOT_TOKEN is not set: the Telegram connector stays off")
        return
    i18n.validate()
    app[TELEGRAM_SETTINGS] = tg
    app.cleanup_ctx.append(telegram_ctx)
    if tg.webhook_mode:
        app.router.add_post(tg.webhook_path, telegram_webhook)
