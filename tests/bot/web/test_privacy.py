"""What the web channel keeps and for how long: no usable credential at rest or in Rasa, deletions
that are retried and never reported done when they failed, retention while the gateway runs."""

from __future__ import annotations

import asyncio
import sqlite3
import time

from bot.web.retention import delete_with_retries
from bot.web.senders import sender_id
from bot.web.store import ChatStore, stored_key
from tests.bot.web.conftest import ACME
from tests.bot.web.paper_rasa import ANSWER, FORGOTTEN
from tests.bot.web.test_api import history_of, new_session, say

SENDER_KEY = "k" * 40


def database_text(path) -> str:
    """Every value of every row of the web store, as one string to search."""
    with sqlite3.connect(path) as db:
        rows = [row for table in ("sessions", "messages") for row in db.execute(f"SELECT * FROM {table}")]
    return repr(rows)


async def test_rasa_sees_an_hmac_of_the_session_id_never_the_session_id(api, fake_rasa):
    client = await api(WIDGET_SENDER_KEY=SENDER_KEY)
    session = await new_session(client)
    await say(client, session, text="How can the areas do publicity abroad?")
    await say(client, session, text="and measure 9?")
    senders = {body["sender"] for body in fake_rasa.received}
    assert senders == {sender_id(SENDER_KEY.encode(), session)}  # stable for the conversation
    assert all(session not in repr(body) for body in fake_rasa.received)
    assert next(iter(senders)).startswith("web:")


async def test_without_a_configured_key_one_is_generated_once_and_kept(api, tmp_path, fake_rasa):
    first = await api()
    session = await new_session(first)
    await say(first, session, text="hello")
    key_file = tmp_path / "web_sender.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    await first.close()
    second = await api()
    await say(second, session, text="hello again")
    assert fake_rasa.received[0]["sender"] == fake_rasa.received[1]["sender"]


async def test_the_store_holds_only_a_hash_of_the_bearer(api, tmp_path):
    client = await api()
    session = await new_session(client)
    await say(client, session, text="How can the areas do publicity abroad?")
    stored = database_text(tmp_path / "web_chat.sqlite3")
    assert session not in stored and stored_key(session) in stored
    assert (await history_of(client, session)).status == 200  # the bearer still opens it


async def test_a_database_with_plain_session_ids_is_migrated_to_hashes(tmp_path):
    path = tmp_path / "web_chat.sqlite3"
    with sqlite3.connect(path) as db:  # the layout before hashing (user_version 0)
        db.executescript(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, site TEXT NOT NULL, language TEXT, created REAL NOT NULL,"
            " last_seen REAL NOT NULL);"
            "CREATE TABLE messages (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL"
            " REFERENCES sessions(id) ON DELETE CASCADE, role TEXT NOT NULL, text TEXT, buttons TEXT NOT NULL"
            " DEFAULT '[]', created REAL NOT NULL);"
        )
        db.execute(
            "INSERT INTO sessions VALUES ('plain-session-id-0123456789abcdef', 'acme', 'de', 1, ?)",
            (time.time(),),
        )
        db.execute(
            "INSERT INTO messages (session_id, role, text, created) VALUES"
            " ('plain-session-id-0123456789abcdef', 'user', 'hallo', 1)"
        )
    store = ChatStore(path)
    await store.open()
    assert "plain-session-id" not in database_text(path)
    assert [m.text for m in await store.history("plain-session-id-0123456789abcdef", 10)] == ["hallo"]
    assert (await store.get_session("plain-session-id-0123456789abcdef")).language == "de"
    await store.close()


async def test_deleting_a_session_forgets_it_in_rasa_and_here(api, fake_rasa):
    client = await api()
    session = await new_session(client)
    await say(client, session, text="How can the areas do publicity abroad?")
    sender = fake_rasa.received[-1]["sender"]
    resp = await client.delete(
        "/api/v1/session", headers={"Authorization": f"Bearer {session}", "Origin": ACME}
    )
    assert resp.status == 200 and await resp.json() == {"deleted": True}
    assert [(b["sender"], b["message"]) for b in fake_rasa.received[-3:]] == [
        (sender, "/stop"),
        (sender, "/forget_me"),
        (sender, "/affirm"),
    ]
    assert (await history_of(client, session)).status == 404


async def test_a_session_rasa_could_not_forget_is_kept_and_the_visitor_is_told(api, fake_rasa):
    client = await api()
    session = await new_session(client, language="de")
    await say(client, session, text="How can the areas do publicity abroad?", language="de")
    fake_rasa.down = True
    resp = await client.delete(
        "/api/v1/session", headers={"Authorization": f"Bearer {session}", "Origin": ACME}
    )
    assert resp.status == 503
    message = (await resp.json())["error"]["message"]
    assert message.startswith("Das Gespräch konnte gerade nicht gelöscht werden") and "30 Tagen" in message
    fake_rasa.down = False
    assert len((await (await history_of(client, session)).json())["messages"]) == 2


def refuse_deletes(path) -> None:
    """Fault injection on the real database: every delete of history fails, as on a broken disk."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TRIGGER refuse BEFORE DELETE ON messages BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )


async def test_a_forget_me_whose_delete_fails_is_never_reported_done(api, tmp_path):
    client = await api()
    session = await new_session(client, language="de")
    await say(client, session, text="How can the areas do publicity abroad?")
    await say(client, session, payload="/forget_me")
    refuse_deletes(tmp_path / "web_chat.sqlite3")
    resp = await say(client, session, payload="/affirm", language="de")
    assert resp.status == 500
    body = await resp.json()
    assert body["error"]["code"] == "forget_failed"
    assert body["error"]["message"].startswith("Das Gespräch konnte gerade nicht gelöscht werden")
    assert FORGOTTEN not in repr(body)
    assert ANSWER in repr(await (await history_of(client, session)).json())  # still there, and said so


async def test_a_delete_is_retried_before_it_counts_as_failed():
    attempts = []

    async def flaky_delete() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise sqlite3.OperationalError("database is locked")

    await delete_with_retries(flaky_delete)
    assert len(attempts) == 3


async def test_idle_conversations_are_pruned_while_the_gateway_runs(api, tmp_path):
    client = await api(WIDGET_RETENTION_DAYS="1", RETENTION_SWEEP_SECONDS="1")
    old, fresh = await new_session(client), await new_session(client)
    await say(client, old, text="How can the areas do publicity abroad?")
    with sqlite3.connect(tmp_path / "web_chat.sqlite3") as db:  # two days idle, after start-up's prune
        db.execute(
            "UPDATE sessions SET last_seen = ? WHERE id = ?", (time.time() - 2 * 86400, stored_key(old))
        )
    for _ in range(100):  # generous bound: the sweep runs every second
        if (await history_of(client, old)).status == 404:
            break
        await asyncio.sleep(0.1)
    assert (await history_of(client, old)).status == 404
    assert (await history_of(client, fresh)).status == 200


async def test_an_answered_turn_that_cannot_be_stored_is_still_shown_not_replayed(api, tmp_path, fake_rasa):
    client = await api()
    session = await new_session(client)
    with sqlite3.connect(tmp_path / "web_chat.sqlite3") as db:  # a full or broken disk, for history only
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    resp = await say(client, session, text="How can the areas do publicity abroad?")
    assert resp.status == 200  # a 500 would make the widget send the same turn to Rasa again
    assert (await resp.json())["messages"][0]["text"] == ANSWER
    assert len(fake_rasa.received) == 1
