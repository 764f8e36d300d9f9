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
        return [{"text": GREETING[lang], "buttons": [{"title": "List the measures", "payload": "/list_measures"}]}]
    if message == "/change_language":
        return [{"text": SWITCHED[lang]}]
    if message.startswith("/measure_info"):
        return [{"text": MEASURE_9}]
    if "market" in message.lower() or "publicity" in message.lower():
        return [{"text": ANSWER, "buttons": [MORE_BUTTON]}]
    if message.startswith("/forget_me"):
        return [{"text": "Your conversation has been deleted."}]
    return [{"text": f"You wrote: {message}"}]


def paper_advisor(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Replies like the real assistant, ending with the custom-only language marker."""
    lang = _language(body)
    reply = [{"recipient_id": body["sender"], **m} for m in _text_reply(body["message"], lang)]
    custom: dict[str, Any] = {"language": lang}
    if body["message"].startswith("/forget_me"):
        custom["forgotten"] = True
    return reply + [{"recipient_id": body["sender"], "custom": custom}]
