"""The right to be forgotten: delete a conversation's leads and its stored conversation."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions import leads, rendering
from actions.forms import form_slots
from actions.turn import AdvisorAction, Turn

CONVERSATION_SLOTS = ("last_list", "last_item")  # what was shown; the form slots come from the domain


class ActionForgetMe(AdvisorAction):
    """Asks for confirmation; on yes deletes the leads and marks the reply `forgotten`.

    The stored conversation itself is deleted by `actions.tracker_store.ForgetfulSQLTrackerStore`
    when Rasa saves this turn: rows deleted here would be written back by that very save.
    """

    action_name = "action_forget_me"

    def respond(self, turn: Turn, domain: dict) -> list:
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


def forget(turn: Turn, domain: dict) -> list:
    """Deletes the leads now; the `forgotten` marker makes the tracker store drop the conversation."""
    leads.delete_leads(turn.settings.leads_db, turn.tracker.sender_id)
    turn.say(turn.ui("forget.done"))
    turn.custom["forgotten"] = True
    return [SlotSet(slot, None) for slot in CONVERSATION_SLOTS + tuple(form_slots(domain))]
