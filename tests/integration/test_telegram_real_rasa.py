"""Telegram end to end: PTB against the fake Bot API, answered by the real trained assistant."""

from __future__ import annotations

import os
import random

from common.scripts import CYRILLIC, chars
from tests.bot.telegram.real_rasa import telegram_turns
from tests.bot.telegram.updates import text_update

RASA_URL = os.environ.get("RASA_URL", "http://127.0.0.1:5005")


async def test_deep_link_opens_measure_nine_with_its_citation(aiohttp_client, aiohttp_server):
    chat = random.randint(10_000, 10_000_000)
    api = await telegram_turns(
        aiohttp_client, aiohttp_server, RASA_URL, text_update(chat, "/start measure_9", language_code="en")
    )
    assert any("§9" in text for text in api.sent_texts(chat))


async def test_language_code_hint_gives_a_russian_greeting(aiohttp_client, aiohttp_server):
    chat = random.randint(10_000, 10_000_000)
    api = await telegram_turns(
        aiohttp_client,
        aiohttp_server,
        RASA_URL,
        text_update(chat, "Привет! Какие есть культурные маршруты?", language_code="ru"),
    )
    replies = "\n".join(api.sent_texts(chat))
    assert chars(CYRILLIC).search(replies)
    assert "§2" in replies
