"""A fake-Rasa responder that behaves like the advisor: greeting, cited answers, buttons, languages."""

from __future__ import annotations

from typing import Any

GREETING = {
    "en": "Hello! I answer questions about the paper on the cultural industry of old revolutionary base areas.",
    "de": "Hallo! Ich beantworte Fragen zum Artikel über die Kulturindustrie in alten revolutionären Basisgebieten.",
}
SWITCHED = {"en": "I will answer in English.", "de": "Ich antworte ab jetzt auf Deutsch."}
ANSWER = "The paper proposes telling the base areas' stories to audiences abroad through publicity and marketing (§9)."
MEASURE_9 = "Measure 9: strengthen publicity abroad, for example with films and international festivals (§9)."
MORE_BUTTON = {"title": "Tell me more about measure 9", "payload": '/measure_info{"item":"section:9"}'}


def _language(body: dict[str, Any]) -> str:
    lang = (body.get("metadata") or {}).get("language") or "en"
    return lang if lang in GREETING else "en"


def _text_reply(message: str, lang: str) -> list[dict[str, Any]]:
    if message.startswith("/greet"):
        return [
            {"text": GREETING[lang], "buttons": [{"title": "List the measures", "payload": "/list_measures"}]}
        ]
    if message == "/change_language":
        return [{"text": SWITCHED[lang]}]
    if message.startswith("/measure_info"):
        return [{"text": MEASURE_9}]
    if "market" in message.lower() or "publicity" in message.lower():
        return [{"text": ANSWER, "buttons": [MORE_BUTTON]}]
    if message.startswith("/forget_me"):
        return [
            {
                "text": FORGET_CONFIRM,
                "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
            }
        ]
    return [{"text": f"You wrote: {message}"}]


FORGET_CONFIRM = "Shall I delete our conversation and any contact details you left?"
FORGOTTEN = "Your conversation has been deleted."


def paper_advisor(body: dict[str, Any], asked_to_forget: set[str] | None = None) -> list[dict[str, Any]]:
    """Replies like the real assistant, ending with the custom-only language marker; "forget me" is
    confirmed with /affirm right after it, as the real assistant's rules have it."""
    lang, sender, message = _language(body), body["sender"], body["message"]
    custom: dict[str, Any] = {"language": lang}
    if message == "/affirm" and asked_to_forget is not None and sender in asked_to_forget:
        custom["forgotten"] = True
        replies = [{"text": FORGOTTEN}]
    else:
        replies = _text_reply(message, lang)
    if asked_to_forget is not None:
        (asked_to_forget.add if message.startswith("/forget_me") else asked_to_forget.discard)(sender)
    return [{"recipient_id": sender, **m} for m in replies] + [{"recipient_id": sender, "custom": custom}]


class PaperAdvisor:
    """`paper_advisor` with the memory the confirmation step needs (who was just asked to confirm)."""

    def __init__(self) -> None:
        self.asked_to_forget: set[str] = set()

    def __call__(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return paper_advisor(body, self.asked_to_forget)
