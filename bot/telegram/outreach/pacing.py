"""Telegram's broadcast limits, kept on our side: ≤ N messages in any one-second window overall and
≤ 1 per second per chat, and a 429 pauses every sender for its retry_after.

A sliding window rather than a token bucket: a bucket that allows a burst of N on top of its steady
rate can put 2N messages into one second, which is exactly what Telegram punishes. The window keeps
the times of the last N sends; the next one waits until the oldest is a full window ago. Sends are
also spread evenly (at least window/N apart) instead of in bursts, and a margin (WINDOW_MARGIN) is
added to both limits, so network jitter never lets Telegram see N+1 in a second.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

WINDOW_MARGIN = 0.15


class Pacer:
    """One per gateway: shared by every broadcast, so two broadcasts back to back respect it too."""

    def __init__(self, per_second: int, per_chat_seconds: float = 1.0) -> None:
        self.per_second = per_second
        self.window = 1.0 + WINDOW_MARGIN
        self.per_chat = per_chat_seconds + WINDOW_MARGIN
        self.spacing = self.window / per_second
        self._sent: deque[float] = deque()
        self._last_to_chat: dict[int, float] = {}
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self, chat_id: int) -> None:
        """Waits until one more message to this chat keeps every limit, then counts it as sent."""
        async with self._lock:
            while True:
                now = time.monotonic()
                wait = max(self._paused_until - now, self._window_wait(now), self._chat_wait(chat_id, now))
                if wait <= 0:
                    break
                await asyncio.sleep(wait)
            self._sent.append(now)
            self._last_to_chat[chat_id] = now
            self._forget_old(now)

    def pause(self, seconds: float) -> None:
        """A 429: nobody sends until it has passed."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _window_wait(self, now: float) -> float:
        while self._sent and now - self._sent[0] >= self.window:
            self._sent.popleft()
        if len(self._sent) >= self.per_second:
            return self._sent[0] + self.window - now
        return self._sent[-1] + self.spacing - now if self._sent else 0.0

    def _chat_wait(self, chat_id: int, now: float) -> float:
        last = self._last_to_chat.get(chat_id)
        return 0.0 if last is None else last + self.per_chat - now

    def _forget_old(self, now: float) -> None:
        if len(self._last_to_chat) > 10_000:
            self._last_to_chat = {c: t for c, t in self._last_to_chat.items() if now - t < self.per_chat}
