"""What every form shares: asking in the user's language, reading answers, and letting users digress.

A form must never trap a user. Stop and human hand-off leave it (rules); anything else that is a
question rather than an answer ("wait, what does measure 9 say?") is answered from the paper, cited,
and the form then asks its pending question again.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import rendering
from actions.best_guess import ANSWER_ACTIONS, answer_guess, answer_intent, best_guess, slot_values
from actions.language import cjk_count
from actions.turn import AdvisorAction, DomainDict, EventType, Turn

FORM_ANSWER_INTENTS = {"inform", "affirm", "deny"}  # what answering a form question sounds like
QUESTION_WORDS = 5  # a message this long (words, or twice as many CJK characters) reads as a question
_QUESTION_MARK = re.compile(r"[?？]\s*$")


class AskAction(AdvisorAction):
    """Asks for one form slot in the reply language, with choices as buttons where there are any."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        turn.say(turn.ui(f"form.ask_{self.slot}"), self.buttons(turn) or None)
        return []

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return []


class AskTagAction(AskAction):
    """Asks for a slot whose choices are one kind of KB tag, each offered as a button."""

    @property
    @abstractmethod
    def tag_kind(self) -> str:
        """The kind of tag offered: "sector" (or "interest")."""

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return [
            rendering.button(turn.kb.tag_label(tag, turn.lang), "inform", f"{self.tag_kind}:{tag}")
            for tag in turn.kb.tags(self.tag_kind)
        ]


def reads_as_question(text: str) -> bool:
    """A question mark at the end, or too long to be a short form answer."""
    if _QUESTION_MARK.search(text or ""):
        return True
    return len((text or "").split()) >= QUESTION_WORDS or cjk_count(text) >= 2 * QUESTION_WORDS


def digression(turn: Turn, domain: DomainDict) -> list[EventType] | None:
    """Answers a question asked instead of a form answer; None if the message is not a question."""
    if turn.text.startswith("/") and turn.intent in FORM_ANSWER_INTENTS:
        return None
    if turn.intent in ANSWER_ACTIONS:
        return answer_intent(turn, turn.intent, domain)
    if turn.intent == "out_of_scope" or turn.intent == "nlu_fallback":
        guess = best_guess(turn)
        return answer_guess(turn, guess, domain) if guess else None
    return None


class LocalizedValidation(FormValidationAction):
    """Form validation that answers digressions and explains a rejected answer in the user's language."""

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    def take(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict, slot: str, parsed: Any
    ) -> dict[str, Any]:
        """Fills `slot` with the parsed answer, unless the message was a question: then answers it
        (and the form asks again); a message that is neither is explained and asked again."""
        turn = Turn.start(tracker, dispatcher)
        asked = turn.intent not in FORM_ANSWER_INTENTS and (not parsed or reads_as_question(turn.text))
        if asked:
            events = digression(turn, domain)
            if events is not None:
                return {**slot_values(events), slot: None}
        if parsed:
            return {slot: parsed}
        turn.say(turn.ui(f"form.invalid_{slot}"))
        return {slot: None}

    @staticmethod
    def answer(tracker: Tracker) -> tuple[str, str | None]:
        """The raw answer: the message text and the `item` entity of a button."""
        text = tracker.latest_message.get("text") or ""
        return text, next(tracker.get_latest_entity_values("item"), None)

    @staticmethod
    def opening(tracker: Tracker) -> bool:
        """True while the form is being started (nothing asked yet): the opening message may hold answers."""
        return tracker.get_slot("requested_slot") is None
