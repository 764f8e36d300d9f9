"""Subscribers, broadcasts and the delivery queue of Telegram outreach, in `outreach.sqlite3`.

The queue is the outbox pattern: a broadcast's deliveries are rows keyed by (broadcast, chat) — the
idempotency key — created once, then moved pending → sending → sent/failed/blocked. A delivery is
claimed (`sending`) before the Bot API call and marked `sent` after; after a crash a row still
`sending` may or may not have reached the chat, so it is counted as failed ("interrupted") and never
sent again: a gateway restart resumes the rest of the broadcast without anyone getting a message twice.

A broadcast is scheduled → sending → done, or cancelled by an admin while scheduled or sending. The
claim of a delivery succeeds only while its broadcast is `sending`, in the same statement, so once
`cancel` has run nothing more of that broadcast is sent (a message already handed to Telegram may
still arrive).
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.sqlite import SQLite

TOPICS = ("investment", "routes", "measures")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscribers (
    chat_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL,
    topics TEXT NOT NULL,
    consent_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    texts TEXT NOT NULL,
    fallback_to_en INTEGER NOT NULL,
    topics TEXT NOT NULL,
    start TEXT,
    send_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'scheduled'
);
CREATE TABLE IF NOT EXISTS deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
    chat_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    sent_at REAL,
    PRIMARY KEY (broadcast_id, chat_id)
);
"""


@dataclass(frozen=True)
class Broadcast:
    id: int
    texts: dict[str, str]
    fallback_to_en: bool
    topics: tuple[str, ...]
    start: str | None
    send_at: float
    state: str

    def text_for(self, language: str) -> str | None:
        """The subscriber's language, else English when the sender allowed it, else nothing."""
        if language in self.texts:
            return self.texts[language]
        return self.texts.get("en") if self.fallback_to_en else None


@dataclass(frozen=True)
class Delivery:
    broadcast_id: int
    chat_id: int
    language: str
    attempts: int


class OutreachStore(Protocol):
    """What the bot handlers, the delivery worker and the console need (SQLite below)."""

    async def subscribe(self, chat_id: int, language: str, topics: tuple[str, ...]) -> None: ...
    async def unsubscribe(self, chat_id: int) -> bool: ...


