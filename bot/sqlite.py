"""One small SQLite wrapper for the gateway's own stores (staff accounts, analytics, outreach).

sqlite3 blocks, so every call runs in a worker thread (asyncio.to_thread) behind one lock; a store
written from several coroutines then never interleaves two statements of one transaction. The SQL the
stores use is plain and portable on purpose, so a PostgreSQL implementation of the same store
interfaces needs new connection code, not new queries.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

Row = tuple[Any, ...]
T = TypeVar("T")


class SQLite:
    """Owns one connection; `open()` once at start-up, `close()` at shutdown."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self.schema = schema
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    async def open(self) -> None:
        await asyncio.to_thread(self.open_sync)

    def open_sync(self) -> None:
        """Creates the file and the tables; also used by the command line (no event loop)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(self.schema)
        self._db = db

    async def close(self) -> None:
        await asyncio.to_thread(self.close_sync)

    def close_sync(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def run_sync(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        assert self._db is not None, f"{self.path.name} used before open()"
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    async def run(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await asyncio.to_thread(self.run_sync, sql, params)

    def transaction_sync(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Runs `work(connection)` inside BEGIN … COMMIT, rolling back on any error."""
        assert self._db is not None, f"{self.path.name} used before open()"
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                result = work(self._db)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return result

    async def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.to_thread(self.transaction_sync, work)
