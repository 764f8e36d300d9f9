"""A per-chat message rate limit, so one chat cannot take the bot's (and Rasa's) time from others.

Moving windows from the `limits` library, kept in memory, or in Redis with REDIS_URL (then every
gateway counts the same chat's messages; an outage raises StoreUnavailable). A chat over its limit is told once per
window how long to wait; the messages after that are dropped without a reply, so a flood does not
turn into a flood of answers.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from bot.stores import StoreUnavailable, close_limits_storage, limits_storage


class ChatRateLimit:
    def __init__(self, rate: str, redis_url: str = "") -> None:
        self.item = parse(rate)
        self.storage, self._redis_pool = limits_storage(redis_url)
        self.limiter = MovingWindowRateLimiter(self.storage)
        self._told_until: dict[int, float] = {}

    async def refusal(self, chat_id: int) -> int | None:
        """None when the chat may go on; else the seconds to wait, or 0 when it was told already."""
        key = str(chat_id)
        try:
            if await self.limiter.hit(self.item, "telegram_chat", key):
                return None
            reset = (await self.limiter.get_window_stats(self.item, "telegram_chat", key)).reset_time
        except StorageError as exc:
            raise StoreUnavailable(f"chat rate limit: {exc.storage_error!r}") from exc
        if self._told_until.get(chat_id, 0) > time.time():
            return 0
        self._told_until[chat_id] = reset
        self._forget_old()
        return max(1, math.ceil(reset - time.time()))

    def _forget_old(self) -> None:
        now = time.time()
        for chat_id in [c for c, until in self._told_until.items() if until <= now]:
            del self._told_until[chat_id]

    async def close(self) -> None:
        """Stops the storage's expiry task (or closes Redis) so shutdown leaves nothing pending."""
        await close_limits_storage(self.storage, self._redis_pool)
