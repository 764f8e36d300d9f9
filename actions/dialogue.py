"""Conversation control: language change, human hand-off, out of scope, fallback, cancelling."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted

from actions import rendering
from actions.answers import menu_buttons, out_of_scope
from actions.resolution import best_match
from actions.turn import AdvisorAction, Turn

# Intents whose "did you mean" button can carry the item the user named.
ITEM_KINDS_BY_INTENT = {
    "measure_info": ["section"],
    "route_info": ["route"],
    "investment_openings": ["opening"],
}
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "affirm", "deny", "inform", "select_item", "stop"}
MAX_SUGGESTIONS = 3
FORM_SLOTS = ("interests", "sector", "involvement", "country", "consent", "contact_name", "contact_email")


class ActionChangeLanguage(AdvisorAction):
    """ "Answer in German": confirms in the new language, or asks which one with eight buttons."""

    action_name = "action_change_language"

    def respond(self, turn: Turn, domain: dict) -> list:
        if turn.choice.source == "request":
            turn.say(turn.ui("language.changed", name=turn.kb.language_name(turn.lang, turn.lang)))
            return []
        buttons = [
            rendering.button(turn.kb.language_name(code, code), "change_language", f"language:{code}")
            for code in turn.kb.languages
        ]
        turn.say(turn.ui("language.ask"), buttons)
        return []


class ActionHumanHandoff(AdvisorAction):
    """A person is wanted: says how staff can be reached; the contact form follows (rules)."""

    action_name = "action_human_handoff"
    ends_turn = False  # the contact form's consent question closes the turn

    def respond(self, turn: Turn, domain: dict) -> list:
        contact = turn.settings.staff_contact
        turn.say(turn.ui("human.intro_with_contact", contact=contact) if contact else turn.ui("human.intro"))
        return []


class ActionOutOfScope(AdvisorAction):
    """What the paper does not cover: said honestly, no invented figure, human contact offered."""

    action_name = "action_out_of_scope"

    def respond(self, turn: Turn, domain: dict) -> list:
        return out_of_scope(turn)


class ActionAskAffirmation(AdvisorAction):
    """First fallback stage: "did you mean" with the likeliest intents as localized buttons."""

    action_name = "action_default_ask_affirmation"

    def respond(self, turn: Turn, domain: dict) -> list:
        buttons = [suggestion_button(turn, name) for name in suggested_intents(turn)]
        buttons.append(rendering.button(turn.ui("button.something_else"), "out_of_scope"))
        turn.say(turn.ui("fallback.did_you_mean"), buttons)
        return []


def suggested_intents(turn: Turn) -> list[str]:
    """The most likely intents NLU saw, those that make sense as a suggestion."""
    ranking = turn.tracker.latest_message.get("intent_ranking") or []
    names = [entry.get("name") for entry in ranking]
    offered = [
        name for name in names if name and name not in NOT_OFFERED and turn.kb.has_ui(f"intent.{name}")
    ]
    return offered[:MAX_SUGGESTIONS]


def suggestion_button(turn: Turn, intent: str) -> dict[str, str]:
    """A button for one intent, with the item the user named when the intent takes one."""
    kinds = ITEM_KINDS_BY_INTENT.get(intent)
    item = best_match(turn, turn.text, kinds) if kinds else None
    if item is not None:
        title = f"{turn.ui(f'intent.{intent}')}: {turn.kb.text(item, 'title', turn.lang)}"
        return rendering.button(title, intent, item.ref)
    return rendering.button(turn.ui(f"intent.{intent}"), intent)


class ActionAskRephrase(AdvisorAction):
    """Second fallback stage: ask the user to put it differently."""

    action_name = "action_default_ask_rephrase"

    def respond(self, turn: Turn, domain: dict) -> list:
        turn.say(turn.ui("fallback.rephrase"))
        return []


class ActionDefaultFallback(AdvisorAction):
    """Giving up honestly: what the assistant can do, and a person to ask."""

    action_name = "action_default_fallback"

    def respond(self, turn: Turn, domain: dict) -> list:
        turn.say(turn.ui("fallback.give_up"), menu_buttons(turn))
        return [UserUtteranceReverted()]


class ActionCancelForm(AdvisorAction):
    """ "Stop" / "cancel" in any language: leaves the current form and forgets its answers."""

    action_name = "action_cancel_form"

    def respond(self, turn: Turn, domain: dict) -> list:
        running = turn.tracker.active_loop_name
        turn.say(turn.ui("form.cancelled" if running else "form.nothing_to_cancel"), menu_buttons(turn))
        # the same events with or without a form, as the rules expect of this action
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
            SlotSet(slot, None) for slot in FORM_SLOTS
        ]
