"""The web chat stores behave the same on SQLite and on a real PostgreSQL, and a PostgreSQL outage is
StoreUnavailable (never a crash) with recovery when the database is back."""

from __future__ import annotations

import pytest

from bot.stores import StoreUnavailable
from bot.web.store import ChatStore, StoredMessage, stored_key
from bot.web.store_pg import PostgresChatStore
from tests.scale.conftest import stopped


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        chat_store = ChatStore(tmp_path / "web.sqlite3")
    else:
        chat_store = PostgresChatStore(request.getfixturevalue("postgres").url)
    await chat_store.open()
    yield chat_store
    await chat_store.close()


async def test_session_history_language_and_forget(store):
    session = await store.create_session("demo", "de")
    assert await store.get_session(session.id) == session
    await store.append(
        session.id,
        [StoredMessage("user", "Hallo"), StoredMessage("bot", "Hi", [{"title": "A", "payload": "/a"}])],
    )
    await store.append(session.id, [StoredMessage("user", "zwei")])
    await store.remember_language(session.id, "fr")
    await store.remember_language(session.id, None)
    assert (await store.get_session(session.id)).language == "fr"
    history = await store.history(session.id, 10)
    assert [(m.role, m.text) for m in history] == [("user", "Hallo"), ("bot", "Hi"), ("user", "zwei")]
    assert history[1].buttons == [{"title": "A", "payload": "/a"}]
    assert [m.text for m in await store.history(session.id, 2)] == ["Hi", "zwei"]
    await store.forget(session.id)
    assert await store.history(session.id, 10) == []
    assert await store.get_session("no-such-session") is None


async def test_delete_session_ends_the_conversation(store):
    """The widget's "new conversation": the old session and its history are gone, others stay."""
    session, other = await store.create_session("demo", "en"), await store.create_session("demo", "en")
    await store.append(session.id, [StoredMessage("user", "hello")])
    await store.delete_session(session.id)
    assert await store.get_session(session.id) is None
    assert await store.history(session.id, 10) == []
    assert await store.get_session(other.id) == other


async def test_two_gateways_share_one_postgresql(postgres):
    first, second = PostgresChatStore(postgres.url), PostgresChatStore(postgres.url)
    await first.open()
    await second.open()
    try:
        session = await first.create_session("demo", "en")
        await second.append(session.id, [StoredMessage("user", "from the second gateway")])
        assert [m.text for m in await first.history(session.id, 5)] == ["from the second gateway"]
    finally:
        await first.close()
        await second.close()


async def test_postgresql_outage_is_store_unavailable_then_recovers(postgres):
    store = PostgresChatStore(postgres.url)
    await store.open()
    try:
        session = await store.create_session("demo", "en")
        with stopped(postgres):
            with pytest.raises(StoreUnavailable):
                await store.get_session(session.id)
            with pytest.raises(StoreUnavailable):
                await store.append(session.id, [StoredMessage("user", "lost")])
        assert await store.get_session(session.id) == session  # the first request after the restart
        assert await store.history(session.id, 5) == []
    finally:
        await store.close()


async def test_postgresql_keeps_only_a_hash_of_the_session_id_and_migrates_plain_ones(postgres):
    """The session id is the visitor's credential: a database dump must not hold it (as in SQLite)."""
    import asyncpg

    store = PostgresChatStore(postgres.url)
    await store.open()
    try:
        session = await store.create_session("demo", "en")
        await store.append(session.id, [StoredMessage("user", "hello")])
        db = await asyncpg.connect(postgres.url)
        try:
            assert await db.fetchval("SELECT count(*) FROM web_sessions WHERE id = $1", session.id) == 0
            assert (
                await db.fetchval("SELECT count(*) FROM web_sessions WHERE id = $1", stored_key(session.id))
                == 1
            )
            # A row as an older gateway wrote it, with the plain id:
            plain = "plain-session-id-0123456789abcdef"
            await db.execute(
                "INSERT INTO web_sessions (id, site, language, created, last_seen) VALUES ($1, 'demo', 'de', 0, 0)",
                plain,
            )
            await db.execute(
                "INSERT INTO web_messages (session_id, role, text, created) VALUES ($1, 'user', 'alt', 0)",
                plain,
            )
            migrated = PostgresChatStore(postgres.url)
            await migrated.open()
            try:
                assert (await migrated.get_session(plain)).language == "de"
                assert [m.text for m in await migrated.history(plain, 5)] == ["alt"]
                assert await db.fetchval("SELECT count(*) FROM web_sessions WHERE id = $1", plain) == 0
            finally:
                await migrated.close()
        finally:
            await db.close()
    finally:
        await store.close()
