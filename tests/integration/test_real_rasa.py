"""The gateway's Rasa client against the real trained assistant (no fakes)."""

from __future__ import annotations

import re

from bot import keys
from bot.app import create_app


async def converse(client, sender, text, metadata=None):
    return await client.app[keys.RASA].send(sender, text, metadata or {})


def texts(messages):
    return "\n".join(m.text for m in messages if m.text)


def reply_language(messages):
    return next(m.custom["language"] for m in messages if m.custom and "language" in m.custom)


async def test_greeting_in_the_users_language(aiohttp_client, rasa_settings, sender):
    client = await aiohttp_client(create_app(rasa_settings))
    reply = await converse(client, sender, "Hallo!")
    assert reply_language(reply) == "de"
    assert texts(reply)


async def test_measure_question_is_answered_with_its_citation(aiohttp_client, rasa_settings, sender):
    client = await aiohttp_client(create_app(rasa_settings))
    reply = await converse(client, sender, "What does measure 9 say about publicity?")
    assert reply_language(reply) == "en"
    assert re.search(r"\(§9(\.\d)?[),]", texts(reply))


async def test_out_of_scope_gets_no_invented_figure(aiohttp_client, rasa_settings, sender):
    client = await aiohttp_client(create_app(rasa_settings))
    reply = await converse(client, sender, "What is the corporate tax rate in Sichuan?")
    body = texts(reply)
    assert "§" not in body
    assert not re.search(r"\d+\s*%", body)


async def test_conversation_is_stored_in_the_sqlite_tracker_store(aiohttp_client, rasa_settings, sender):
    """What survives a restart: the events are in the SQLite file under ADVISOR_DATA_DIR."""
    import os
    import sqlite3
    from pathlib import Path

    client = await aiohttp_client(create_app(rasa_settings))
    await converse(client, sender, "hello")
    db = Path(os.environ["ADVISOR_DATA_DIR"]) / "tracker.sqlite3"
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    assert count > 0
