"""Finds the KB item a turn refers to: a button's `item`, the words typed, or "the second one"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from actions.kb import Item, query
from actions.language import is_payload
from common.scripts import HAN, KANA, chars

if TYPE_CHECKING:
    from actions.turn import Turn


def referenced_item(turn: Turn, kinds: Sequence[str]) -> Item | None:
    """The item of one of `kinds` this message names (button entity first, then its words)."""
    if turn.item:
        found = item_from_ref(turn, turn.item, kinds)
        if found is not None:
            return found
    if is_payload(turn.text):
        return None
    return best_match(turn, turn.text, kinds)


def item_from_ref(turn: Turn, ref: str, kinds: Sequence[str]) -> Item | None:
    """A `kind:id` reference; an unknown id is resolved by its words (route:silk -> Silk Road)."""
    kind, _, ident = ref.partition(":")
    if kind not in kinds:
        return None
    item = turn.kb.get(kind, ident)
    if item is not None:
        return item
    return best_match(turn, ident.replace("_", " "), [kind]) or unique_id_part(turn, kind, ident)


def unique_id_part(turn: Turn, kind: str, part: str) -> Item | None:
    """The one item whose id contains `part` (deep link `route_silk` -> southern_silk_road)."""
    found = [item for item in turn.kb.items(kind) if part and part.lower() in item.id]
    return found[0] if len(found) == 1 else None


def best_match(turn: Turn, text: str, kinds: Sequence[str], allowed: set[str] | None = None) -> Item | None:
    """The best-scoring item for `text`, if it clears the configured minimum score."""
    if not text.strip():
        return None
    for match in query.resolve(text, lang=turn.lang, kinds=list(kinds)):
        if match.score < turn.settings.match_min_score:
            return None
        if allowed is None or match.item.ref in allowed:
            return match.item
    return None


def measure_by_ordinal(turn: Turn) -> Item | None:
    """ "the ninth measure" -> §9, when the words themselves did not resolve."""
    number = None if is_payload(turn.text) else query.parse_ordinal(turn.text)
    return turn.kb.get("section", str(number)) if number else None


def last_list(turn: Turn) -> list[Item]:
    """The items of the list shown last (slot `last_list`), still present in the KB."""
    refs = turn.tracker.get_slot("last_list") or []
    return [item for item in (turn.kb.by_ref(ref) for ref in refs) if item is not None]


def picked_from_list(turn: Turn) -> Item | None:
    """What "the second one" / "the Three Kingdoms one" picks from the last list."""
    shown = last_list(turn)
    if turn.item:
        found = turn.kb.by_ref(turn.item)
        if found is not None:
            return found
    if not shown or is_payload(turn.text):
        return None
    number = query.parse_ordinal(turn.text)
    if number and 1 <= number <= len(shown):
        return shown[number - 1]
    kinds = sorted({item.kind for item in shown})
    return best_match(turn, turn.text, kinds, allowed={item.ref for item in shown})


NEIGHBOUR_MAX_WORDS = 5  # "and the next one?"; longer messages ("what should investors do next?") ask more
NEIGHBOUR_MAX_CJK = 8  # Han and kana characters: the scripts written without spaces (Korean has them)
_UNSPACED_CHAR = chars(HAN, KANA)


def neighbour_of_last(turn: Turn) -> Item | None:
    """What "and the next one?" / "the previous one?" means right after an answer: the measure, route or
    opening beside the one answered last, in paper order (after §6.2 comes §7); None at either end, when
    nothing was answered, or when the message is more than such a follow-up."""
    text = turn.text or ""
    words, cjk = len(text.split()), len(_UNSPACED_CHAR.findall(text))
    if is_payload(text) or words > NEIGHBOUR_MAX_WORDS or cjk > NEIGHBOUR_MAX_CJK:
        return None
    step = {"next": 1, "previous": -1}.get(query.parse_follow_up(text) or "")
    current = turn.kb.by_ref(turn.tracker.get_slot("last_item") or "")
    if step is None or current is None:
        return None
    if current.kind == "section":
        siblings = [item for item in turn.kb.items("section") if "." not in item.id]
        current = turn.kb.get("section", current.id.split(".")[0]) or current
    else:
        siblings = turn.kb.items(current.kind)
    if current not in siblings:
        return None
    position = siblings.index(current) + step
    return siblings[position] if 0 <= position < len(siblings) else None
