"""The two guided flows: route recommender and investor profile, and the consented contact lead."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions import leads, profile, rendering
from actions.turn import AdvisorAction, Turn, latest_metadata

PROFILE_SLOTS = ("sector", "involvement", "country")
CONTACT_SLOTS = ("consent", "contact_name", "contact_email")


# --- questions (action_ask_<slot>) ---------------------------------------------------------------


class AskAction(AdvisorAction):
    """Asks for one form slot in the reply language, with choices as buttons where there are any."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def respond(self, turn: Turn, domain: dict) -> list:
        turn.say(turn.ui(f"form.ask_{self.slot}"), self.buttons(turn) or None)
        return []

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return []


class AskTagAction(AskAction):
    """Asks for a slot whose choices are one kind of KB tag, each offered as a button."""

    @property
    @abstractmethod
    def tag_kind(self) -> str:
        """The kind of tag offered: "interest" or "sector"."""

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return [
            rendering.button(turn.kb.tag_label(tag, turn.lang), "inform", f"{self.tag_kind}:{tag}")
            for tag in turn.kb.tags(self.tag_kind)
        ]


class ActionAskInterests(AskTagAction):
    """Which interests (history, ethnic cultures, ...) the traveller has."""

    slot = "interests"
    tag_kind = "interest"


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
            for ident in profile.involvement_ids()
        ]


class ActionAskCountry(AskAction):
    """Where the investor is based."""

    slot = "country"


class ActionAskConsent(AskAction):
    """Whether staff may contact the user: nothing is stored without a clear yes."""

    slot = "consent"

    def buttons(self, turn: Turn) -> list[dict[str, str]]:
        return [
            rendering.button(turn.ui("button.yes"), "affirm"),
            rendering.button(turn.ui("button.no"), "deny"),
        ]


class ActionAskContactName(AskAction):
    slot = "contact_name"


class ActionAskContactEmail(AskAction):
    slot = "contact_email"


# --- validation ----------------------------------------------------------------------------------


class LocalizedValidation(FormValidationAction):
    """Form validation that explains a rejected answer in the user's language."""

    @abstractmethod
    def name(self) -> str:
        """validate_<form name>."""

    def reject(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str) -> dict[str, Any]:
        """Says why the answer did not fit; the form then asks again."""
        turn = Turn.start(tracker, dispatcher)
        turn.say(turn.ui(f"form.invalid_{slot}"))
        return {slot: None}

    @staticmethod
    def answer(tracker: Tracker) -> tuple[str, str | None]:
        """The raw answer: the message text and the `item` entity of a button."""
        text = tracker.latest_message.get("text") or ""
        return text, next(tracker.get_latest_entity_values("item"), None)


