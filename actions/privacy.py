"""The right to be forgotten: delete a conversation's leads, its stored conversation and the texts
of its unanswered questions kept for the staff console (actions/analytics_texts.py)."""

from __future__ import annotations

import logging

from rasa_sdk.events import SlotSet

from actions import analytics_texts, leads, rendering, retention
from actions.turn import AdvisorAction, DomainDict, EventType, Turn, form_slots

CONVERSATION_SLOTS = ("last_list", "last_item")  # what was shown; the form slots come from the domain


class ActionForgetMe(AdvisorAction):
    """Asks for confirmation; on yes deletes the leads and marks the reply `forgotten`.

    The stored conversation is deleted here too (with TRACKER_URL), so that a failure can still be
    told to the user; `rasa_server.tracker_store.ForgetfulSQLTrackerStore` then stores nothing of this
    turn instead of writing the deleted rows back.
    """

    action_name = "action_forget_me"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        if turn.intent == "affirm":
            return forget(turn, domain)
        if turn.intent == "deny":
            turn.say(turn.ui("forget.kept"))
            return []
        turn.say(
            turn.ui("forget.confirm"),
            [
                rendering.button(turn.ui("button.yes"), "affirm"),
                rendering.button(turn.ui("button.no"), "deny"),
            ],
        )
        return []


log = logging.getLogger(__name__)


def forget(turn: Turn, domain: DomainDict) -> list[EventType]:
    """Deletes the leads, the unanswered-question texts and the stored conversation, each retried; only
    when all are gone does the user hear "done" and the reply carry the `forgotten` marker (which makes
    the tracker store drop this turn too). A failure is said as such, and nothing claims to be deleted."""
    sender, settings = turn.tracker.sender_id, turn.settings
    try:
        retention.with_retries(lambda: leads.delete_leads(settings.leads_db, sender))
        retention.with_retries(lambda: analytics_texts.forget_sender(settings.data_dir, sender))
        if settings.tracker_url:
            retention.with_retries(lambda: retention.delete_conversation(settings.tracker_url, sender))
    except Exception:
        log.exception("could not forget %s", sender)
        turn.say(turn.ui("forget.failed"))
        return []
    turn.say(turn.ui("forget.done"))
    turn.custom["forgotten"] = True
    return [SlotSet(slot, None) for slot in CONVERSATION_SLOTS + tuple(form_slots(domain))]
