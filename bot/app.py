"""The gateway's aiohttp app factory: health check, Rasa client, and the channels as features."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot import keys
from bot import telegram as telegram_channel
from bot import web as web_channel
from bot.rasa_client import RasaClient
from bot.settings import Settings


async def _rasa_client_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    async with aiohttp.ClientSession() as session:
        app[keys.RASA] = RasaClient(
            session, settings.rasa_instances, settings.rasa_timeout, settings.rasa_retry_after
        )
        yield


async def healthz(request: web.Request) -> web.Response:
    """Liveness for the launcher; reports whether Rasa answers too (each instance), without failing on it."""
    instances = await request.app[keys.RASA].instance_health()
    return web.json_response({
        "status": "ok",
        "rasa": "up" if any(instances.values()) else "down",
        "instances": {url: "up" if ok else "down" for url, ok in instances.items()},
    })


async def readyz(request: web.Request) -> web.Response:
    """Readiness for a load balancer: 503 until at least one Rasa instance answers, which it does
    only once its model is loaded."""
    ready = await request.app[keys.RASA].healthy()
    return web.json_response({"ready": ready}, status=200 if ready else 503)


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[keys.SETTINGS] = settings
    app.cleanup_ctx.append(_rasa_client_ctx)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    _setup_features(app, settings)
    return app


def _setup_features(app: web.Application, settings: Settings) -> None:
    """Each channel lives in its own package and registers its routes and resources here."""
    web_channel.setup(app, settings)
    telegram_channel.setup(app, settings)
