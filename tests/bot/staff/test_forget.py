"""The analytics' question texts and the hardening's privacy rules together: keyed by the same
`web:`+HMAC sender Rasa sees, deleted by every "forget me" (the widget's new conversation too, the
gateway's and the action server's), a failed delete never reported done, and pruned by the periodic
retention sweep."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from actions import analytics_texts
from bot.analytics import Analytics
from bot.settings import data_key
from bot.web.senders import sender_id
from tests.bot.staff.advisor_rasa import advisor

SENDER_KEY = "s" * 40


def confirming_advisor(body: dict[str, Any]) -> list[dict[str, Any]]:
    """`advisor`, but "forget me" is asked and then confirmed with /affirm, as the real assistant does
    (what DELETE /api/v1/session relies on)."""
    message, custom = body["message"], {"language": "en"}
    if message.startswith("/forget_me"):
        return [{"text": "Shall I delete it?"}, {"custom": custom}]
    if message == "/affirm":
        return [{"text": "Deleted."}, {"custom": {**custom, "forgotten": True}}]
    if message == "/stop":
        return [{"text": "Stopped."}, {"custom": custom}]
    return advisor(body)


def stored(data_dir: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "analytics.sqlite3") as db:
        return db.execute(sql).fetchall()


def question_texts(data_dir: Path) -> list[str]:
    return [text for (text,) in stored(data_dir, "SELECT text FROM unanswered ORDER BY id")]


async def new_visitor(client) -> str:
    resp = await client.post("/api/v1/session", json={"site": "demo", "language": "en"})
    return (await resp.json())["session_id"]


async def chat(client, session_id: str, **fields: str):
    return await client.post("/api/v1/chat", json={"session_id": session_id, "language": "en", **fields})


async def test_texts_are_keyed_by_the_hmac_sender_rasa_sees_never_the_session_id(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start(WIDGET_SENDER_KEY=SENDER_KEY)
    session_id = await new_visitor(client)
    await chat(client, session_id, text="what about a visa")
    sender = sender_id(SENDER_KEY.encode(), session_id)
    assert fake_rasa.received[-1]["sender"] == sender
    pseudonym = Analytics(data_dir / "analytics.sqlite3", data_key(str(data_dir), analytics_texts.KEY_FILE))
    [(sender_key,)] = stored(data_dir, "SELECT sender_key FROM unanswered")
    assert sender_key == pseudonym._pseudonym(sender)
    raw = b"".join(p.read_bytes() for p in data_dir.glob("analytics.sqlite3*"))
    assert session_id.encode() not in raw and sender.encode() not in raw


async def test_the_widgets_new_conversation_deletes_the_texts_and_is_not_counted(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start()
    mine, other = await new_visitor(client), await new_visitor(client)
    await chat(client, mine, text="what about a visa for me")
    await chat(client, other, text="what about a visa for them")
    resp = await client.delete("/api/v1/session", headers={"Authorization": f"Bearer {mine}"})
    assert resp.status == 200 and await resp.json() == {"deleted": True}
    assert question_texts(data_dir) == ["what about a visa for them"]
    # /stop, /forget_me and /affirm were the gateway's doing, not the visitor's messages
    assert stored(data_dir, "SELECT COUNT(*) FROM turns") == [(2,)]


async def test_a_confirmed_forget_me_deletes_the_texts(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start()
    session_id = await new_visitor(client)
    await chat(client, session_id, text="tax please")
    await chat(client, session_id, payload="/forget_me")
    resp = await chat(client, session_id, payload="/affirm")
    assert (await resp.json())["forgotten"] is True
    assert question_texts(data_dir) == []


async def test_a_forget_me_whose_analytics_delete_fails_is_never_reported_done(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start()
    session_id = await new_visitor(client)
    await chat(client, session_id, text="tax please")
    with sqlite3.connect(data_dir / "analytics.sqlite3") as db:  # a broken disk, for the analytics only
        db.execute(
            "CREATE TRIGGER refuse BEFORE DELETE ON unanswered BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )
    await chat(client, session_id, payload="/forget_me")
    resp = await chat(client, session_id, payload="/affirm")
    assert resp.status == 500
    body = await resp.json()
    assert body["error"]["code"] == "forget_failed" and "Deleted." not in repr(body)
    assert question_texts(data_dir) == ["tax please"]
    history = await client.get("/api/v1/history", headers={"Authorization": f"Bearer {session_id}"})
    assert history.status == 200  # nothing claims to be deleted, and the history is still there


async def test_the_action_servers_forget_finds_the_texts_the_gateway_wrote(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start(WIDGET_SENDER_KEY=SENDER_KEY)
    mine, other = await new_visitor(client), await new_visitor(client)
    await chat(client, mine, text="what about a visa for me")
    await chat(client, other, text="what about a visa for them")
    # what actions/privacy.py does with the sender id from its tracker, in the same data folder
    deleted = analytics_texts.forget_sender(data_dir, sender_id(SENDER_KEY.encode(), mine))
    assert deleted == 1 and question_texts(data_dir) == ["what about a visa for them"]
    assert analytics_texts.forget_sender(data_dir / "elsewhere", "web:x") == 0  # no store yet: nothing to do


async def test_old_texts_are_pruned_by_the_periodic_retention_sweep(start, fake_rasa, data_dir):
    fake_rasa.responder = confirming_advisor
    client = await start(ANALYTICS_TEXT_RETENTION_DAYS="1", RETENTION_SWEEP_SECONDS="1")
    session_id = await new_visitor(client)
    await chat(client, session_id, text="tax one")
    await chat(client, session_id, text="tax two")
    with sqlite3.connect(data_dir / "analytics.sqlite3") as db:  # two days old, after start-up's prune
        db.execute("UPDATE unanswered SET at = ? WHERE text = 'tax one'", (time.time() - 2 * 86400,))
    for _ in range(100):  # generous bound: the sweep runs every second
        if question_texts(data_dir) == ["tax two"]:
            break
        await asyncio.sleep(0.1)
    assert question_texts(data_dir) == ["tax two"]
    assert stored(data_dir, "SELECT COUNT(*) FROM turns") == [(2,)]  # the counts stay
