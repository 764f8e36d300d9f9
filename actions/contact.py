"""The consented contact lead: consent first, then name and e-mail; nothing is stored without a yes."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import form_answers, leads, rendering
from actions.forms import AskAction, LocalizedValidation
from actions.turn import AdvisorAction, DomainDict, EventType, Turn, form_slots, latest_metadata


class ActionAskConsent(AskAction):
    """Whether staff may contact the user: nothing is stored without a clear yes."""

    slot = "consent"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        if turn.intent == "human_handoff":  # this question closes the hand-off turn (ActionHumanHandoff)
            turn.unanswered("handoff")
        return super().respond(turn, domain)

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return [
            rendering.button(turn.ui("button.yes"), "affirm"),
            rendering.button(turn.ui("button.no"), "deny"),
        ]


class ActionAskContactName(AskAction):
    slot = "contact_name"


class ActionAskContactEmail(AskAction):
    slot = "contact_email"


class ValidateContactForm(LocalizedValidation):
    """Consent first; after a "no" the form ends and nothing is asked or stored."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]  # filled, so the form ends here
        return domain_slots

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"consent": value}
        return self.take(dispatcher, tracker, domain, "consent", None)

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        name = form_answers.parse_name(self.answer(tracker)[0])
        return self.take(dispatcher, tracker, domain, "contact_name", name)

    def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        email = form_answers.parse_email(self.answer(tracker)[0])
        return self.take(dispatcher, tracker, domain, "contact_email", email)


class ActionSaveLead(AdvisorAction):
    """Stores the lead after an explicit yes; after a no, confirms that nothing was stored."""

    action_name = "action_save_lead"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        slots = turn.tracker.get_slot
        name, email = slots("contact_name"), slots("contact_email")
        if slots("consent") is True and name and email:
            if (
                leads.leads_today(turn.settings.leads_db, turn.tracker.sender_id)
                >= turn.settings.leads_per_day
            ):
                turn.say(turn.ui("lead.limit"))  # one conversation cannot flood staff's list
            else:
                leads.save_lead(turn.settings.leads_db, lead_from(turn, name, email))
                turn.say(turn.ui("lead.saved", name=name))
        else:
            turn.say(turn.ui("lead.declined"))
        return [SlotSet(slot, None) for slot in form_slots(domain)]  # the profile's answers and the contact's


def lead_from(turn: Turn, name: str, email: str) -> leads.Lead:
    """The lead record: contact, profile, language, channel and conversation id."""
    sectors = turn.tracker.get_slot("sector") or []
    channel = latest_metadata(turn.tracker).get("channel") or turn.tracker.get_latest_input_channel()
    return leads.Lead(
        name=name,
        email=email,
        sector=",".join(sectors) or None,
        involvement=turn.tracker.get_slot("involvement"),
        country=turn.tracker.get_slot("country"),
        language=turn.lang,
        channel=str(channel or "rest"),
        sender=turn.tracker.sender_id,
    )
