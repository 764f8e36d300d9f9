"""The action server's configuration, read from environment variables once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, TypeVar

Number = TypeVar("Number", int, float)


@dataclass(frozen=True)
class Settings:
    """Tunables of the assistant; every field has a documented default (see README)."""

    data_dir: Path = Path("var")  # ADVISOR_DATA_DIR: where leads.sqlite3 lives
    staff_contact: str = ""  # ADVISOR_STAFF_CONTACT: e-mail/phone shown on human hand-off
    detect_min_confidence: float = 0.7  # LANGUAGE_MIN_CONFIDENCE: lingua confidence to trust
    match_min_score: float = 0.5  # MATCH_MIN_SCORE: query.resolve score that counts as a hit
    max_list_buttons: int = 15  # MAX_LIST_BUTTONS: drill-down buttons under one list
    database_url: str = ""  # DATABASE_URL: leads in PostgreSQL (with the tracker) instead of SQLite
    tracker_url: str = ""  # TRACKER_URL (set by the launcher): the tracker store's SQLAlchemy URL
    tracker_retention_days: int = 30  # TRACKER_RETENTION_DAYS: conversations idle longer are deleted
    leads_retention_days: int = 180  # LEADS_RETENTION_DAYS: leads older than this are deleted
    retention_sweep_seconds: int = 3600  # RETENTION_SWEEP_SECONDS: how often retention runs
    leads_per_day: int = 3  # LEADS_PER_SENDER_PER_DAY: leads one conversation may leave in 24 h

    @property
    def leads_path(self) -> Path:
        """The SQLite file of contact leads."""
        return self.data_dir / "leads.sqlite3"

    @property
    def leads_db(self) -> Path | str:
        """Where leads are kept: the database URL when DATABASE_URL is set, else the SQLite file."""
        return self.database_url or self.leads_path

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """Builds settings from the environment, failing early on malformed numbers."""
        env = os.environ if env is None else env
        return cls(
            data_dir=Path(env.get("ADVISOR_DATA_DIR") or "var"),
            staff_contact=env.get("ADVISOR_STAFF_CONTACT", "").strip(),
            detect_min_confidence=_number(env, "LANGUAGE_MIN_CONFIDENCE", 0.7, float),
            match_min_score=_number(env, "MATCH_MIN_SCORE", 0.5, float),
            max_list_buttons=_number(env, "MAX_LIST_BUTTONS", 15, int),
            database_url=env.get("DATABASE_URL", "").strip(),
            tracker_url=env.get("TRACKER_URL", "").strip(),
            tracker_retention_days=_number(env, "TRACKER_RETENTION_DAYS", 30, int),
            leads_retention_days=_number(env, "LEADS_RETENTION_DAYS", 180, int),
            retention_sweep_seconds=_number(env, "RETENTION_SWEEP_SECONDS", 3600, int),
            leads_per_day=_number(env, "LEADS_PER_SENDER_PER_DAY", 3, int),
        )


def _number(env: Mapping[str, str], name: str, default: Number, kind: type[Number]) -> Number:
    """Parses one numeric variable, naming it in the error so a typo is found at start-up."""
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return kind(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r} is not a valid {kind.__name__}") from exc


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read on first use by an action (never at import)."""
    return Settings.from_env()
