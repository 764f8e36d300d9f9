"""The leads the action server stores (actions/leads.py), read, filtered and deleted for staff.

The action server writes `leads.sqlite3`, or with DATABASE_URL the `leads` table in PostgreSQL (the
same database, through asyncpg); the console only reads it and deletes single rows. The queries are
the same on both, written with `?` placeholders that PostgreSQL gets as `$1, $2, …`. A lead is
stored only after the person said yes, so its `created_at` is the time of consent.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from actions.lead_schema import POSTGRES_SCHEMA, SCHEMA
from bot.sqlite import SQLite

FIELDS = ("id", "created_at", "language", "channel", "name", "email", "country", "sector", "involvement")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WORD = re.compile(r"^[A-Za-z0-9_:-]{1,64}$")


class FilterError(ValueError):
    """A filter value that is not what the form offers; `field` names it for the localized error."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


@dataclass(frozen=True)
class LeadFilter:
    """What staff narrow the table by; every field optional. Dates are UTC days, both inclusive."""

    language: str = ""
    channel: str = ""
    sector: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> "LeadFilter":
        """From a query string; anything malformed raises FilterError naming the field."""
        words = {}
        for name in ("language", "channel", "sector"):
            value = (query.get(name) or "").strip()
            if value and not _WORD.match(value):
                raise FilterError(name)
            words[name] = value
        return cls(**words, since=_day(query, "since"), until=_day(query, "until"))

    def where(self) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for name in ("language", "channel"):
            if getattr(self, name):
                clauses.append(f"{name} = ?")
                params.append(getattr(self, name))
        if self.sector:  # one of the lead's sectors ("media,tourism"); _ is literal, not LIKE's wildcard
            clauses.append("(',' || sector || ',') LIKE ? ESCAPE '\\'")
            params.append("%," + self.sector.replace("_", "\\_") + ",%")
        if self.since:
            clauses.append("created_at >= ?")
            params.append(datetime.combine(self.since, datetime.min.time(), timezone.utc).isoformat())
        if self.until:
            clauses.append("created_at < ?")
            end = self.until + timedelta(days=1)
            params.append(datetime.combine(end, datetime.min.time(), timezone.utc).isoformat())
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def as_query(self) -> dict[str, str]:
        """The filter as query parameters (for the CSV link that exports what is shown)."""
        values = {
            "language": self.language,
            "channel": self.channel,
            "sector": self.sector,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in values.items() if v}


def _day(query: Mapping[str, str], name: str) -> date | None:
    raw = (query.get(name) or "").strip()
    if not raw:
        return None
    if not _DAY.match(raw):
        raise FilterError(name)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FilterError(name) from None


class _Database(Protocol):
    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


class PostgresLeads:
    """The leads table in PostgreSQL (DATABASE_URL) behind the SQLite wrapper's `run` interface."""

    TIMEOUT = 5.0
    _SCHEMA_LOCK = 0x6C656164  # advisory lock: gateways starting together create the table once

    def __init__(self, url: str) -> None:
        self.url = url
        self._pool: Any = None

    async def open(self) -> None:
        import asyncpg

        self._pool = await asyncpg.create_pool(
            self.url, min_size=1, max_size=4, timeout=self.TIMEOUT, command_timeout=self.TIMEOUT
        )
        async with self._pool.acquire() as db, db.transaction():
            await db.execute("SELECT pg_advisory_xact_lock($1)", self._SCHEMA_LOCK)
            await db.execute(POSTGRES_SCHEMA)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        assert self._pool is not None, "PostgresLeads used before open()"
        numbers = iter(range(1, len(params) + 1))
        numbered = re.sub(r"\?", lambda _match: f"${next(numbers)}", sql)
        async with self._pool.acquire() as db:
            return [tuple(row) for row in await db.fetch(numbered, *params)]


class Leads:
    """Read and delete access to the leads database."""

    def __init__(self, path: Path, database_url: str = "") -> None:
        self.db: _Database = PostgresLeads(database_url) if database_url else SQLite(path, SCHEMA)

    async def list(self, where: LeadFilter, limit: int = 1000) -> list[dict[str, Any]]:
        clause, params = where.where()
        rows = await self.db.run(
            f"SELECT {', '.join(FIELDS)} FROM leads{clause} ORDER BY created_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [dict(zip(FIELDS, row, strict=True)) for row in rows]

    # builtins.list: in this class `list` is the method above
    async def choices(self) -> dict[str, builtins.list[str]]:
        """The languages, channels and single sectors present, for the filter menus (a lead with
        several sectors stores them joined by commas; each is offered on its own)."""
        found = {}
        for name in ("language", "channel", "sector"):
            rows = await self.db.run(f"SELECT DISTINCT {name} FROM leads WHERE {name} IS NOT NULL ORDER BY 1")
            found[name] = [row[0] for row in rows]
        found["sector"] = sorted(
            {part.strip() for value in found["sector"] for part in value.split(",") if part.strip()}
        )
        return found

    async def delete(self, lead_id: int) -> bool:
        return bool(await self.db.run("DELETE FROM leads WHERE id = ? RETURNING id", (lead_id,)))
