"""Contact leads left by investors, kept in SQLite (stdlib) under ${ADVISOR_DATA_DIR:-var}.

Stdlib only: the gateway's staff console imports SCHEMA and COLUMNS to read and delete the same rows.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
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


def clean_text(value: str | None) -> str | None:
    """A field as staff will read it: no control or format characters (NUL, escape sequences, bidi
    overrides that make a name display as something else), whitespace runs collapsed."""
    if value is None:
        return None
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return re.sub(r"\s+", " ", kept).strip()


def save_lead(path: Path, lead: Lead) -> int:
    """Stores one lead (its free-text fields cleaned) and returns its row id."""
    values = {key: clean_text(value) if isinstance(value, str) else value for key, value in asdict(lead).items()}
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


def _ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()


def leads_today(path: Path, sender: str) -> int:
    """How many leads one conversation left in the last 24 hours (the per-sender cap)."""
    if not path.exists():
        return 0
    with closing(_connect(path)) as db:
        return db.execute(
            "SELECT COUNT(*) FROM leads WHERE sender = ? AND created_at >= ?", (sender, _ago(1))
        ).fetchone()[0]


def prune_leads(path: Path, days: int) -> int:
    """Deletes leads older than the retention period (ISO timestamps in UTC sort as text)."""
    if not path.exists():
        return 0
    with closing(_connect(path)) as db, db:
        return db.execute("DELETE FROM leads WHERE created_at < ?", (_ago(days),)).rowcount


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """A lead field as a CSV/XLSX export must write it: a leading = + - @ (or tab, CR) would make a
    spreadsheet run the cell as a formula, so such a value gets a leading apostrophe (OWASP's advice).
    For the staff console's export; nothing exports leads yet."""
    text = value or ""
    return f"'{text}" if text.startswith(FORMULA_START) else text
