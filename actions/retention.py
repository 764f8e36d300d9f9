"""What the Rasa side keeps, and for how long: the tracker store's events and the leads.

Runs in the action server (never in Rasa, which loads rasa_server/, not this package). A daemon thread
deletes, every RETENTION_SWEEP_SECONDS, conversations idle for TRACKER_RETENTION_DAYS (and, of
conversations still going on, events of sessions that ended that long ago) and leads older than
LEADS_RETENTION_DAYS. The tracker store is reached with SQLAlchemy on TRACKER_URL, the URL Rasa's own
store uses; without TRACKER_URL only the leads are pruned.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from typing import Callable, TypeVar

import sqlalchemy as sa

from actions import leads
from actions.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")
ATTEMPTS = 3

# An event goes when it is older than the cutoff and its conversation has nothing newer, or when a
# later session has started (Rasa counts and appends only the current session's events, so deleting
# earlier sessions never makes it write anything back).
_PRUNE_EVENTS = sa.text(
    """
    DELETE FROM events WHERE timestamp < :cutoff AND (
        NOT EXISTS (SELECT 1 FROM events AS newer
                    WHERE newer.sender_id = events.sender_id AND newer.timestamp >= :cutoff)
        OR id < (SELECT MAX(started.id) FROM events AS started
                 WHERE started.sender_id = events.sender_id AND started.type_name = 'session_started')
    )
    """
)
_DELETE_CONVERSATION = sa.text("DELETE FROM events WHERE sender_id = :sender")


def with_retries(operation: Callable[[], T], attempts: int = ATTEMPTS, pause: float = 0.2) -> T:
    """Runs a delete again after a database error (a locked SQLite file, a dropped connection);
    re-raises the last error, so a caller never reports done what failed."""
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except (sa.exc.SQLAlchemyError, OSError, sqlite3.Error):
            if attempt == attempts:
                raise
            log.warning("delete failed (attempt %d of %d); retrying", attempt, attempts)
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


def _engine(tracker_url: str) -> sa.engine.Engine:
    return sa.create_engine(tracker_url, future=True)


def delete_conversation(tracker_url: str, sender: str) -> int:
    """Deletes every stored event of one conversation, all sessions; returns how many."""
    engine = _engine(tracker_url)
    try:
        with engine.begin() as connection:
            return int(connection.execute(_DELETE_CONVERSATION, {"sender": sender}).rowcount)
    finally:
        engine.dispose()


def prune_tracker(tracker_url: str, days: int, now: float | None = None) -> int:
    """Deletes events past retention (see _PRUNE_EVENTS); returns how many."""
    cutoff = (now or time.time()) - days * 86400
    engine = _engine(tracker_url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0  # Rasa has not stored anything yet
            return int(connection.execute(_PRUNE_EVENTS, {"cutoff": cutoff}).rowcount)
    finally:
        engine.dispose()


def sweep(settings: Settings) -> None:
    """One retention pass over both stores; a failing store is logged and tried at the next pass."""
    try:
        pruned = leads.prune_leads(settings.leads_db, settings.leads_retention_days)
        if pruned:
            log.info("retention: deleted %d leads older than %d days", pruned, settings.leads_retention_days)
    except Exception:
        log.exception("retention: pruning leads failed")
    if not settings.tracker_url:
        return
    try:
        pruned = prune_tracker(settings.tracker_url, settings.tracker_retention_days)
        if pruned:
            log.info(
                "retention: deleted %d tracker events past %d days", pruned, settings.tracker_retention_days
            )
    except Exception:
        log.exception("retention: pruning the tracker store failed")


def start_sweeper(settings: Settings, stop: threading.Event | None = None) -> threading.Event:
    """Sweeps now and then every RETENTION_SWEEP_SECONDS for as long as the action server runs (or
    until the returned event is set)."""
    stop = stop or threading.Event()

    def loop() -> None:
        sweep(settings)
        while not stop.wait(settings.retention_sweep_seconds):
            sweep(settings)

    threading.Thread(target=loop, name="retention", daemon=True).start()
    return stop
