"""A SQL tracker store that really deletes a conversation when the user asked to be forgotten,
and that fails a turn loudly instead of silently starting the conversation afresh.

Rasa saves a tracker by appending the events beyond the number already stored
(`SQLTrackerStore._additional_events`), so rows deleted by an action are written back by the save
that ends the very same turn. This store looks at the turn being saved instead: when the reply
carries the `forgotten` marker (docs/CONTRACTS.md), it deletes every stored event of the sender,
of all sessions, and stores nothing. Configure it in endpoints.yml:

    tracker_store:
      type: rasa_server.tracker_store.ForgetfulSQLTrackerStore
      dialect: ${TRACKER_DIALECT}
      url: ${TRACKER_URL}

Rasa wraps every tracker store in `FailSafeTrackerStore`, which on a database error *returns no
tracker* (so the turn runs on a new, empty conversation) and saves into memory instead. For a user
that is a silent reset: "the second one" no longer resolves, and the turn is lost when the database
returns. For this store the wrapper re-raises instead (`_fail_loudly`), the turn fails, the REST
channel (`rasa_server.rest_channel`) answers it without a reply, and the gateway tells the user the
advisor is temporarily unavailable; the stored conversation is untouched and continues once the
database is back. PostgreSQL connections are pre-pinged, so the first turn after a database restart
is not lost to a connection the restart cut.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

import sqlalchemy as sa
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.retention import with_retries

log = logging.getLogger(__name__)


def forgotten_in_latest_turn(events: Iterable[Any]) -> bool:
    """Whether the bot confirmed "forget me" after the latest user message."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and (event.data.get("custom") or {}).get("forgotten") is True:
            return True
    return False


class ForgetfulSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose save deletes the conversation instead when it was forgotten."""

    engine: Any  # SQLTrackerStore's SQLAlchemy engine, replaced below for PostgreSQL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "postgresql":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not forgotten_in_latest_turn(tracker.events):
            await super().save(tracker)
            return
        deleted = with_retries(lambda: self._delete_conversation(tracker.sender_id))
        log.info("Forgot conversation %s (%d stored events deleted)", tracker.sender_id, deleted)

    def _delete_conversation(self, sender_id: str) -> int:
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        return int(deleted)


def _fail_loudly(original: Any) -> Any:
    """Wraps a FailSafeTrackerStore error hook: for our store the error propagates (see above)."""

    def hook(self: FailSafeTrackerStore, error: Exception) -> None:
        if isinstance(self._tracker_store, ForgetfulSQLTrackerStore):
            log.error("Tracker store unavailable, failing the turn: %r", error)
            raise error
        original(self, error)

    return hook


FailSafeTrackerStore.on_tracker_store_error = _fail_loudly(FailSafeTrackerStore.on_tracker_store_error)
FailSafeTrackerStore.on_tracker_store_retrieve_error = _fail_loudly(
    FailSafeTrackerStore.on_tracker_store_retrieve_error
)
