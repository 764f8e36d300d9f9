"""Telegram state that several gateways must share, kept in Redis when REDIS_URL is set.

Two things decide whether an update is handled correctly by whichever gateway receives it: whether
this update id was already answered (Telegram redelivers an update it thinks was lost, possibly to
another gateway), and what a button's short id means (the keyboard may have been sent by another
gateway). Without Redis both live in PTB's per-process bot_data/chat_data (state.py), which is right
for one gateway. A Redis outage raises StoreUnavailable; the error handler then tells the user the
advisor is temporarily unavailable.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TypeVar, cast

from bot.stores import StoreUnavailable, redis_client, redis_errors, redis_pool

UPDATE_TTL = 24 * 3600  # seconds an update id is remembered (Telegram stops redelivering within a day)
BUTTON_TTL = 30 * 24 * 3600  # seconds a chat's button short ids live after its last keyboard
T = TypeVar("T")


class RedisChatMemory:
    """Update dedup (SET NX) and button short ids (a hash per chat) in Redis."""

    def __init__(self, url: str, bot_id: int) -> None:
        self._pool = redis_pool(url)
        self._redis = redis_client(self._pool)
        self._prefix = f"advisor:tg:{bot_id}"

    async def close(self) -> None:
        await self._redis.aclose()
        await self._pool.disconnect()

    async def first_time(self, update_id: int) -> bool:
        """True for exactly one of the gateways that receive the same update id."""
        key = f"{self._prefix}:update:{update_id}"
        return bool(await self._call(self._redis.set(key, 1, nx=True, ex=UPDATE_TTL)))

    async def remember_buttons(self, chat_id: int, buttons: Mapping[str, str]) -> None:
        if not buttons:
            return
        key = f"{self._prefix}:buttons:{chat_id}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=dict(buttons))
            pipe.expire(key, BUTTON_TTL)
            await self._call(pipe.execute())

    async def button(self, chat_id: int, short_id: str) -> str | None:
        # redis-py annotates its hash commands for the sync and asyncio clients at once, and as str;
        # this asyncio client (no decode_responses) returns an awaitable of bytes
        found = cast(
            "Awaitable[bytes | None]", self._redis.hget(f"{self._prefix}:buttons:{chat_id}", short_id)
        )
        value = await self._call(found)
        return value.decode() if value is not None else None

    async def forget(self, chat_id: int) -> None:
        """After "forget me": the chat's buttons go too (update ids hold nothing personal)."""
        await self._call(self._redis.delete(f"{self._prefix}:buttons:{chat_id}"))

    @staticmethod
    async def _call(awaitable: Awaitable[T]) -> T:
        try:
            return await awaitable
        except redis_errors() as exc:
            raise StoreUnavailable(f"Redis: {exc!r}") from exc
