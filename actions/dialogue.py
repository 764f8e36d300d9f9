"""Conversation control: language change, human hand-off, out of scope, fallback, cancelling."""

from __future__ import annotations

from rasa_sdk.events import ActiveLoop, SlotSet, UserUtteranceReverted

from actions import rendering
from actions.answers import menu_buttons, out_of_scope
from actions.best_guess import did_you_mean
from actions.turn import AdvisorAction, DomainDict, EventType, Turn, form_slots


class ActionChangeLanguage(AdvisorAction):
    """ "Answer in German": confirms in the new language, or asks which one with eight buttons."""

    action_name = "action_change_language"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
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

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        contact = turn.settings.staff_contact
        turn.say(turn.ui("human.intro_with_contact", contact=contact) if contact else turn.ui("human.intro"))
        return []


class ActionOutOfScope(AdvisorAction):
    """What the paper does not cover: said honestly, no invented figure, human contact offered."""

    action_name = "action_out_of_scope"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        return out_of_scope(turn)


class ActionAskAffirmation(AdvisorAction):
    """ "Did you mean" with the likeliest intents as localized buttons (kept for Rasa's fallback loop)."""

    action_name = "action_default_ask_affirmation"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        return did_you_mean(turn)


class ActionAskRephrase(AdvisorAction):
    """Second fallback stage: ask the user to put it differently."""

    action_name = "action_default_ask_rephrase"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        turn.say(turn.ui("fallback.rephrase"))
        turn.unanswered("fallback")
        return []


class ActionDefaultFallback(AdvisorAction):
    """Giving up honestly: what the assistant can do, and a person to ask."""

    action_name = "action_default_fallback"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        turn.say(turn.ui("fallback.give_up"), menu_buttons(turn))
        turn.unanswered("fallback")
        return [UserUtteranceReverted()]


class ActionCancelForm(AdvisorAction):
    """ "Stop" / "cancel" in any language: leaves the current form and forgets its answers."""

    action_name = "action_cancel_form"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        running = turn.tracker.active_loop_name
        turn.say(turn.ui("form.cancelled" if running else "form.nothing_to_cancel"), menu_buttons(turn))
        # the same events with or without a form, as the rules expect of this action
        return [ActiveLoop(None), SlotSet("requested_slot", None)] + [
            SlotSet(slot, None) for slot in form_slots(domain)
        ]
