"""A small, anonymised record of every turn, written by the gateway; the staff console reads it.

Why here and not from Rasa's trackers: a tracker holds whole conversations with sender ids, and
scanning them for a chart would keep personal data around for statistics. Per turn this keeps only
channel, reply language, outcome, the sections cited, the reply time and a per-day pseudonym of the
conversation (an HMAC of the sender and the day: conversations can be counted per day, not followed
across days, and the sender id itself is never stored). The sender is the one the gateway sends to
Rasa (`web:`+HMAC of the session, `telegram:<chat id>`), so the action server, which sees the same id,
finds the same pseudonym (actions/analytics_texts.py). Free text is kept only for turns the paper
did not answer (the questions staff should read), only for ANALYTICS_TEXT_RETENTION_DAYS (pruned at
start-up and every RETENTION_SWEEP_SECONDS), and is deleted with the user's "forget me": by the action
server before it says "done", and again here (`Analytics.forget`) when a reply carries
`custom.forgotten`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol, Sequence

from aiohttp import web

from actions.analytics_texts import DB_FILE, KEY_FILE, pseudonym, pseudonym_key
from bot import keys
from bot.rasa_client import Turn as RasaTurn
from bot.settings import Settings, data_key
from bot.sqlite import SQLite

log = logging.getLogger(__name__)

UNANSWERED = ("did_you_mean", "out_of_scope", "handoff", "fallback")  # actions/turn.py, CONTRACTS
CITATION = re.compile(r"\(§\s*([\d.]+(?:\s*,\s*§\s*[\d.]+)*)\)")
MAX_TEXT = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    outcome TEXT NOT NULL,
    sections TEXT NOT NULL DEFAULT '',
    latency_ms INTEGER NOT NULL,
    conversation TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_day ON turns(day);
CREATE TABLE IF NOT EXISTS unanswered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    channel TEXT NOT NULL,
    language TEXT NOT NULL,
    outcome TEXT NOT NULL,
    topic TEXT,
    text TEXT NOT NULL,
    sender_key TEXT NOT NULL,
    reviewed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS unanswered_by_time ON unanswered(at);
CREATE INDEX IF NOT EXISTS unanswered_by_sender ON unanswered(sender_key);
"""


@dataclass(frozen=True)
class TurnRecord:
    """One turn as the gateway saw it: what went to Rasa and what came back, and how long it took."""

    sender: str
    text: str
    channel: str
    language: str
    outcome: str  # "answered", or one of UNANSWERED
    topic: str | None
    sections: tuple[str, ...]
    latency_ms: int
    forgotten: bool = False
    at: float = field(default_factory=time.time)


def sections_cited(texts: Sequence[str]) -> tuple[str, ...]:
    """The paper sections a reply cites, "(§6, §6.2)" -> ("6", "6.2"), in order, each once."""
    found: list[str] = []
    for text in texts:
        for group in CITATION.findall(text or ""):
            for section in re.split(r"\s*,\s*§\s*", group):
                if section not in found:
                    found.append(section)
    return tuple(found)


def typed_text(message: str) -> str | None:
    """What the user typed; button payloads and commands ("/affirm") are not questions."""
    text = message.strip()
    return None if not text or text.startswith("/") else text[:MAX_TEXT]


class AnalyticsStore(Protocol):
    """What the console and the gateway need; SQLite below, PostgreSQL can implement the same."""

    async def record(self, turn: TurnRecord) -> None: ...
    async def forget(self, sender: str) -> int: ...
    async def prune(self, retention_days: int) -> int: ...
    async def unanswered(self, days: int, include_reviewed: bool = False) -> list[dict[str, Any]]: ...
    async def mark_reviewed(self, ids: Sequence[int]) -> int: ...
    async def usage(self, days: int) -> dict[str, Any]: ...


