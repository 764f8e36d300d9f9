"""Typed per-chat and per-bot state kept by PTB, plus the per-chat ordering of updates."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional
from weakref import WeakValueDictionary

from telegram import Bot, Update
from telegram.ext import Application, BaseUpdateProcessor, CallbackContext, ContextTypes, ExtBot, JobQueue

if TYPE_CHECKING:
    from bot.rasa_client import RasaClient
    from bot.telegram.limits import ChatRateLimit
    from bot.telegram.outreach.store import SQLiteOutreach
    from bot.telegram.settings import TelegramSettings
    from bot.telegram.shared_state import RedisChatMemory
    from bot.telegram.update_log import SQLiteUpdateLog

    UpdateLog = RedisChatMemory | SQLiteUpdateLog

REMEMBERED_UPDATES = 4096


@dataclass
class ChatState:
    """What the connector remembers about one chat; dropped entirely when the user says /forget."""

    language: str | None = None  # the reply language Rasa last reported (custom.language)
    buttons: OrderedDict[str, str] = field(default_factory=OrderedDict)  # short id -> payload


@dataclass
class Services:
    """The gateway resources the handlers need, handed to PTB once at start-up."""

    rasa: "RasaClient"
    settings: "TelegramSettings"
    default_language: str
    chat_limit: "ChatRateLimit"
    outreach: Optional["SQLiteOutreach"] = None  # subscriptions (bot/telegram/outreach)
    shared: "RedisChatMemory | None" = None  # REDIS_URL: dedup and buttons shared by all gateways
    updates: "UpdateLog | None" = None  # update ids handled: Redis (shared) or SQLite (update_log.py)

    def bot_username(self, bot: Bot) -> str:
        """TELEGRAM_BOT_USERNAME when configured, otherwise what getMe reported."""
        return self.settings.bot_username or bot.username or ""


class BotData:
    """Bot-wide state: the services, and the update ids already seen in this process (the fallback
    when the persistent update log (Services.updates) cannot be read)."""

    def __init__(self) -> None:
        self.services: Optional[Services] = None
        self._seen: OrderedDict[int, None] = OrderedDict()

    def first_time(self, update_id: int) -> bool:
        """True once per update id, so a redelivered update is not answered twice."""
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > REMEMBERED_UPDATES:
            self._seen.popitem(last=False)
        return True


CONTEXT_TYPES = ContextTypes(chat_data=ChatState, bot_data=BotData)
Context = CallbackContext[ExtBot[None], dict[Any, Any], ChatState, BotData]
# The application runtime.build_application makes: a bot with AIORateLimiter (whose per-call
# argument is an int, the retries), these context types, and no job queue used (PTB's builder types
# the queue with its default context, hence Any there).
TelegramApp = Application[ExtBot[int], Context, dict[Any, Any], ChatState, BotData, JobQueue[Any]]


def services(context: Context) -> Services:
    assert context.bot_data.services is not None, "Services are set before the application starts"
    return context.bot_data.services


def chat_state(context: Context) -> ChatState:
    """The chat's state. PTB has one for every update from a chat; the handlers that call this run
    only for such updates, so None here is a bug, not a case to handle."""
    assert context.chat_data is not None, "chat_state() called for an update without a chat"
    return context.chat_data


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Chats run concurrently, but each chat's updates run in order, as the user sent them.

    The chat's lock is taken before one of the global slots (PTB takes the slot in process_update):
    a chat's queued updates wait on their own lock and hold no slot, so a chat that floods the bot
    cannot take every slot while other chats wait.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: WeakValueDictionary[int, asyncio.Lock] = WeakValueDictionary()

    # PTB marks process_update @final (subclasses implement do_process_update, which runs inside the
    # slot); the chat's lock has to be taken before the slot (class docstring), so it is overridden
    # here, calling PTB's own implementation for the slot.
    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await super().process_update(update, coroutine)
            return
        lock = self._locks.setdefault(chat.id, asyncio.Lock())
        async with lock:
            await super().process_update(update, coroutine)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        """Nothing to allocate: locks are created per chat on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: locks disappear with their last waiter."""
