"""What every action shares: the turn's language, its words, and the closing language message."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import i18n, language
from actions.kb import KnowledgeBase, get_kb, query
from actions.settings import Settings, get_settings

log = logging.getLogger(__name__)

# What rasa_sdk hands an action and takes back (its DomainDict and EventType; SlotSet and the other
# event helpers return such dicts). Named here because rasa_sdk has no type information for mypy.
DomainDict = dict[str, Any]
EventType = dict[str, Any]

# Answers to these form questions are names, e-mails, countries: never a reason to switch language
# (a test checks they are form slots of the domain).
FREE_FORM_SLOTS = {"contact_name", "contact_email", "country"}
NOT_ANSWERS = {"stop", "change_language"}  # intents that interrupt a form rather than answer it
SMALLTALK_INTENTS = ("greet", "goodbye", "thank", "help", "bot_challenge")  # answered by actions/smalltalk.py
# intents that are no topic of the paper: never named as the "nearest topic" of an unanswered turn
NOT_TOPICS = frozenset(
    {
        "nlu_fallback",
        "out_of_scope",
        "human_handoff",
        "affirm",
        "deny",
        "stop",
        "inform",
        "select_item",
        "change_language",
        "forget_me",
        *SMALLTALK_INTENTS,
    }
)
UNANSWERED = ("did_you_mean", "out_of_scope", "handoff", "fallback")


@dataclass
class Turn:
    """One action's view of the turn: tracker, dispatcher, KB, settings and the reply language."""

    tracker: Tracker
    dispatcher: CollectingDispatcher
    kb: KnowledgeBase
    settings: Settings
    choice: language.LanguageChoice
    custom: dict[str, Any] = field(default_factory=dict)
    intent_override: str | None = None  # the intent being answered when it is not NLU's (best guess)

    @classmethod
    def start(cls, tracker: Tracker, dispatcher: CollectingDispatcher) -> "Turn":
        """Resolves the reply language before anything is said."""
        kb, settings = get_kb(), get_settings()
        choice = language.resolve(
            language_inputs(tracker),
            kb.languages,
            settings.detect_min_confidence,
            query.parse_language,
        )
        return cls(tracker, dispatcher, kb, settings, choice)

    @property
    def lang(self) -> str:
        return self.choice.code

    @property
    def text(self) -> str:
        return latest_text(self.tracker)

    @property
    def intent(self) -> str | None:
        if self.intent_override:
            return self.intent_override
        return (self.tracker.latest_message.get("intent") or {}).get("name")

    @property
    def confidence(self) -> float:
        """NLU's confidence in the latest message's intent (a button press counts as sure)."""
        return float((self.tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)

    @property
    def item(self) -> str | None:
        """The `item` entity (`kind:id`) of the latest message, if a button sent one."""
        return next(self.tracker.get_latest_entity_values("item"), None)

    def ui(self, key: str, **params: Any) -> str:
        """What the assistant says (actions/i18n) in the reply language."""
        return i18n.ui(key, self.lang, **params)

    def say(self, text: str, buttons: list[dict[str, str]] | None = None) -> None:
        if buttons:
            self.dispatcher.utter_message(text=text, buttons=buttons)
        else:
            self.dispatcher.utter_message(text=text)

    def language_events(self) -> list[EventType]:
        """Keeps the resolved language (and whether the user chose it) in the slots."""
        return [
            SlotSet("language", self.lang),
            SlotSet("language_explicit", self.choice.explicit),
            SlotSet("language_from_user", self.choice.from_user),
        ]

    def nearest_topic(self) -> str | None:
        """The likeliest topic intent NLU saw for this message (staff group unanswered questions by it)."""
        ranking = self.tracker.latest_message.get("intent_ranking") or []
        names = [entry.get("name") for entry in ranking] or [self.intent]
        return next((name for name in names if name and name not in NOT_TOPICS), None)

    def unanswered(self, outcome: str) -> None:
        """Marks a turn the paper did not answer, so the gateway's analytics can show it to staff;
        travels in the closing message as `outcome` and `topic` (docs/CONTRACTS.md)."""
        assert outcome in UNANSWERED, outcome
        self.custom["outcome"] = outcome
        topic = self.nearest_topic()
        if topic:
            self.custom["topic"] = topic

    def close(self) -> None:
        """Ends the turn's reply with the language message the gateway relies on (CONTRACTS)."""
        self.dispatcher.utter_message(json_message={"language": self.lang, **self.custom})


def form_slots(domain: DomainDict, *forms: str) -> list[str]:
    """The slots the domain's forms ask for, of every form or of the forms named: the domain is the one
    list of them, so cancelling, "forget me" and saving a lead clear exactly what the forms asked."""
    declared = domain.get("forms") or {}
    return sorted(
        {
            slot
            for name in forms or declared
            for slot in (declared.get(name) or {}).get("required_slots") or []
        }
    )


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_metadata(tracker: Tracker) -> dict[str, Any]:
    """The channel metadata of the latest user message (language hint, channel, chat type)."""
    metadata = tracker.latest_message.get("metadata")
    if isinstance(metadata, dict) and metadata:
        return metadata
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            found = event.get("metadata")
            return found if isinstance(found, dict) else {}
    return {}


def language_inputs(tracker: Tracker) -> language.LanguageInputs:
    """Collects what the language rules look at; free-form answers do not count as language."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    free_form = (
        tracker.active_loop_name
        and tracker.get_slot("requested_slot") in FREE_FORM_SLOTS
        and intent not in NOT_ANSWERS
    )
    return language.LanguageInputs(
        text="" if free_form else latest_text(tracker),
        intent=intent,
        item=next(tracker.get_latest_entity_values("item"), None),
        metadata=latest_metadata(tracker),
        previous=tracker.get_slot("language"),
        explicit=bool(tracker.get_slot("language_explicit")),
        previous_from_user=bool(tracker.get_slot("language_from_user")),
    )


class AdvisorAction(Action, ABC):
    """A custom action that answers in the resolved language and never fails silently."""

    action_name = ""
    ends_turn = True  # the last action before listening closes the reply with the language message

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        turn = Turn.start(tracker, dispatcher)
        try:
            events = self.respond(turn, domain)
        except Exception:  # the user gets a localized apology instead of silence
            log.exception("action %s failed for %s", self.name(), tracker.sender_id)
            turn.say(turn.ui("error.generic"))
            events = []
        if self.ends_turn:
            turn.close()
        return list(events) + turn.language_events()

    @abstractmethod
    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        """Says what the action says and returns its events."""

    def answer_as(self, turn: Turn, intent: str, domain: DomainDict) -> list[EventType]:
        """Answers as if NLU had recognised `intent` (a best guess, or a question asked inside a form)."""
        turn.intent_override = intent
        try:
            return self.respond(turn, domain)
        finally:
            turn.intent_override = None
