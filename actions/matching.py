"""The openings that fit what an investor told us: sector, way of taking part, country.

Shared by the investor-profile form (after its last answer) and by free answers outside any form
(an investor who volunteers "film and TV" or "I'm in Canada" gets the same tailored, cited answer).
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet

from actions import rendering
from actions.routes import rank_by_tags
from actions.turn import EventType, Turn

PROFILE_FORM = "investor_form"  # the domain's form whose answers are the investor profile
INVOLVEMENT_SECTORS = {
    "shares": ["projects_finance"],
    "capital": ["projects_finance"],
    "cooperation": ["international"],
    "expertise": ["education"],
}


def show_matches(
    turn: Turn, profile_so_far: dict[str, Any], extra_buttons: list[dict[str, str]] | None = None
) -> list[EventType]:
    """The openings that fit what the investor told us (sector, way of taking part, country), cited."""
    sectors = list(profile_so_far.get("sector") or [])
    involvement = profile_so_far.get("involvement")
    openings = turn.kb.items("opening")
    wanted = sectors or INVOLVEMENT_SECTORS.get(involvement or "", [])
    matches = rank_by_tags(openings, wanted) or openings
    intro = turn.ui(
        "investor.intro",
        sectors=", ".join(turn.kb.tag_label(tag, turn.lang) for tag in sectors) or "-",
        involvement=turn.ui(f"involvement.{involvement}") if involvement else "-",
        country=profile_so_far.get("country") or "-",
    )
    turn.say(
        f"{intro}\n\n{rendering.items_summary(turn.kb, matches, turn.lang)}",
        rendering.item_buttons(turn.kb, matches, turn.lang, turn.settings.max_list_buttons)
        + (extra_buttons if extra_buttons is not None else offer_buttons(turn)),
    )
    return [SlotSet("last_list", [item.ref for item in matches])]


def offer_buttons(turn: Turn) -> list[dict[str, str]]:
    """Under volunteered details: build the full profile, or talk to a person."""
    return [
        rendering.button(turn.ui("button.investor_profile"), "investor_profile"),
        rendering.button(turn.ui("button.human_handoff"), "human_handoff"),
    ]
