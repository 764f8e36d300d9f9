"""Builds the PTB application and runs it inside the aiohttp app's lifetime (cleanup_ctx)."""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
from aiohttp import web
from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application, Defaults
from telegram.request import HTTPXRequest

from bot import keys
from bot.i18n import LANGUAGES
from bot.keys import TELEGRAM_APPLICATION, TELEGRAM_SETTINGS
from bot.settings import SettingsError
from bot.telegram import handlers, i18n
from bot.telegram.limits import ChatRateLimit
from bot.telegram.outreach import runtime as outreach
from bot.telegram.settings import TelegramSettings
from bot.telegram.shared_state import RedisChatMemory
from bot.telegram.state import CONTEXT_TYPES, PerChatUpdateProcessor, Services, TelegramApp
from bot.telegram.update_log import UPDATE_LOG, SQLiteUpdateLog

log = logging.getLogger(__name__)


ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.EDITED_MESSAGE,
    Update.CHANNEL_POST,
    Update.CALLBACK_QUERY,
]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle is slow (0.1-0.4 s), so PTB's two HTTP clients share one context."""
    return httpx.create_ssl_context()


def _requests() -> tuple[HTTPXRequest, HTTPXRequest]:
    """PTB's own HTTPX requests with its default pool sizes (256 for calls, 1 for getUpdates)."""
    tls = {"verify": _tls_context()}
    return HTTPXRequest(connection_pool_size=256, httpx_kwargs=tls), HTTPXRequest(
        connection_pool_size=1, httpx_kwargs=tls
    )


def build_application(tg: TelegramSettings, requests: tuple[HTTPXRequest, HTTPXRequest]) -> TelegramApp:
    """PTB's own HTTP stack and rate limiter; no Updater in webhook mode (aiohttp receives)."""
    request, get_updates_request = requests
    builder = (
        Application.builder()
        .token(tg.token)
        .base_url(tg.base_url)
        .request(request)
        .get_updates_request(get_updates_request)
        .rate_limiter(AIORateLimiter(max_retries=tg.max_retries))
        .concurrent_updates(PerChatUpdateProcessor(tg.concurrent_updates))
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
    )
    if tg.webhook_mode:
        builder = builder.updater(None)
    application = builder.build()
    handlers.register(application)
    return application


def menu(language: str) -> list[BotCommand]:
    return [BotCommand(name, i18n.t(f"cmd_{name}", language)) for name in handlers.MENU_COMMANDS]


async def register_commands(application: TelegramApp, default_language: str) -> None:
    """Localized command menus; a failure here is logged, the bot still answers commands."""
    try:
        for language in LANGUAGES:
            await application.bot.set_my_commands(menu(language), language_code=language)
        await application.bot.set_my_commands(menu(default_language))
    except TelegramError as exc:
        log.warning("could not register the Telegram command menu: %s", exc)


async def start_receiving(application: TelegramApp, tg: TelegramSettings) -> None:
    if tg.webhook_mode:
        await application.bot.set_webhook(
            tg.webhook_url, secret_token=tg.webhook_secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("Telegram webhook mode: %s", tg.webhook_url)
    else:
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        log.info("Telegram polling mode")


async def stop(application: TelegramApp) -> None:
    """Stops whatever part has started; safe after a failed start-up."""
    if application.updater and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


async def _initialize(application: TelegramApp, requests: tuple[HTTPXRequest, ...]) -> None:
    """getMe checks the token; a rejected one stops start-up with the variable named, never shown."""
    try:
        await application.initialize()
    except BaseException as exc:
        await asyncio.gather(*(request.shutdown() for request in requests))
        if isinstance(exc, InvalidToken):
            raise SettingsError("TELEGRAM_BOT_TOKEN was rejected by the Telegram Bot API") from None
        raise


async def telegram_ctx(app: web.Application) -> AsyncIterator[None]:
    """PTB starts after the Rasa client exists and stops before it closes."""
    tg = app[TELEGRAM_SETTINGS]
    settings = app[keys.SETTINGS]
    requests = _requests()
    application = build_application(tg, requests)
    chat_limit = ChatRateLimit(tg.rate_chat, settings.redis_url)
    services = Services(app[keys.RASA], tg, settings.default_language, chat_limit)
    application.bot_data.services = services
    try:
        await _initialize(application, requests)
    except BaseException:
        await chat_limit.close()
        raise
    if settings.redis_url:
        services.shared = services.updates = RedisChatMemory(settings.redis_url, application.bot.id)
    else:
        services.updates = SQLiteUpdateLog(Path(settings.data_dir) / UPDATE_LOG, application.bot.id)
    try:
        if isinstance(services.updates, SQLiteUpdateLog):
            await services.updates.open()
        username = services.bot_username(application.bot)
        async with outreach.running(tg, settings.data_dir, username) as broadcasts:
            services.outreach = broadcasts.store
            app[keys.OUTREACH] = broadcasts
            await register_commands(application, settings.default_language)
            await application.start()
            await start_receiving(application, tg)
            log.info("Telegram connector running as @%s", application.bot.username)
            app[TELEGRAM_APPLICATION] = application
            yield
            await stop(application)  # stop taking updates before the outreach store closes
    finally:
        await stop(application)
        await chat_limit.close()
        if services.updates is not None:
            await services.updates.close()  # the Redis one is services.shared too
