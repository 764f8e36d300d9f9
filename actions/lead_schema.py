"""The leads table as plain SQL, stdlib only: the gateway's staff console (which has no SQLAlchemy)
reads and deletes the rows actions/leads.py writes, in SQLite or, with DATABASE_URL, in PostgreSQL.

Both DDL texts describe the same table as the SQLAlchemy one in actions/leads.py; whichever side
starts first creates it, the other finds it there (CREATE TABLE IF NOT EXISTS / create_all's check).
"""

from __future__ import annotations

COLUMNS = ("name", "email", "sector", "involvement", "country", "language", "channel", "sender", "created_at")

_BODY = """
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
CREATE INDEX IF NOT EXISTS ix_leads_sender ON leads (sender);
"""
SCHEMA = "CREATE TABLE IF NOT EXISTS leads (\n    id INTEGER PRIMARY KEY AUTOINCREMENT," + _BODY
POSTGRES_SCHEMA = "CREATE TABLE IF NOT EXISTS leads (\n    id SERIAL PRIMARY KEY," + _BODY

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str | None) -> str:
    """A lead field as a CSV/XLSX export must write it: a leading = + - @ (or tab, CR) would make a
    spreadsheet run the cell as a formula, so such a value gets a leading apostrophe (OWASP's advice).
    The staff console's exports apply it to every cell (bot/staff/csv_export.py)."""
    text = value or ""
    return f"'{text}" if text.startswith(FORMULA_START) else text
