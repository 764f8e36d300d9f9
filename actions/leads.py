"""Contact leads left by investors, kept in SQLite (stdlib) under ${ADVISOR_DATA_DIR:-var}.

Stdlib only: the gateway's staff console imports SCHEMA and COLUMNS to read and delete the same rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    sector TEXT,
    involvement TEXT,
    country TEXT,
    language TEXT NOT NULL,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leads_sender ON leads (sender);
"""
COLUMNS = (
    "name",
    "email",
    "sector",
    "involvement",
    "country",
    "language",
    "channel",
    "sender",
    "created_at",
)


@dataclass(frozen=True)
class Lead:
    """What staff need to follow up, and where and in which language the person wrote."""

    name: str
    email: str
    sector: str | None
    involvement: str | None
    country: str | None
    language: str
    channel: str
    sender: str
    created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())


def _connect(path: Path) -> sqlite3.Connection:
    """Opens (and if needed creates) the leads database."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.executescript(SCHEMA)
    return connection


def save_lead(path: Path, lead: Lead) -> int:
    """Stores one lead and returns its row id."""
    values = asdict(lead)
    with closing(_connect(path)) as db, db:
        cursor = db.execute(
            f"INSERT INTO leads ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [values[column] for column in COLUMNS],
        )
        return int(cursor.lastrowid)


def leads_of(path: Path, sender: str) -> list[Lead]:
    """Every lead one conversation left, oldest first."""
    if not path.exists():
        return []
    with closing(_connect(path)) as db:
        rows = db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM leads WHERE sender = ? ORDER BY id", (sender,)
        ).fetchall()
    return [Lead(**dict(zip(COLUMNS, row, strict=True))) for row in rows]


def delete_leads(path: Path, sender: str) -> int:
    """Deletes every lead of one conversation (the right to be forgotten); returns how many."""
    if not path.exists():
        return 0
    with closing(_connect(path)) as db, db:
        return db.execute("DELETE FROM leads WHERE sender = ?", (sender,)).rowcount
