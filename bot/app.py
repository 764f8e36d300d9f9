"""The gateway's aiohttp app factory: health check, Rasa client, and the channels as features."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot import analytics, health, keys, security_headers
from bot import staff as staff_console
from bot import telegram as telegram_channel
from bot import web as web_channel
from bot.rasa_client import RasaClient
from bot.settings import Settings


async def _rasa_client_ctx(app: web.Application) -> AsyncIterator[None]:
    """The one Rasa client; every answered turn goes to the analytics (opened before it)."""
    settings = app[keys.SETTINGS]
    async with aiohttp.ClientSession() as session:
        app[keys.RASA] = RasaClient(
            session,
            settings.rasa_instances,
            settings.rasa_timeout,
            max_concurrent=settings.rasa_max_concurrent,
            retry_after=settings.rasa_retry_after,
            observer=app[keys.ANALYTICS].observe,
        )
        yield


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[keys.SETTINGS] = settings
    security_headers.setup(app)
    analytics.setup(app, settings)
    app.cleanup_ctx.append(_rasa_client_ctx)
    app.router.add_get("/healthz", health.healthz)
    app.router.add_get("/readyz", health.readyz)
    _setup_features(app, settings)
    return app


def _setup_features(app: web.Application, settings: Settings) -> None:
    """Each channel (and the staff console) lives in its own package and registers its routes here."""
    web_channel.setup(app, settings)
    telegram_channel.setup(app, settings)
    staff_console.setup(app, settings)
