"""Greetings, thanks, help, goodbye, "are you a bot": one UI string per intent, no citation.

Except a short follow-up the classifier took for small talk: "why that one?" right after a
recommendation reads like "what are you?" to it, but means the route just shown (actions/follow_up.py).
"""

from __future__ import annotations

from actions.answers import menu_buttons
from actions.follow_up import follow_up_reply
from actions.i18n import has_ui
from actions.turn import AdvisorAction, DomainDict, EventType, Turn

SMALLTALK_WITH_MENU = {"greet", "help"}
FOLLOW_UP_READS_AS = {"help", "bot_challenge"}  # what a "why that one?" is mistaken for


class ActionSmalltalk(AdvisorAction):
    """One UI string per small-talk intent; a follow-up on the last answer is answered as one."""

    action_name = "action_smalltalk"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        if turn.intent in FOLLOW_UP_READS_AS:
            reply = follow_up_reply(turn)
            if reply is not None:
                return reply
        intent = turn.intent if has_ui(f"smalltalk.{turn.intent}") else "help"
        buttons = menu_buttons(turn) if intent in SMALLTALK_WITH_MENU else None
        turn.say(turn.ui(f"smalltalk.{intent}"), buttons)
        return []
