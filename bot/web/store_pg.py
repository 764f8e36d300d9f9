"""Web sessions and history in PostgreSQL (asyncpg), for several gateways sharing them.

Same interface as the SQLite ChatStore in store.py; chosen by bot/web/stores.py when DATABASE_URL is
set. The tables are prefixed `web_`, because the database also holds Rasa's `events` and the leads.
Like the SQLite store it keeps only `stored_key(session id)`, a hash: the session id is the visitor's
only credential, and a dump of the database must not let anyone continue a conversation.
A lost connection (database restarted or stopped) raises StoreUnavailable; a statement that failed
because the pool's connection had been cut is retried once on a fresh connection, so the first
request after a database restart is not lost.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import asyncpg

from bot.stores import StoreUnavailable
from bot.web.store import Session, StoredMessage, new_session_id, stored_key

_SCHEMA = """
CREATE TABLE IF NOT EXISTS web_sessions (
    id TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    language TEXT,
    created DOUBLE PRECISION NOT NULL,
    last_seen DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS web_messages (
    seq BIGSERIAL PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES web_sessions(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('user', 'bot')),
    text TEXT,
    buttons TEXT NOT NULL DEFAULT '[]',
    created DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS web_messages_by_session ON web_messages(session_id, seq);
CREATE TABLE IF NOT EXISTS web_sender_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL
);
"""
# Rows written before the store kept only hashes (ids of 32 characters, not 64 hex digits) get their
# hashed key: a copy of the session under the hash, its messages moved to it, the plain row deleted.
_HASH = "encode(sha256(convert_to({}, 'UTF8')), 'hex')"
_MIGRATE_PLAIN_IDS = f"""
INSERT INTO web_sessions (id, site, language, created, last_seen)
    SELECT {_HASH.format("id")}, site, language, created, last_seen FROM web_sessions WHERE length(id) <> 64
    ON CONFLICT (id) DO NOTHING;
UPDATE web_messages SET session_id = {_HASH.format("session_id")} WHERE length(session_id) <> 64;
DELETE FROM web_sessions WHERE length(id) <> 64;
"""
_SCHEMA_LOCK = 0x77656263  # advisory lock: gateways starting together create the tables once
TIMEOUT = 5.0  # seconds for a connection or a statement
_CUT = (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError)
_DOWN = _CUT + (OSError, asyncio.TimeoutError)


class PostgresChatStore:
    """Owns an asyncpg pool; open() once at start-up, close() at shutdown."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self.url, min_size=1, max_size=10, timeout=TIMEOUT, command_timeout=TIMEOUT
        )
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
            await db.execute(_SCHEMA)
            await db.execute(_MIGRATE_PLAIN_IDS)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def _run(self, method: str, sql: str, *args: Any) -> Any:
        """Runs one statement, once more on a fresh connection if the pooled one had been cut."""
        assert self._pool is not None, "PostgresChatStore used before open()"
        for attempt in (1, 2):
            try:
                async with self._pool.acquire() as db:
                    return await getattr(db, method)(sql, *args)
            except _CUT as exc:
                if attempt == 2:
                    raise StoreUnavailable(f"PostgreSQL: {exc!r}") from exc
            except _DOWN as exc:
                raise StoreUnavailable(f"PostgreSQL: {exc!r}") from exc
        raise AssertionError("unreachable")

    async def agrees_on_sender_key(self, fingerprint: str) -> bool:
        """Records the first gateway's sender-key fingerprint; False when this gateway's differs.

        Gateways sharing this database must derive the same Rasa sender id from a session id (the
        HMAC of senders.py): with different keys, a visitor whose requests alternate between
        gateways would be two conversations in Rasa, each with half the context.
        """
        row = await self._run(
            "fetchrow",
            "INSERT INTO web_sender_key (id, fingerprint) VALUES (1, $1)"
            " ON CONFLICT (id) DO UPDATE SET fingerprint = web_sender_key.fingerprint RETURNING fingerprint",
            fingerprint,
        )
        return bool(row["fingerprint"] == fingerprint)

    async def create_session(self, site: str, language: str | None) -> Session:
        session = Session(new_session_id(), site, language)
        now = time.time()
        await self._run(
            "execute",
            "INSERT INTO web_sessions (id, site, language, created, last_seen) VALUES ($1, $2, $3, $4, $5)",
            stored_key(session.id),
            site,
            language,
            now,
            now,
        )
        return session

    async def get_session(self, session_id: str) -> Session | None:
        row = await self._run(
            "fetchrow", "SELECT site, language FROM web_sessions WHERE id = $1", stored_key(session_id)
        )
        return Session(session_id, row["site"], row["language"]) if row else None

    async def remember_language(self, session_id: str, language: str | None) -> None:
        await self._run(
            "execute",
            "UPDATE web_sessions SET language = COALESCE($1, language), last_seen = $2 WHERE id = $3",
            language,
            time.time(),
            stored_key(session_id),
        )

    async def append(self, session_id: str, messages: list[StoredMessage]) -> None:
        """All of one turn's lines in one statement, so a turn is stored whole or not at all."""
        now = time.time()
        await self._run(
            "execute",
            "INSERT INTO web_messages (session_id, role, text, buttons, created)"
            " SELECT $1, role, text, buttons, $2 FROM unnest($3::text[], $4::text[], $5::text[])"
            " WITH ORDINALITY AS m(role, text, buttons, n) ORDER BY n",
            stored_key(session_id),
            now,
            [m.role for m in messages],
            [m.text for m in messages],
            [json.dumps(m.buttons, ensure_ascii=False) for m in messages],
        )

    async def history(self, session_id: str, limit: int) -> list[StoredMessage]:
        rows = await self._run(
            "fetch",
            "SELECT role, text, buttons FROM (SELECT seq, role, text, buttons FROM web_messages"
            " WHERE session_id = $1 ORDER BY seq DESC LIMIT $2) AS recent ORDER BY seq",
            stored_key(session_id),
            limit,
        )
        return [StoredMessage(row["role"], row["text"], json.loads(row["buttons"])) for row in rows]

    async def forget(self, session_id: str) -> None:
        """Deletes the stored conversation after the visitor confirmed "forget me"."""
        await self._run("execute", "DELETE FROM web_messages WHERE session_id = $1", stored_key(session_id))

    async def delete_session(self, session_id: str) -> None:
        """Deletes the session and its messages: the widget's "new conversation" ends the old one."""
        await self._run("execute", "DELETE FROM web_sessions WHERE id = $1", stored_key(session_id))

    async def prune(self, idle_days: int) -> int:
        """Deletes sessions idle longer than the retention period, with their messages."""
        cutoff = time.time() - idle_days * 86400
        rows = await self._run("fetch", "DELETE FROM web_sessions WHERE last_seen < $1 RETURNING id", cutoff)
        return len(rows)