class Analytics:
    """The SQLite implementation (`analytics.sqlite3` in the data folder)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.db = SQLite(path, _SCHEMA)
        self._key = pseudonym_key(key)

    def _pseudonym(self, *parts: str) -> str:
        return pseudonym(self._key, *parts)

    async def record(self, turn: TurnRecord) -> None:
        """Stores one turn; a "forget me" turn instead deletes what was kept of that user."""
        if turn.forgotten:
            await self.forget(turn.sender)
            return
        day = datetime.fromtimestamp(turn.at, timezone.utc).date().isoformat()
        await self.db.run(
            "INSERT INTO turns (at, day, channel, language, outcome, sections, latency_ms, conversation)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                turn.at,
                day,
                turn.channel,
                turn.language,
                turn.outcome,
                ",".join(turn.sections),
                turn.latency_ms,
                self._pseudonym(day, turn.sender),
            ),
        )
        text = typed_text(turn.text)
        if turn.outcome in UNANSWERED and text:
            await self.db.run(
                "INSERT INTO unanswered (at, channel, language, outcome, topic, text, sender_key)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    turn.at,
                    turn.channel,
                    turn.language,
                    turn.outcome,
                    turn.topic,
                    text,
                    self._pseudonym(turn.sender),
                ),
            )

    async def forget(self, sender: str) -> int:
        """Deletes the unanswered questions one user asked ("forget me"); returns how many."""
        rows = await self.db.run(
            "DELETE FROM unanswered WHERE sender_key = ? RETURNING id", (self._pseudonym(sender),)
        )
        return len(rows)

    async def prune(self, retention_days: int) -> int:
        """Deletes question texts older than the retention period (the counts in `turns` stay)."""
        cutoff = time.time() - retention_days * 86400
        return len(await self.db.run("DELETE FROM unanswered WHERE at < ? RETURNING id", (cutoff,)))

    async def unanswered(self, days: int, include_reviewed: bool = False) -> list[dict[str, Any]]:
        rows = await self.db.run(
            "SELECT id, at, channel, language, outcome, topic, text, reviewed FROM unanswered"
            " WHERE at >= ? AND (? OR reviewed = 0) ORDER BY at DESC",
            (time.time() - days * 86400, int(include_reviewed)),
        )
        keys = ("id", "at", "channel", "language", "outcome", "topic", "text", "reviewed")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    async def mark_reviewed(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        marks = ",".join("?" * len(ids))
        return len(
            await self.db.run(
                f"UPDATE unanswered SET reviewed = 1 WHERE id IN ({marks}) RETURNING id", list(ids)
            )
        )

    async def usage(self, days: int) -> dict[str, Any]:
        since = (datetime.now(timezone.utc).date() - timedelta(days=days - 1)).isoformat()
        rows = await self.db.run(
            "SELECT day, channel, language, outcome, sections, latency_ms, conversation FROM turns WHERE day >= ?",
            (since,),
        )
        return summarise(rows, since, days)


def group_unanswered(questions: list[dict[str, Any]], examples: int = 3) -> list[dict[str, Any]]:
    """Questions grouped by language and nearest topic, biggest group first, with a few examples."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for question in questions:
        key = (question["language"], question["topic"] or "")
        group = groups.setdefault(
            key,
            {"language": key[0], "topic": key[1] or None, "count": 0, "outcomes": Counter(), "examples": []},
        )
        group["count"] += 1
        group["outcomes"][question["outcome"]] += 1
        if len(group["examples"]) < examples:
            group["examples"].append(question["text"])
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], g["language"], g["topic"] or ""))
    return [{**g, "outcomes": dict(g["outcomes"])} for g in ordered]


