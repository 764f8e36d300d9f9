"""Follow-ups on what was just shown: "the second one", "why that one?", "the next one", "any others?".

A user who has just been recommended a route and asks "why that one?" means the route shown, not the
bot ("what can you do?") and not a new topic; the classifier, trained on questions about the paper,
cannot know that. These messages are short and made of a few words per language (kb lexicon
`follow_up_why`, `follow_up_next`, `follow_up_previous`, `follow_up_others`), so the words decide, together with what the conversation showed
last (slots `last_item`, `last_list`).
"""

from __future__ import annotations

from collections.abc import Sequence

from actions.answers import menu_buttons, show_item, show_list
from actions.kb import Item, query
from actions.resolution import last_list, neighbour_of_last, picked_from_list
from actions.turn import AdvisorAction, DomainDict, EventType, Turn

LIST_INTROS = {"section": "measures.intro", "route": "routes.intro", "opening": "openings.intro"}


def follow_up_reply(turn: Turn) -> list[EventType] | None:
    """The reply to a short follow-up on the last answer, or None when the message is not one."""
    if not turn.text:
        return None
    kind = query.parse_follow_up(turn.text)
    if kind == "why":
        item = last_shown_item(turn)
        return show_item(turn, item) if item is not None else None
    if kind in ("next", "previous"):
        neighbour = neighbour_of_last(turn)
        return show_item(turn, neighbour) if neighbour is not None else None
    if kind == "others":
        return _all_of_last_kind(turn)
    return None


def last_shown_item(turn: Turn) -> Item | None:
    """What "that one" points to: the item answered last, else the first of the list shown last (a
    recommendation lists the best match first)."""
    item = turn.kb.by_ref(turn.tracker.get_slot("last_item") or "")
    if item is not None:
        return item
    shown = last_list(turn)
    return shown[0] if shown else None


def _all_of_last_kind(turn: Turn) -> list[EventType] | None:
    """Every item of the kind shown last (after two recommended routes, all seven)."""
    shown: Sequence[Item | None] = last_list(turn) or [
        turn.kb.by_ref(turn.tracker.get_slot("last_item") or "")
    ]
    kinds = {item.kind for item in shown if item is not None}
    if len(kinds) != 1 or next(iter(kinds)) not in LIST_INTROS:
        return None
    kind = next(iter(kinds))
    return show_list(turn, turn.kb.items(kind), LIST_INTROS[kind])


class ActionSelectItem(AdvisorAction):
    """Picks from the last list: "the second one", "the Three Kingdoms one"; "why that one?" explains
    the last item."""

    action_name = "action_select_item"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        item = picked_from_list(turn)
        if item is not None:
            return show_item(turn, item)
        reply = follow_up_reply(turn)
        if reply is not None:
            return reply
        shown = last_list(turn)
        if not shown:
            turn.say(turn.ui("select.no_list"), menu_buttons(turn))
            return []
        return show_list(turn, shown, "select.unknown")
