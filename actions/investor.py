"""The investor profile: sector, way of taking part and country, then the openings that fit.

Started only when asked for (the "build my profile" button, or "match me with openings"): questions
about how investors can take part are answered from the paper first (answers.PROFILE_OFFER_INTENTS).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import form_answers, rendering
from actions.forms import AskAction, AskTagAction, LocalizedValidation
from actions.matching import PROFILE_FORM, show_matches
from actions.turn import AdvisorAction, DomainDict, EventType, Turn, form_slots


class ActionAskSector(AskTagAction):
    """Which sector the investor looks at."""

    slot = "sector"
    tag_kind = "sector"


class ActionAskInvolvement(AskAction):
    """How the investor wants to take part (capital, shares, cooperation, expertise)."""

    slot = "involvement"

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return [
            rendering.button(turn.ui(f"involvement.{ident}"), "inform", f"involvement:{ident}")
            for ident in form_answers.involvement_ids()
        ]


class ActionAskCountry(AskAction):
    """Where the investor is based."""

    slot = "country"


def sectors_named(tracker: Tracker) -> list[str]:
    from actions.kb import get_kb

    text, ref = LocalizedValidation.answer(tracker)
    return form_answers.parse_sectors(text, ref, get_kb().tags("sector"))


class ValidateInvestorForm(LocalizedValidation):
    """Reads sector, involvement and country, from the opening message too ("I'd invest in film")."""

    def name(self) -> str:
        return "validate_investor_form"

    async def extract_sector(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        sectors = sectors_named(tracker) if self.opening(tracker) and not tracker.get_slot("sector") else []
        return {"sector": sectors} if sectors else {}

    async def extract_involvement(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not self.opening(tracker) or tracker.get_slot("involvement"):
            return {}
        text, ref = self.answer(tracker)
        chosen = form_answers.parse_involvement_words(text)
        return {"involvement": chosen} if chosen else {}

    def validate_sector(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.opening(tracker):
            return {"sector": value} if value else {}
        return self.take(dispatcher, tracker, domain, "sector", sectors_named(tracker))

    def validate_involvement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if self.opening(tracker):
            return {"involvement": value} if value else {}
        chosen = form_answers.parse_involvement(*self.answer(tracker))
        return self.take(dispatcher, tracker, domain, "involvement", chosen)

    def validate_country(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        country = form_answers.parse_country(self.answer(tracker)[0])
        return self.take(dispatcher, tracker, domain, "country", country)


class ActionInvestorMatches(AdvisorAction):
    """The openings that fit the investor profile, with citations; the contact offer follows."""

    action_name = "action_investor_matches"
    ends_turn = False  # the contact form's consent question closes the turn

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        profile_so_far = {slot: turn.tracker.get_slot(slot) for slot in form_slots(domain, PROFILE_FORM)}
        return show_matches(turn, profile_so_far, extra_buttons=[])
