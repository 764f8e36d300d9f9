"""A Telegram "forget me" deletes that chat's unanswered-question texts kept for the staff console
(they are keyed by the same `telegram:<chat id>` sender the action server sees), and no one else's."""

from __future__ import annotations

import sqlite3

from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange, keyboard_of

MINE, OTHER = 7101, 7102


def question_texts(data_dir) -> list[str]:
    with sqlite3.connect(data_dir / "analytics.sqlite3") as db:
        return [text for (text,) in db.execute("SELECT text FROM unanswered ORDER BY id")]


async def test_forget_deletes_the_chats_question_texts(start_gateway, bot_api, fake_rasa, tmp_path):
    await start_gateway()
    data_dir = tmp_path / "var"
    fake_rasa.reply_with(
        {"text": "The paper does not cover that."},
        {"custom": {"language": "de", "outcome": "out_of_scope", "topic": "investor_protection"}},
    )
    await exchange(bot_api, updates.text_update(MINE, "Wie hoch ist die Steuer?"))
    await exchange(bot_api, updates.text_update(OTHER, "Und die Steuer für mich?"))
    assert question_texts(data_dir) == ["Wie hoch ist die Steuer?", "Und die Steuer für mich?"]
    fake_rasa.reply_with({"text": "Wirklich löschen?", "buttons": [{"title": "Ja", "payload": "/affirm"}]})
    confirm = (await exchange(bot_api, updates.text_update(MINE, "/forget")))[0]
    fake_rasa.reply_with({"text": "Gelöscht."}, {"custom": {"language": "de", "forgotten": True}})
    await exchange(bot_api, updates.callback_update(MINE, keyboard_of(confirm)[0]["callback_data"]))
    assert fake_rasa.received[-1]["sender"] == f"telegram:{MINE}"
    assert question_texts(data_dir) == ["Und die Steuer für mich?"]
