"""The website chat API end to end with the real assistant: language, buttons, citations, forget-me."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from bot.app import create_app
from bot.settings import Settings
from bot.web.senders import sender_id

SITE, ORIGIN = "acme", "https://acme.example"
SENDER_KEY = "integration-test-sender-key-0123456789"


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    env = {
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        "ADVISOR_DATA_DIR": str(tmp_path),
        "WIDGET_SITES": f"{SITE}={ORIGIN}",
        "WIDGET_SENDER_KEY": SENDER_KEY,
    }
    return await aiohttp_client(create_app(Settings.from_env(env)))


async def chat(client, session, **fields):
    resp = await client.post(
        "/api/v1/chat", json={"session_id": session, **fields}, headers={"Origin": ORIGIN}
    )
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def new_session(client):
    resp = await client.post("/api/v1/session", json={"site": SITE}, headers={"Origin": ORIGIN})
    assert resp.status == 201, await resp.text()
    return (await resp.json())["session_id"]


def all_text(reply):
    return "\n".join(m["text"] or "" for m in reply["messages"])


async def test_spanish_route_list_then_a_button_gives_a_cited_answer(client):
    session = await new_session(client)
    listing = await chat(client, session, text="¿Qué rutas culturales propone el artículo?")
    assert listing["language"] == "es"
    buttons = [b for m in listing["messages"] for b in m["buttons"]]
    assert buttons, listing
    answer = await chat(client, session, payload=buttons[0]["payload"])
    assert answer["language"] == "es"
    assert re.search(r"\(§\d+(\.\d)?", all_text(answer))


async def test_forget_me_deletes_the_stored_conversation(client):
    session = await new_session(client)
    await chat(client, session, text="Tell me about measure 12")
    confirm = await chat(client, session, text="/forget_me")
    payloads = [b["payload"] for m in confirm["messages"] for b in m["buttons"]]
    assert "/affirm" in payloads
    done = await chat(client, session, payload="/affirm")
    assert done["forgotten"] is True
    history = await client.get(
        "/api/v1/history", headers={"Authorization": f"Bearer {session}", "Origin": ORIGIN}
    )
    assert (await history.json())["messages"] == []
    assert user_events(sender_id(SENDER_KEY.encode(), session)) == 0


def user_events(sender: str) -> int:
    tracker = Path(os.environ["ADVISOR_DATA_DIR"]) / "tracker.sqlite3"
    with sqlite3.connect(tracker) as connection:
        (count,) = connection.execute(
            "SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)
        ).fetchone()
    return count


async def test_the_tracker_store_never_holds_the_session_id_and_new_conversation_deletes_it(client):
    session = await new_session(client)
    await chat(client, session, text="Tell me about measure 12")
    sender = sender_id(SENDER_KEY.encode(), session)
    assert user_events(sender) == 1
    tracker = Path(os.environ["ADVISOR_DATA_DIR"]) / "tracker.sqlite3"
    with sqlite3.connect(tracker) as connection:
        assert connection.execute(
            "SELECT COUNT(*) FROM events WHERE data LIKE ? OR sender_id LIKE ?",
            (f"%{session}%", f"%{session}%"),
        ).fetchone() == (0,)
    await chat(
        client, session, payload="/investor_profile"
    )  # a form is running: "/affirm" must not answer it
    resp = await client.delete(
        "/api/v1/session", headers={"Authorization": f"Bearer {session}", "Origin": ORIGIN}
    )
    assert resp.status == 200, await resp.text()
    assert user_events(sender) == 0
