"""Website channel: chat API, widget assets and demo page."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import aiohttp_cors
from aiohttp import web

from bot import keys as gateway_keys
from bot.keys import ASSETS, LIMITS, SENDER_KEY, STORE, VALIDATORS, WEB_OPENAPI, WEB_SETTINGS
from bot.settings import Settings, SettingsError
from bot.web import api, assets, i18n, retention, schemas, senders
from bot.web.guards import RateLimits, errors_as_json, limit_per_ip, refuse_foreign_origins
from bot.web.settings import WebSettings
from bot.web.stores import chat_store

log = logging.getLogger(__name__)
API_PREFIX = "/api/v1"


def setup(app: web.Application, settings: Settings) -> None:
    """Registers the web channel's routes on the gateway app."""
    web_settings = WebSettings.from_gateway(settings)
    i18n.load()  # a missing or broken translation stops the start, not a visitor's request
    app[ASSETS] = assets.Assets.build(web_settings)
    app[WEB_SETTINGS] = web_settings
    app.router.add_get("/", assets.demo_page)
    app.router.add_get("/widget.js", assets.widget_js)
    app.router.add_get("/widget.css", assets.widget_css)
    app.router.add_get("/demo.js", assets.demo_js)
    app.router.add_get("/demo.css", assets.demo_css)
    app.add_subapp(API_PREFIX, _api_app(web_settings, settings))


def _api_app(web_settings: WebSettings, settings: Settings) -> web.Application:
    """The API as a sub-application, so its guards never touch the other channels' routes."""
    api_app = web.Application(middlewares=[errors_as_json, refuse_foreign_origins, limit_per_ip])
    api_app[WEB_SETTINGS] = web_settings
    api_app[gateway_keys.SETTINGS] = settings
    api_app[SENDER_KEY] = senders.sender_key(web_settings)
    api_app[VALIDATORS] = {
        "session": schemas.validator(schemas.session_request()),
        "chat": schemas.validator(schemas.chat_request(web_settings)),
    }
    api_app[WEB_OPENAPI] = schemas.openapi(web_settings)
    api_app[STORE] = chat_store(web_settings)
    api_app[LIMITS] = RateLimits(web_settings)
    api_app.cleanup_ctx.append(_resources_ctx)
    api_app.router.add_routes(api.routes)
    _allow_cors(api_app, web_settings)
    return api_app


def _allow_cors(api_app: web.Application, web_settings: WebSettings) -> None:
    """CORS headers (aiohttp-cors) only for the configured sites' origins; others get none."""
    options = aiohttp_cors.ResourceOptions(
        allow_credentials=False,
        expose_headers=("Retry-After",),
        allow_headers=("Content-Type", "Authorization"),
        allow_methods=("GET", "POST", "DELETE"),
        max_age=600,
    )
    cors = aiohttp_cors.setup(api_app, defaults={origin: options for origin in web_settings.all_origins})
    for route in list(api_app.router.routes()):
        cors.add(route)


async def _resources_ctx(api_app: web.Application) -> AsyncIterator[None]:
    """Opens the history database, prunes idle conversations now and on a timer, closes it all."""
    web_settings, store = api_app[WEB_SETTINGS], api_app[STORE]
    await store.open()
    if not await store.agrees_on_sender_key(senders.key_fingerprint(api_app[SENDER_KEY])):
        await store.close()
        raise SettingsError(
            "WIDGET_SENDER_KEY differs from the key of the other gateways sharing this database; set the"
            " same key on every gateway (to change it on purpose: stop all gateways, run"
            " `DELETE FROM web_sender_key;` in the database, start them with the new key)"
        )
    await retention.prune_once(store, web_settings.retention_days)  # before the first visitor
    sweeper = asyncio.create_task(
        retention.sweep_forever(
            store, web_settings.retention_days, api_app[gateway_keys.SETTINGS].retention_sweep_seconds
        )
    )
    try:
        yield
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        await api_app[LIMITS].close()
        await store.close()
