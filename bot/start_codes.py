"""Start codes shared by Telegram deep links (/start CODE) and the widget's data-start attribute.

A code becomes the message sent to Rasa (an intent shortcut, see docs/CONTRACTS.md) plus, for
language codes, an explicit language choice. Which measures exist is the assistant's to know: a
`measure_N` the paper lacks is answered there with the list of measures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.i18n import normalize_language

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # Telegram's deep-link alphabet and length
# Codes that open a topic -> the message Rasa receives; Telegram's commands of the same names send the same.
TOPICS = {
    "invest": "/investor_profile",
    "routes": "/list_routes",
    "measures": "/list_measures",
    "source": "/paper_info",
}


@dataclass(frozen=True)
class StartAction:
    message: str
    language: str | None = None  # an explicit language choice carried by the code


def _with_item(intent: str, item: str) -> str:
    return f"/{intent}{json.dumps({'item': item}, ensure_ascii=False)}"


def resolve(code: str | None) -> StartAction:
    """Maps a start code to what Rasa should receive; unknown or malformed codes greet."""
    code = (code or "").strip()
    if not _CODE.match(code):
        return StartAction("/greet")
    head, _, rest = code.partition("_")
    head = head.lower()
    if head == "measure" and rest.isdigit() and int(rest) > 0:
        return StartAction(_with_item("measure_info", f"section:{int(rest)}"))
    if head == "route" and rest:
        return StartAction(_with_item("route_info", f"route:{rest.lower()}"))
    if head == "lang" and normalize_language(rest):
        return StartAction("/change_language", language=normalize_language(rest))
    return StartAction(TOPICS.get(code.lower(), "/greet"))
