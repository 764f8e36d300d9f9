"""Telegram update ids already handled, kept in the gateway's SQLite state so that a restart does not
answer an update twice.

In polling mode PTB confirms updates to Telegram only with its next getUpdates call, so a gateway
that stops (or is killed) re-fetches the last batch when it starts again; in webhook mode Telegram
redelivers what it believes was lost. An update id is recorded when its handling starts (the dedup
handler, group -1), so a restart never answers it again — at the price that an update whose handling
was cut short by the restart is not answered at all (at most once, never twice).

Bounded: the newest `KEEP` ids per bot are kept, and any id not newer than the highest id ever pruned
counts as seen (Telegram's update ids only grow), so an old redelivery is never taken for new. With
REDIS_URL the ids live in Redis instead (shared_state.py), shared by every gateway.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.sqlite import SQLite

KEEP = 10_000
UPDATE_LOG = "telegram_updates.sqlite3"  # in ADVISOR_DATA_DIR
SCHEMA = """
CREATE TABLE IF NOT EXISTS telegram_updates (
    bot_id INTEGER NOT NULL,
    update_id INTEGER NOT NULL,
    PRIMARY KEY (bot_id, update_id)
);
CREATE TABLE IF NOT EXISTS telegram_update_floor (
    bot_id INTEGER PRIMARY KEY,
    floor INTEGER NOT NULL
);
"""


class SQLiteUpdateLog:
    """`first_time(update_id)` is True once per (bot, update id), across restarts."""

    def __init__(self, path: Path, bot_id: int, keep: int = KEEP) -> None:
        self._db = SQLite(path, SCHEMA)
        self._bot_id = bot_id
        self._keep = keep

    async def open(self) -> None:
        await self._db.open()

    async def close(self) -> None:
        await self._db.close()

    async def first_time(self, update_id: int) -> bool:
        return await self._db.transaction(lambda db: self._record(db, update_id))

    def _record(self, db: sqlite3.Connection, update_id: int) -> bool:
        bot = self._bot_id
        floor = db.execute("SELECT floor FROM telegram_update_floor WHERE bot_id = ?", (bot,)).fetchone()
        if floor is not None and update_id <= floor[0]:
            return False
        inserted = db.execute(
            "INSERT OR IGNORE INTO telegram_updates (bot_id, update_id) VALUES (?, ?)", (bot, update_id)
        ).rowcount
        if not inserted:
            return False
        oldest_kept = db.execute(
            "SELECT update_id FROM telegram_updates WHERE bot_id = ? ORDER BY update_id DESC LIMIT 1 OFFSET ?",
            (bot, self._keep - 1),
        ).fetchone()
        if oldest_kept is not None:
            pruned = db.execute(
                "SELECT max(update_id) FROM telegram_updates WHERE bot_id = ? AND update_id < ?",
                (bot, oldest_kept[0]),
            ).fetchone()[0]
            if pruned is not None:
                db.execute("DELETE FROM telegram_updates WHERE bot_id = ? AND update_id <= ?", (bot, pruned))
                db.execute(
                    "INSERT INTO telegram_update_floor (bot_id, floor) VALUES (?, ?)"
                    " ON CONFLICT (bot_id) DO UPDATE SET floor = max(floor, excluded.floor)",
                    (bot, pruned),
                )
        return True