class SQLiteOutreach:
    def __init__(self, path: Path) -> None:
        self.db = SQLite(path, _SCHEMA)

    # --- subscribers ------------------------------------------------------------------------
    async def subscribe(self, chat_id: int, language: str, topics: tuple[str, ...]) -> None:
        """Opt in (or change topics/language); the consent time is that of the first opt-in."""
        await self.db.run(
            "INSERT INTO subscribers (chat_id, language, topics, consent_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(chat_id) DO UPDATE SET language = excluded.language, topics = excluded.topics",
            (chat_id, language, ",".join(topics), time.time()),
        )

    async def subscription(self, chat_id: int) -> tuple[str, ...] | None:
        rows = await self.db.run("SELECT topics FROM subscribers WHERE chat_id = ?", (chat_id,))
        return tuple(filter(None, rows[0][0].split(","))) if rows else None

    async def unsubscribe(self, chat_id: int) -> bool:
        """Ends it at once and keeps nothing of the subscription."""
        return bool(
            await self.db.run("DELETE FROM subscribers WHERE chat_id = ? RETURNING chat_id", (chat_id,))
        )

    async def subscriber_counts(self) -> dict[str, Any]:
        rows = await self.db.run("SELECT language, topics FROM subscribers")
        by_language: dict[str, int] = {}
        by_topic = {topic: 0 for topic in TOPICS}
        for language, topics in rows:
            by_language[language] = by_language.get(language, 0) + 1
            for topic in filter(None, topics.split(",")):
                by_topic[topic] = by_topic.get(topic, 0) + 1
        return {"total": len(rows), "by_language": by_language, "by_topic": by_topic}

    # --- broadcasts ---------------------------------------------------------------------------
    async def create_broadcast(
        self,
        user: str,
        texts: dict[str, str],
        fallback_to_en: bool,
        topics: tuple[str, ...],
        start: str | None,
        send_at: float,
    ) -> int:
        rows = await self.db.run(
            "INSERT INTO broadcasts (created_by, created_at, texts, fallback_to_en, topics, start, send_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                user,
                time.time(),
                json.dumps(texts, ensure_ascii=False),
                int(fallback_to_en),
                ",".join(topics),
                start,
                send_at,
            ),
        )
        return int(rows[0][0])

    async def cancel(self, broadcast_id: int) -> str | None:
        """Stops a scheduled or sending broadcast: its undelivered rows become `cancelled`. Returns
        the state it had (None if there is no such broadcast); only scheduled/sending change."""

        def work(db: sqlite3.Connection) -> str | None:
            row = db.execute("SELECT state FROM broadcasts WHERE id = ?", (broadcast_id,)).fetchone()
            if row is None or row[0] not in ("scheduled", "sending"):
                return None if row is None else str(row[0])
            db.execute("UPDATE broadcasts SET state = 'cancelled' WHERE id = ?", (broadcast_id,))
            db.execute(
                "UPDATE deliveries SET state = 'cancelled' WHERE broadcast_id = ? AND state = 'pending'",
                (broadcast_id,),
            )
            return str(row[0])

        return await self.db.transaction(work)

    async def due_broadcast(self, now: float) -> Broadcast | None:
        rows = await self.db.run(
            "SELECT id, texts, fallback_to_en, topics, start, send_at, state FROM broadcasts"
            " WHERE state IN ('scheduled', 'sending') AND send_at <= ? ORDER BY send_at, id LIMIT 1",
            (now,),
        )
        if not rows:
            return None
        bid, texts, fallback, topics, start, send_at, state = rows[0]
        return Broadcast(
            bid,
            json.loads(texts),
            bool(fallback),
            tuple(filter(None, topics.split(","))),
            start,
            send_at,
            state,
        )

    async def enqueue(self, broadcast: Broadcast) -> None:
        """Creates one delivery per matching subscriber, once (a second call adds nothing)."""

        def work(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT state FROM broadcasts WHERE id = ?", (broadcast.id,)).fetchone()
            if row is not None and row[0] == "scheduled":  # not if it was cancelled meanwhile
                subscribers = db.execute("SELECT chat_id, language, topics FROM subscribers").fetchall()
                for chat_id, language, topics in subscribers:
                    wanted = set(filter(None, topics.split(",")))
                    if broadcast.topics and not wanted & set(broadcast.topics):
                        continue
                    state = "pending" if broadcast.text_for(language) is not None else "skipped"
                    db.execute(
                        "INSERT OR IGNORE INTO deliveries (broadcast_id, chat_id, language, state)"
                        " VALUES (?, ?, ?, ?)",
                        (broadcast.id, chat_id, language, state),
                    )
                db.execute("UPDATE broadcasts SET state = 'sending' WHERE id = ?", (broadcast.id,))

        await self.db.transaction(work)

    async def pending(self, broadcast_id: int) -> list[Delivery]:
        rows = await self.db.run(
            "SELECT broadcast_id, chat_id, language, attempts FROM deliveries"
            " WHERE broadcast_id = ? AND state = 'pending' ORDER BY chat_id",
            (broadcast_id,),
        )
        return [Delivery(*row) for row in rows]

    async def claim(self, delivery: Delivery) -> bool:
        """pending → sending, only while the broadcast is still sending (not cancelled); False means
        do not send it."""
        rows = await self.db.run(
            "UPDATE deliveries SET state = 'sending', attempts = attempts + 1"
            " WHERE broadcast_id = ? AND chat_id = ? AND state = 'pending'"
            " AND (SELECT state FROM broadcasts WHERE id = ?) = 'sending' RETURNING chat_id",
            (delivery.broadcast_id, delivery.chat_id, delivery.broadcast_id),
        )
        return bool(rows)

    async def mark(self, delivery: Delivery, state: str, error: str | None = None) -> None:
        """The outcome of a claimed delivery; a retry (`pending`) of a cancelled broadcast becomes
        `cancelled` instead, so its progress shows nothing left."""
        sent_at = time.time() if state == "sent" else None
        await self.db.run(
            "UPDATE deliveries SET error = ?, sent_at = COALESCE(?, sent_at), state = CASE"
            " WHEN ? = 'pending' AND (SELECT state FROM broadcasts WHERE id = ?) = 'cancelled' THEN 'cancelled'"
            " ELSE ? END WHERE broadcast_id = ? AND chat_id = ?",
            (error, sent_at, state, delivery.broadcast_id, state, delivery.broadcast_id, delivery.chat_id),
        )

    async def finish(self, broadcast_id: int) -> None:
        """sending → done (a cancelled broadcast stays cancelled)."""
        await self.db.run(
            "UPDATE broadcasts SET state = 'done' WHERE id = ? AND state = 'sending'", (broadcast_id,)
        )

    async def recover_interrupted(self) -> int:
        """After a crash: a delivery left `sending` may have arrived; never send it again."""
        rows = await self.db.run(
            "UPDATE deliveries SET state = 'failed', error = 'interrupted' WHERE state = 'sending' RETURNING chat_id"
        )
        return len(rows)

    async def progress(self, broadcast_id: int) -> dict[str, Any] | None:
        rows = await self.db.run(
            "SELECT state, created_by, send_at FROM broadcasts WHERE id = ?", (broadcast_id,)
        )
        if not rows:
            return None
        counts: dict[str, int] = dict(
            await self.db.run(
                "SELECT state, COUNT(*) FROM deliveries WHERE broadcast_id = ? GROUP BY state",
                (broadcast_id,),
            )
        )
        return {
            "id": broadcast_id,
            "state": rows[0][0],
            "created_by": rows[0][1],
            "send_at": rows[0][2],
            "sent": counts.get("sent", 0),
            "failed": counts.get("failed", 0) + counts.get("blocked", 0),
            "blocked": counts.get("blocked", 0),
            "skipped": counts.get("skipped", 0),
            "cancelled": counts.get("cancelled", 0),
            "left": counts.get("pending", 0) + counts.get("sending", 0),
        }

    async def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = await self.db.run("SELECT id FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [p for (bid,) in rows if (p := await self.progress(bid))]