def percentile(values: Sequence[int], share: float) -> int | None:
    """Nearest-rank percentile; None when there is nothing to measure."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


def summarise(rows: Sequence[tuple[Any, ...]], since: str, days: int) -> dict[str, Any]:
    """Conversations and messages per day by channel and language, citation share, top sections,
    p50/p95 reply time: the numbers the usage page charts and tables show."""
    start = datetime.fromisoformat(since).date()
    all_days = [(start + timedelta(days=i)).isoformat() for i in range(days)]
    messages: dict[str, Counter[str]] = {d: Counter() for d in all_days}
    languages: dict[str, Counter[str]] = {d: Counter() for d in all_days}
    conversations: dict[str, set[str]] = {d: set() for d in all_days}
    by_language: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    sections: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    cited = 0
    latencies = []
    for day, channel, language, outcome, cited_sections, latency, conversation in rows:
        messages.setdefault(day, Counter())[channel] += 1
        languages.setdefault(day, Counter())[language] += 1
        conversations.setdefault(day, set()).add(conversation)
        by_language[language] += 1
        by_channel[channel] += 1
        outcomes[outcome] += 1
        latencies.append(latency)
        if cited_sections:
            cited += 1
            sections.update(cited_sections.split(","))
    total = len(rows)
    return {
        "days": [
            {
                "day": d,
                "messages": sum(messages[d].values()),
                "by_channel": dict(messages[d]),
                "by_language": dict(languages[d]),
                "conversations": len(conversations[d]),
            }
            for d in all_days
        ],
        "messages": total,
        "by_language": dict(by_language.most_common()),
        "by_channel": dict(by_channel.most_common()),
        "outcomes": dict(outcomes.most_common()),
        "cited_share": round(cited / total, 3) if total else None,
        "top_sections": [{"section": s, "turns": n} for s, n in sections.most_common(10)],
        "latency_ms": {"p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95)},
    }


def record_from_reply(
    sender: str,
    message: str,
    metadata: dict[str, Any],
    customs: dict[str, Any],
    texts: Sequence[str],
    latency_ms: int,
) -> TurnRecord:
    """Builds the record from what the Rasa reply carries (CONTRACTS: the closing custom message)."""
    outcome = customs.get("outcome")
    return TurnRecord(
        sender=sender,
        text=message,
        channel=str(metadata.get("channel") or "unknown"),
        language=str(customs.get("language") or metadata.get("language") or "unknown"),
        outcome=outcome if outcome in UNANSWERED else "answered",
        topic=customs.get("topic") if isinstance(customs.get("topic"), str) else None,
        sections=sections_cited(texts),
        latency_ms=latency_ms,
        forgotten=customs.get("forgotten") is True,
    )


HOUSEKEEPING = "housekeeping"  # metadata flag of turns the gateway sends itself (DELETE /session)


class TurnAnalytics(Analytics):
    """The store plus what the gateway does with it: observe every turn, prune texts on a timer."""

    def __init__(self, path: Path, key: bytes, retention_days: int, sweep_seconds: float = 3600) -> None:
        super().__init__(path, key)
        self.retention_days = retention_days
        self.sweep_seconds = sweep_seconds

    async def observe(self, turn: "RasaTurn") -> None:
        """The Rasa client's observer: one row per answered turn. The turns the gateway sends on the
        visitor's behalf (the widget's "new conversation") are not the visitor's messages: not counted."""
        texts = [m.text for m in turn.reply if m.text]
        record = record_from_reply(
            turn.sender, turn.message, turn.metadata, turn.custom(), texts, turn.latency_ms
        )
        if turn.metadata.get(HOUSEKEEPING) and not record.forgotten:
            return
        await self.record(record)

    async def prune_once(self) -> int:
        pruned = await self.prune(self.retention_days)
        if pruned:
            log.info("analytics: deleted %d question texts older than %d days", pruned, self.retention_days)
        return pruned

    async def sweep_forever(self) -> None:
        """Prunes every RETENTION_SWEEP_SECONDS (start-up prunes once before), like the web history's
        sweep (bot/web/retention.py); a failed sweep is logged and tried again, never ending the loop."""
        while True:
            await asyncio.sleep(self.sweep_seconds)
            try:
                await self.prune_once()
            except sqlite3.Error:
                log.exception("analytics: retention sweep failed; retrying in %s s", self.sweep_seconds)


def setup(app: web.Application, settings: Settings) -> None:
    """Opens the analytics store for the app's lifetime (before the Rasa client that feeds it)."""
    from bot.staff.settings import StaffSettings

    staff = StaffSettings.from_gateway(settings)
    app[keys.ANALYTICS] = TurnAnalytics(
        Path(settings.data_dir) / DB_FILE,
        data_key(settings.data_dir, KEY_FILE),
        staff.text_retention_days,
        settings.retention_sweep_seconds,
    )
    app.cleanup_ctx.append(_analytics_ctx)


async def _analytics_ctx(app: web.Application) -> AsyncIterator[None]:
    store = app[keys.ANALYTICS]
    await store.db.open()
    await store.prune_once()  # before the first turn
    pruning = asyncio.create_task(store.sweep_forever())
    try:
        yield
    finally:
        pruning.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pruning
        await store.db.close()
