"""A fake-Rasa responder for the console's tests: cited answers, and the unanswered outcomes the
actions mark in the closing message (CONTRACTS: `outcome`, `topic`)."""

from __future__ import annotations

from typing import Any

from common.scripts import HAN, chars

_HAN = chars(HAN)  # a message in Chinese is answered in Chinese
UNANSWERED = {
    "tax": ("out_of_scope", "investor_protection"),
    "税": ("out_of_scope", "investor_protection"),
    "visa": ("out_of_scope", "international_cooperation"),
    "blorp": ("did_you_mean", "measure_info"),
    "person": ("handoff", "how_to_invest"),
}


def language_of(body: dict[str, Any]) -> str:
    if _HAN.search(body["message"]):
        return "zh"
    return (body.get("metadata") or {}).get("language") or "en"


def advisor(body: dict[str, Any]) -> list[dict[str, Any]]:
    message, lang = body["message"], language_of(body)
    custom: dict[str, Any] = {"language": lang}
    if message.startswith("/forget_me"):
        return [{"text": "Deleted."}, {"custom": {**custom, "forgotten": True}}]
    for word, (outcome, topic) in UNANSWERED.items():
        if word in message.lower():
            return [
                {"text": "The paper does not cover that."},
                {"custom": {**custom, "outcome": outcome, "topic": topic}},
            ]
    if "smart" in message.lower():
        return [{"text": "Smart industry … (§6, §6.2)"}, {"custom": custom}]
    return [{"text": "Measure 9 strengthens publicity abroad (§9)."}, {"custom": custom}]
