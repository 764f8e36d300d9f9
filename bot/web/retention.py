"""Deleting what the web channel keeps: idle conversations on a timer, one conversation on request.

Retention runs at start-up and then every RETENTION_SWEEP_SECONDS while the gateway runs, so a
gateway that is never restarted still keeps nothing longer than WIDGET_RETENTION_DAYS. Deletions a
visitor asked for are retried (a locked or briefly failing database) and raise when they still fail,
so the caller never reports as deleted what is still stored.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable

from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from bot.stores import StoreUnavailable
from bot.web.stores import AnyChatStore

log = logging.getLogger(__name__)

DELETE_ATTEMPTS = 3


async def delete_with_retries(delete: Callable[[], Awaitable[object]]) -> None:
    """Runs one delete, retrying database errors with a short backoff; re-raises the last one."""
    async for attempt in AsyncRetrying(
        stop=stop_after_attempt(DELETE_ATTEMPTS),
        wait=wait_exponential(multiplier=0.1, max=1),
        retry=retry_if_exception_type((sqlite3.Error, StoreUnavailable)),  # SQLite or PostgreSQL
        reraise=True,
    ):
        with attempt:
            await delete()


async def prune_once(store: AnyChatStore, retention_days: int) -> int:
    pruned = await store.prune(retention_days)
    if pruned:
        log.info("web chat: deleted %d conversations idle for over %d days", pruned, retention_days)
    return pruned


async def sweep_forever(store: AnyChatStore, retention_days: int, every_seconds: float) -> None:
    """Prunes every `every_seconds` (start-up prunes once before); a failed sweep is logged and tried
    again at the next one, never ending the loop."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await prune_once(store, retention_days)
        except sqlite3.Error:
            log.exception("web chat: retention sweep failed; retrying in %s s", every_seconds)
