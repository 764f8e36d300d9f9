"""Turns knowledge-base items into reply text and drill-down buttons in the reply language."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from actions.kb import Item, KnowledgeBase

# The intent each kind of item is opened with (button payloads, docs/CONTRACTS.md).
INTENT_BY_KIND = {
    "section": "measure_info",
    "route": "route_info",
    "opening": "investment_openings",
    "fact": "select_item",
}
MAX_BUTTON_TITLE = 60  # Telegram keyboards and the widget stay readable below this


def payload(intent: str, ref: str | None = None) -> str:
    """An intent shortcut with the optional `item` entity: /measure_info{"item":"section:9"}."""
    if ref is None:
        return f"/{intent}"
    return f"/{intent}{json.dumps({'item': ref}, ensure_ascii=False)}"


def item_payload(item: Item) -> str:
    """The payload that opens one item."""
    return payload(INTENT_BY_KIND[item.kind], item.ref)


def shorten(title: str, limit: int = MAX_BUTTON_TITLE) -> str:
    """Cuts a button title at a word boundary so keyboards stay compact."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def item_answer(kb: KnowledgeBase, item: Item, lang: str, with_points: bool = True, lead: int = -1) -> str:
    """One item in full: title, the point asked (if any), summary, the other key points, citation last."""
    points = kb.points(item, lang) if with_points else []
    first = [f"➤ {points[lead]}"] if 0 <= lead < len(points) else []
    rest = [f"• {point}" for n, point in enumerate(points) if n != lead]
    lines = [kb.text(item, "title", lang)] + first + [kb.text(item, "summary", lang)] + rest
    return _cite_last(lines, kb.citation(item))


def items_summary(kb: KnowledgeBase, items: Iterable[Item], lang: str) -> str:
    """Several items, one paragraph each (title and summary), each with its own citation."""
    blocks = [
        _cite_last([kb.text(item, "title", lang), kb.text(item, "summary", lang)], kb.citation(item))
        for item in items
    ]
    return "\n\n".join(blocks)


def numbered_list(kb: KnowledgeBase, items: Iterable[Item], lang: str, intro: str) -> str:
    """An intro line and the items numbered, each with its citation (for "the second one")."""
    lines = [intro]
    lines += [
        f"{n}. {kb.text(item, 'title', lang)} {kb.citation(item)}".rstrip()
        for n, item in enumerate(items, start=1)
    ]
    return "\n".join(lines)


def item_buttons(kb: KnowledgeBase, items: Iterable[Item], lang: str, limit: int) -> list[dict[str, str]]:
    """Drill-down buttons, titled in the reply language, one per item."""
    return [
        {"title": shorten(f"{n}. {kb.text(item, 'title', lang)}"), "payload": item_payload(item)}
        for n, item in enumerate(list(items)[:limit], start=1)
    ]


def see_also_buttons(kb: KnowledgeBase, items: Iterable[Item], lang: str) -> list[dict[str, str]]:
    """Unnumbered buttons to related items: they are not a list the user picks from by number."""
    return [{"title": shorten(kb.text(item, "title", lang)), "payload": item_payload(item)} for item in items]


def button(title: str, intent: str, ref: str | None = None) -> dict[str, str]:
    """One button in the Rasa format."""
    return {"title": shorten(title), "payload": payload(intent, ref)}


def _cite_last(lines: list[str], citation: str) -> str:
    """Joins lines and appends the citation to the last one, so the answer ends with it."""
    lines = [line for line in lines if line]
    if citation:
        lines[-1] = f"{lines[-1]} {citation}"
    return "\n".join(lines)
