"""Outreach inside the gateway's lifetime: the store, a plain Bot for broadcasts and the worker.

Broadcasts use their own `telegram.Bot` without PTB's AIORateLimiter: the Pacer already keeps
Telegram's limits, and the limiter would otherwise retry a 429 behind the worker's back and hide
the pause every sender must take.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.telegram.outreach.delivery import Deliverer
from bot.telegram.outreach.pacing import Pacer
from bot.telegram.outreach.store import SQLiteOutreach
from bot.telegram.settings import TelegramSettings


@dataclass
class Outreach:
    """What the console uses: the store, the worker to wake, and the bot for "send to me first"."""

    store: SQLiteOutreach
    deliverer: Deliverer
    bot: Bot
    username: str

    async def queue(
        self,
        user: str,
        texts: dict[str, str],
        fallback_to_en: bool,
        topics: tuple[str, ...],
        start: str | None,
        send_at: float | None,
    ) -> int:
        broadcast = await self.store.create_broadcast(
            user, texts, fallback_to_en, topics, start, send_at or time.time()
        )
        self.deliverer.wake()
        return broadcast

    async def cancel(self, broadcast_id: int) -> str | None:
        """Cancels a scheduled or sending broadcast; returns the state it had (see store.cancel)."""
        before = await self.store.cancel(broadcast_id)
        if before in ("scheduled", "sending"):
            self.deliverer.cancelled(broadcast_id)
        return before


@contextlib.asynccontextmanager
async def running(tg: TelegramSettings, data_dir: str, username: str) -> AsyncIterator[Outreach]:
    store = SQLiteOutreach(Path(data_dir) / "outreach.sqlite3")
    await store.db.open()
    bot = Bot(
        tg.token, base_url=tg.base_url, request=HTTPXRequest(connection_pool_size=tg.outreach_concurrency + 2)
    )
    await bot.initialize()
    deliverer = Deliverer(
        store, bot, Pacer(tg.outreach_per_second), username, tg.outreach_concurrency, tg.outreach_max_attempts
    )
    deliverer.start()
    try:
        yield Outreach(store, deliverer, bot, username)
    finally:
        await deliverer.stop()
        await bot.shutdown()
        await store.db.close()
