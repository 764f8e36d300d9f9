"""Web sessions and their conversation history in SQLite, so both survive a gateway restart.

sqlite3 blocks, so every call runs in a worker thread (asyncio.to_thread) behind one lock. The session
id is the visitor's only credential, so the database holds only its SHA-256 (`stored_key`): a copy of
the file or a backup lets nobody read or continue a conversation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    language TEXT,
    created REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'bot')),
    text TEXT,
    buttons TEXT NOT NULL DEFAULT '[]',
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_session ON messages(session_id, seq);
"""


@dataclass(frozen=True)
class Session:
    id: str
    site: str
    language: str | None


@dataclass(frozen=True)
class StoredMessage:
    role: str
    text: str | None
    buttons: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "text": self.text, "buttons": self.buttons}


def new_session_id() -> str:
    """192 random bits: the id is the only credential of an anonymous visitor's conversation."""
    return secrets.token_urlsafe(24)


def stored_key(session_id: str) -> str:
    """What the database keeps instead of the session id. A plain hash suffices (no salt, no slow
    hash): the id has 192 random bits, nothing to guess from a dictionary."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


SCHEMA_VERSION = 1  # 1: sessions.id holds stored_key(session id), no longer the id itself


def _migrate(db: sqlite3.Connection) -> None:
    """Replaces plain session ids of a version-0 database by their hashes, in one transaction."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    with db:
        db.execute("BEGIN")
        db.execute("PRAGMA defer_foreign_keys=ON")
        for (plain,) in db.execute("SELECT id FROM sessions").fetchall():
            db.execute("UPDATE sessions SET id = ? WHERE id = ?", (stored_key(plain), plain))
            db.execute("UPDATE messages SET session_id = ? WHERE session_id = ?", (stored_key(plain), plain))
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


class ChatStore:
    """Owns the SQLite connection; open() once at start-up, close() at shutdown."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(_SCHEMA)
        _migrate(db)
        self._db = db

    def _close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        assert self._db is not None, "ChatStore used before open()"
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    async def _call(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return await asyncio.to_thread(self._run, sql, params)

    async def agrees_on_sender_key(self, fingerprint: str) -> bool:
        """Always True: an SQLite store belongs to one machine, whose gateways read one key (the
        environment or the data dir's key file). Changing the key on purpose starts new Rasa
        conversations for existing sessions (bot/web/README.md); the PostgreSQL store, shared by
        several gateways, refuses a gateway whose key differs from the others'."""
        return True

    async def create_session(self, site: str, language: str | None) -> Session:
        session = Session(new_session_id(), site, language)
        now = time.time()
        await self._call(
            "INSERT INTO sessions (id, site, language, created, last_seen) VALUES (?, ?, ?, ?, ?)",
            (stored_key(session.id), site, language, now, now),
        )
        return session

    async def get_session(self, session_id: str) -> Session | None:
        rows = await self._call("SELECT site, language FROM sessions WHERE id = ?", (stored_key(session_id),))
        return Session(session_id, *rows[0]) if rows else None

    async def remember_language(self, session_id: str, language: str | None) -> None:
        await self._call(
            "UPDATE sessions SET language = COALESCE(?, language), last_seen = ? WHERE id = ?",
            (language, time.time(), stored_key(session_id)),
        )

    async def append(self, session_id: str, messages: list[StoredMessage]) -> None:
        await asyncio.to_thread(self._append, session_id, messages)

    def _append(self, session_id: str, messages: list[StoredMessage]) -> None:
        assert self._db is not None, "ChatStore used before open()"
        now = time.time()
        rows = [
            (stored_key(session_id), m.role, m.text, json.dumps(m.buttons, ensure_ascii=False), now)
            for m in messages
        ]
        with self._lock:
            self._db.execute("BEGIN")
            try:
                self._db.executemany(
                    "INSERT INTO messages (session_id, role, text, buttons, created) VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
            except BaseException:  # a failed write must never leave the connection inside a transaction
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    async def history(self, session_id: str, limit: int) -> list[StoredMessage]:
        rows = await self._call(
            "SELECT role, text, buttons FROM (SELECT seq, role, text, buttons FROM messages"
            " WHERE session_id = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq",
            (stored_key(session_id), limit),
        )
        return [StoredMessage(role, text, json.loads(buttons)) for role, text, buttons in rows]

    async def forget(self, session_id: str) -> None:
        """Deletes the stored conversation after the visitor confirmed "forget me"."""
        await self._call("DELETE FROM messages WHERE session_id = ?", (stored_key(session_id),))

    async def delete_session(self, session_id: str) -> None:
        """Deletes the session and its messages: the widget's "new conversation" ends the old one."""
        await self._call("DELETE FROM sessions WHERE id = ?", (stored_key(session_id),))

    async def prune(self, idle_days: int) -> int:
        """Deletes sessions idle longer than the retention period, with their messages."""
        cutoff = time.time() - idle_days * 86400
        rows = await self._call("DELETE FROM sessions WHERE last_seen < ? RETURNING id", (cutoff,))
        return len(rows)
