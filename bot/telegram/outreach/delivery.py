"""Delivers broadcasts in the background, within Telegram's limits, resuming after a restart.

One worker loop takes the next due broadcast, creates its deliveries once (store.enqueue), and
sends them with a few concurrent senders sharing one Pacer. Per delivery: 429 → everyone pauses for
retry_after and the message is retried; 403 (the user blocked the bot) → that chat is unsubscribed;
a network error before the request left → retried up to max_attempts; a timeout (it may have
arrived) or a 400 → failed, never resent. Stopping lets in-flight sends finish and mark themselves.
Cancelling (an admin, from the console) stops the senders of that broadcast before their next
message; the store's claim refuses every delivery of a cancelled broadcast in any case.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.telegram import i18n
from bot.telegram.outreach.pacing import Pacer
from bot.telegram.outreach.store import Broadcast, Delivery, SQLiteOutreach

log = logging.getLogger(__name__)
STOP_CALLBACK = "outreach:stop"


def markup(broadcast: Broadcast, language: str, username: str) -> InlineKeyboardMarkup:
    """The optional start-code button and, always, "stop these messages"."""
    rows = []
    if broadcast.start and username:
        url = f"https://t.me/{username}?start={broadcast.start}"
        rows.append([InlineKeyboardButton(i18n.t("outreach_open", language), url=url)])
    rows.append([InlineKeyboardButton(i18n.t("outreach_stop", language), callback_data=STOP_CALLBACK)])
    return InlineKeyboardMarkup(rows)


class Deliverer:
    def __init__(
        self,
        store: SQLiteOutreach,
        bot: Bot,
        pacer: Pacer,
        username: str,
        concurrency: int = 4,
        max_attempts: int = 3,
    ) -> None:
        self.store, self.bot, self.pacer, self.username = store, bot, pacer, username
        self.concurrency, self.max_attempts = concurrency, max_attempts
        self._wake = asyncio.Event()
        self._stopping = False
        self._cancelled: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def wake(self) -> None:
        """A new broadcast was queued: look now instead of at the next poll."""
        self._wake.set()

    def cancelled(self, broadcast_id: int) -> None:
        """The store has cancelled it: its senders stop instead of waiting for pacing slots."""
        self._cancelled.add(broadcast_id)

    async def stop(self, grace: float = 10.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except asyncio.TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        interrupted = await self.store.recover_interrupted()
        if interrupted:
            log.warning("outreach: %d deliveries were interrupted by a crash and are not resent", interrupted)
        while not self._stopping:
            broadcast = await self.store.due_broadcast(time.time())
            if broadcast is None:
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), 1.0)
                continue
            await self._deliver(broadcast)

    async def _deliver(self, broadcast: Broadcast) -> None:
        await self.store.enqueue(broadcast)
        queue: asyncio.Queue[Delivery] = asyncio.Queue()
        for delivery in await self.store.pending(broadcast.id):
            queue.put_nowait(delivery)
        await asyncio.gather(*(self._sender(broadcast, queue) for _ in range(self.concurrency)))
        if not self._stopping and not await self.store.pending(broadcast.id):
            await self.store.finish(broadcast.id)
            log.info(
                "outreach: broadcast %s delivered: %s", broadcast.id, await self.store.progress(broadcast.id)
            )

    async def _sender(self, broadcast: Broadcast, queue: asyncio.Queue[Delivery]) -> None:
        while not self._stopping and broadcast.id not in self._cancelled and not queue.empty():
            delivery = queue.get_nowait()
            await self.pacer.acquire(delivery.chat_id)
            # stop() may have run during the wait; mypy keeps the loop condition's narrowing across it
            if self._stopping or broadcast.id in self._cancelled:
                return
            retry = await self._send(broadcast, delivery)
            if retry is not None:
                queue.put_nowait(retry)

    async def _send(self, broadcast: Broadcast, delivery: Delivery) -> Delivery | None:
        """Sends one message; returns the delivery again when it should be retried."""
        text = broadcast.text_for(delivery.language)
        assert text is not None  # enqueue skipped the rest
        if not await self.store.claim(delivery):
            return None  # the broadcast was cancelled
        try:
            await self.bot.send_message(
                delivery.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(broadcast, delivery.language, self.username),
            )
        except RetryAfter as exc:
            seconds = (
                exc.retry_after
                if isinstance(exc.retry_after, (int, float))
                else exc.retry_after.total_seconds()
            )
            log.warning("outreach: Telegram asked to wait %s s; everyone pauses", seconds)
            self.pacer.pause(float(seconds))
            return await self._again(delivery, "429", count=False)
        except Forbidden:
            await self.store.unsubscribe(delivery.chat_id)
            await self.store.mark(delivery, "blocked", "blocked by the user: unsubscribed")
        except (TimedOut, BadRequest) as exc:  # a timeout may have arrived: never risk a second copy
            await self.store.mark(delivery, "failed", _short(exc))
        except NetworkError as exc:
            return await self._again(delivery, _short(exc))
        except TelegramError as exc:
            await self.store.mark(delivery, "failed", _short(exc))
        else:
            await self.store.mark(delivery, "sent")
        return None

    async def _again(self, delivery: Delivery, error: str, count: bool = True) -> Delivery | None:
        attempts = delivery.attempts + (1 if count else 0)
        if attempts >= self.max_attempts:
            await self.store.mark(delivery, "failed", error)
            return None
        await self.store.mark(delivery, "pending", error)
        return Delivery(delivery.broadcast_id, delivery.chat_id, delivery.language, attempts)


def _short(exc: Any) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]
