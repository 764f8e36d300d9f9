"""The webhook endpoint: only Telegram (holder of the secret) may feed updates to the bot."""

from __future__ import annotations

import hmac
import logging

from aiohttp import web
from telegram import Bot, Update

from bot.keys import TELEGRAM_APPLICATION, TELEGRAM_SETTINGS

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _secret_matches(request: web.Request, expected: str) -> bool:
    """Constant-time comparison, so the secret cannot be guessed byte by byte from timings."""
    given = request.headers.get(SECRET_HEADER, "")
    # surrogateescape: a header that is not UTF-8 is simply a wrong secret (403), not a crash (500)
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), expected.encode("utf-8"))


async def telegram_webhook(request: web.Request) -> web.Response:
    """Checks secret and content type, queues the update for PTB, and answers Telegram at once."""
    if not _secret_matches(request, request.app[TELEGRAM_SETTINGS].webhook_secret):
        log.warning("Telegram webhook call with a missing or wrong secret from %s", request.remote)
        return web.Response(status=403, text="forbidden")
    if request.content_type != "application/json":
        return web.Response(status=403, text="forbidden")
    application = request.app.get(TELEGRAM_APPLICATION)
    if application is None:
        return web.Response(status=503, text="starting")
    update = await _parse_update(request, application.bot)
    if update is None:
        return web.Response(status=400, text="bad update")
    await application.update_queue.put(update)
    return web.Response(status=200, text="ok")


async def _parse_update(request: web.Request, bot: Bot) -> Update | None:
    try:
        data = await request.json()
        if not isinstance(data, dict):
            return None
        return Update.de_json(data, bot)
    except (ValueError, KeyError, TypeError) as exc:
        log.warning("malformed Telegram update rejected: %s", exc)
        return None
