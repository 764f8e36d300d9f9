"""Contact leads left by investors: SQLite under ${ADVISOR_DATA_DIR:-var} by default, PostgreSQL
when DATABASE_URL is set (so every action server of a scaled-out deployment sees the same leads).

One SQLAlchemy Core table serves both (SQLAlchemy and psycopg2 are already in Rasa's environment
for its SQL tracker store). `where` is either the SQLite file or a database URL. The gateway's
staff console reads and deletes the same rows with the plain SQL of actions/lead_schema.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from actions.lead_schema import COLUMNS, FORMULA_START, spreadsheet_safe

__all__ = ["COLUMNS", "FORMULA_START", "Lead", "spreadsheet_safe"]  # the last ones re-exported

_metadata = sa.MetaData()
_leads = sa.Table(
    "leads",
    _metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("sector", sa.Text),
    sa.Column("involvement", sa.Text),
    sa.Column("country", sa.Text),
    sa.Column("language", sa.Text, nullable=False),
    sa.Column("channel", sa.Text, nullable=False),
    sa.Column("sender", sa.Text, nullable=False, index=True),
    sa.Column("created_at", sa.Text, nullable=False),
    sqlite_autoincrement=True,
)
_COLUMNS = COLUMNS
CONNECT_TIMEOUT = 5  # seconds: an unreachable database fails the action quickly (a localized apology)


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


def _url(where: Path | str) -> str:
    return where if isinstance(where, str) else f"sqlite:///{where}"


@functools.lru_cache(maxsize=16)
def _engine(url: str) -> sa.engine.Engine:
    """One engine (and pool) per database; pre-ping so a restarted PostgreSQL costs no failed turn."""
    if url.startswith("sqlite:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 10})
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT})
    _metadata.create_all(engine)
    return engine


def _exists(where: Path | str) -> bool:
    """A SQLite file that was never written holds no leads (and reading must not create it)."""
    return isinstance(where, str) or where.exists()


def clean_text(value: str | None) -> str | None:
    """A field as staff will read it: no control or format characters (NUL, escape sequences, bidi
    overrides that make a name display as something else), whitespace runs collapsed."""
    if value is None:
        return None
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    return re.sub(r"\s+", " ", kept).strip()


def save_lead(where: Path | str, lead: Lead) -> int:
    """Stores one lead (its free-text fields cleaned) and returns its row id."""
    values = {
        key: clean_text(value) if isinstance(value, str) else value for key, value in asdict(lead).items()
    }
    with _engine(_url(where)).begin() as db:
        result = db.execute(_leads.insert().values(**values))
        return int(result.inserted_primary_key[0])


def leads_of(where: Path | str, sender: str) -> list[Lead]:
    """Every lead one conversation left, oldest first."""
    if not _exists(where):
        return []
    columns = [_leads.c[name] for name in _COLUMNS]
    query = sa.select(*columns).where(_leads.c.sender == sender).order_by(_leads.c.id)
    with _engine(_url(where)).connect() as db:
        return [Lead(**dict(zip(_COLUMNS, row, strict=True))) for row in db.execute(query)]


def delete_leads(where: Path | str, sender: str) -> int:
    """Deletes every lead of one conversation (the right to be forgotten); returns how many."""
    if not _exists(where):
        return 0
    with _engine(_url(where)).begin() as db:
        return int(db.execute(_leads.delete().where(_leads.c.sender == sender)).rowcount)


def _ago(days: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat()


def leads_today(where: Path | str, sender: str) -> int:
    """How many leads one conversation left in the last 24 hours (the per-sender cap)."""
    if not _exists(where):
        return 0
    query = (
        sa.select(sa.func.count())
        .select_from(_leads)
        .where(_leads.c.sender == sender, _leads.c.created_at >= _ago(1))
    )
    with _engine(_url(where)).connect() as db:
        return int(db.execute(query).scalar_one())


def prune_leads(where: Path | str, days: int) -> int:
    """Deletes leads older than the retention period (ISO timestamps in UTC sort as text)."""
    if not _exists(where):
        return 0
    with _engine(_url(where)).begin() as db:
        return int(db.execute(_leads.delete().where(_leads.c.created_at < _ago(days))).rowcount)
