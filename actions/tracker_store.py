"""A SQL tracker store that really deletes a conversation when the user asked to be forgotten.

Rasa saves a tracker by appending the events beyond the number already stored
(`SQLTrackerStore._additional_events`), so rows deleted by an action are written back by the save
that ends the very same turn. This store looks at the turn being saved instead: when the reply
carries the `forgotten` marker (docs/CONTRACTS.md), it deletes every stored event of the sender,
of all sessions, and stores nothing. Configure it in endpoints.yml:

    tracker_store:
      type: actions.tracker_store.ForgetfulSQLTrackerStore
      dialect: ${TRACKER_DIALECT}
      db: ${TRACKER_DB}
      ...
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from rasa.core.tracker_store import SQLTrackerStore
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
        return deleted