class ValidateRouteForm(LocalizedValidation):
    """Turns "I like history and ethnic culture" into interest tags."""

    def name(self) -> str:
        return "validate_route_form"

    def validate_interests(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        from actions.kb import get_kb

        text, ref = self.answer(tracker)
        tags = profile.parse_interests(text, ref, get_kb().tags("interest"))
        return {"interests": tags} if tags else self.reject(dispatcher, tracker, "interests")


class ValidateInvestorForm(LocalizedValidation):
    """Reads sector, involvement and country of the investor profile."""

    def name(self) -> str:
        return "validate_investor_form"

    def validate_sector(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        from actions.kb import get_kb

        text, ref = self.answer(tracker)
        tags = profile.parse_sectors(text, ref, get_kb().tags("sector"))
        return {"sector": tags} if tags else self.reject(dispatcher, tracker, "sector")

    def validate_involvement(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        chosen = profile.parse_involvement(*self.answer(tracker))
        return {"involvement": chosen} if chosen else self.reject(dispatcher, tracker, "involvement")

    def validate_country(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        country = profile.parse_country(self.answer(tracker)[0])
        return {"country": country} if country else self.reject(dispatcher, tracker, "country")


class ValidateContactForm(LocalizedValidation):
    """Consent first; after a "no" the form ends and nothing is asked or stored."""

    def name(self) -> str:
        return "validate_contact_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list[str]:
        if tracker.get_slot("consent") is False:
            return ["consent"]  # filled, so the form ends here
        return domain_slots

    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        return {"consent": value is True}

    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        name = profile.parse_name(self.answer(tracker)[0])
        return {"contact_name": name} if name else self.reject(dispatcher, tracker, "contact_name")

    def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict[str, Any]:
        email = profile.parse_email(self.answer(tracker)[0])
        return {"contact_email": email} if email else self.reject(dispatcher, tracker, "contact_email")


# --- results -------------------------------------------------------------------------------------


class ActionRecommendRoutes(AdvisorAction):
    """Routes that suit the interests, best fit first, each with its reason and citation."""

    action_name = "action_recommend_routes"

    def respond(self, turn: Turn, domain: dict) -> list:
        interests = turn.tracker.get_slot("interests") or []
        ranked = rank_by_tags(turn.kb.items("route"), interests)
        if not ranked:
            turn.say(
                turn.ui("recommend.none"),
                rendering.item_buttons(
                    turn.kb, turn.kb.items("route"), turn.lang, turn.settings.max_list_buttons
                ),
            )
            return [SlotSet("interests", None)]
        blocks = [turn.ui("recommend.intro")] + [
            route_with_reason(turn, route, interests) for route in ranked
        ]
        turn.say(
            "\n\n".join(blocks),
            rendering.item_buttons(turn.kb, ranked, turn.lang, turn.settings.max_list_buttons),
        )
        return [SlotSet("last_list", [route.ref for route in ranked]), SlotSet("interests", None)]


def rank_by_tags(items: list, wanted: list[str]) -> list:
    """Items sharing at least one tag with `wanted`, most shared tags first, paper order kept."""
    scored = [(len(set(item.tags) & set(wanted)), n, item) for n, item in enumerate(items)]
    return [item for shared, _, item in sorted(scored, key=lambda s: (-s[0], s[1])) if shared]


def route_with_reason(turn: Turn, route, interests: list[str]) -> str:
    """One recommended route: title, why it fits, what the paper says, citation last."""
    labels = ", ".join(turn.kb.tag_label(tag, turn.lang) for tag in route.tags if tag in interests)
    return "\n".join(
        [
            turn.kb.text(route, "title", turn.lang),
            turn.ui("recommend.reason", interests=labels),
            f"{turn.kb.text(route, 'summary', turn.lang)} {turn.kb.citation(route)}",
        ]
    )


class ActionInvestorMatches(AdvisorAction):
    """The openings that fit the investor profile, with citations; the contact offer follows."""

    action_name = "action_investor_matches"
    ends_turn = False  # the contact form's consent question closes the turn

    def respond(self, turn: Turn, domain: dict) -> list:
        sectors = turn.tracker.get_slot("sector") or []
        openings = turn.kb.items("opening")
        matches = rank_by_tags(openings, sectors) or openings
        involvement = turn.tracker.get_slot("involvement")
        intro = turn.ui(
            "investor.intro",
            sectors=", ".join(turn.kb.tag_label(tag, turn.lang) for tag in sectors),
            involvement=turn.ui(f"involvement.{involvement}") if involvement else "-",
            country=turn.tracker.get_slot("country") or "-",
        )
        turn.say(
            f"{intro}\n\n{rendering.items_summary(turn.kb, matches, turn.lang)}",
            rendering.item_buttons(turn.kb, matches, turn.lang, turn.settings.max_list_buttons),
        )
        return [SlotSet("last_list", [item.ref for item in matches])]


class ActionSaveLead(AdvisorAction):
    """Stores the lead after an explicit yes; after a no, confirms that nothing was stored."""

    action_name = "action_save_lead"

    def respond(self, turn: Turn, domain: dict) -> list:
        slots = turn.tracker.get_slot
        name, email = slots("contact_name"), slots("contact_email")
        if slots("consent") is True and name and email:
            leads.save_lead(turn.settings.leads_path, lead_from(turn, name, email))
            turn.say(turn.ui("lead.saved", name=name))
        else:
            turn.say(turn.ui("lead.declined"))
        return [SlotSet(slot, None) for slot in PROFILE_SLOTS + CONTACT_SLOTS]


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
