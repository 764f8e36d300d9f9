"""Telegram outreach against the fake Bot API: opt-in and out, and broadcasts to hundreds of
subscribers within Telegram's limits, with blocked users, a 429 and a restart in the middle."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.app import create_app
from bot.i18n import LANGUAGES
from bot.settings import Settings
from bot.telegram import i18n
from bot.telegram.outreach.store import TOPICS, SQLiteOutreach
from tests.bot.staff.conftest import VIEWER, VIEWER_PASSWORD, api_login, make_accounts
from tests.bot.telegram.helpers import exchange, keyboard_of
from tests.bot.telegram.updates import callback_update, text_update

TEXTS = {lang: f"<b>News</b> in {lang}: the festival opens (§9)" for lang in LANGUAGES}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "var"
    make_accounts(path)
    return path


@pytest.fixture
def start(aiohttp_client, bot_api, fake_rasa, data_dir):
    async def run(**env: str) -> Any:
        base = {
            "RASA_URL": fake_rasa.url,
            "RASA_TIMEOUT": "1",
            "ADVISOR_DATA_DIR": str(data_dir),
            "TELEGRAM_BOT_TOKEN": bot_api.token,
            "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
        }
        return await aiohttp_client(create_app(Settings.from_env({**base, **env})))

    return run


def subscribe_many(data_dir: Path, count: int, topics: tuple[str, ...] = TOPICS) -> dict[int, str]:
    """`count` subscribers spread over the eight languages, written as /subscribe would."""
    store = SQLiteOutreach(data_dir / "outreach.sqlite3")
    store.db.open_sync()
    chats = {10_000 + i: LANGUAGES[i % len(LANGUAGES)] for i in range(count)}
    for chat_id, language in chats.items():
        store.db.run_sync(
            "INSERT INTO subscribers VALUES (?, ?, ?, ?)", (chat_id, language, ",".join(topics), time.time())
        )
    store.db.close_sync()
    return chats


async def broadcast(client: Any, token: str, **body: Any) -> int:
    resp = await client.post(
        "/staff/api/v1/broadcasts", json={"texts": TEXTS, **body}, headers={"X-CSRF-Token": token}
    )
    assert resp.status == 201, await resp.text()
    return (await resp.json())["id"]


async def finished(client: Any, broadcast_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        progress = await (await client.get(f"/staff/api/v1/broadcasts/{broadcast_id}")).json()
        if progress["state"] == "done":
            return progress
        await asyncio.sleep(0.2)
    raise AssertionError(f"broadcast {broadcast_id} did not finish: {progress}")


def peak_per_window(times: list[float], window: float = 1.0) -> int:
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times)), default=0)


@pytest.mark.slow  # ~10 s: 200 chats paced at OUTREACH_MAX_PER_SECOND, with a 429 pause
async def test_two_hundred_subscribers_each_get_one_message_in_their_language(start, bot_api, data_dir):
    chats = subscribe_many(data_dir, 200)
    blocked = {10_003, 10_077, 10_150}
    bot_api.blocked_chats |= blocked
    bot_api.fail_next("sendMessage", 429, retry_after=1)
    client = await start()
    token = await api_login(client)
    progress = await finished(client, await broadcast(client, token, start="measure_9"))

    calls = bot_api.called("sendMessage")
    refused_429, delivered = calls[0], [c for c in calls[1:] if c.params["chat_id"] not in blocked]
    per_chat = Counter(c.params["chat_id"] for c in delivered)
    assert set(per_chat) == set(chats) - blocked and set(per_chat.values()) == {1}
    for call in delivered:
        language = chats[call.params["chat_id"]]
        assert call.params["text"] == TEXTS[language]
        buttons = keyboard_of(call)
        assert buttons[0]["url"] == "https://t.me/advisor_bot?start=measure_9"
        assert buttons[-1] == {"text": i18n.t("outreach_stop", language), "callback_data": "outreach:stop"}
    assert progress == {
        "id": 1,
        "state": "done",
        "sent": 197,
        "failed": 3,
        "blocked": 3,
        "skipped": 0,
        "left": 0,
    }
    assert peak_per_window([c.at for c in calls]) <= 25
    assert min(c.at for c in calls[1:]) - refused_429.at >= 1.0  # everyone waited out the 429
    counts = await (await client.get("/staff/api/v1/subscribers")).json()
    assert counts["total"] == 197  # the blocked chats were unsubscribed


async def test_two_broadcasts_back_to_back_keep_one_message_per_second_per_chat(start, bot_api, data_dir):
    subscribe_many(data_dir, 8)
    client = await start()
    token = await api_login(client)
    first, second = await broadcast(client, token), await broadcast(client, token)
    await finished(client, first)
    await finished(client, second)
    by_chat: dict[int, list[float]] = {}
    for call in bot_api.called("sendMessage"):
        by_chat.setdefault(call.params["chat_id"], []).append(call.at)
    assert all(len(times) == 2 and times[1] - times[0] >= 1.0 for times in by_chat.values())


async def test_topics_and_the_english_fallback_choose_the_recipients(start, bot_api, data_dir):
    subscribe_many(data_dir, 8, topics=("routes",))
    store = SQLiteOutreach(data_dir / "outreach.sqlite3")
    store.db.open_sync()
    store.db.run_sync("UPDATE subscribers SET topics = 'investment' WHERE chat_id = 10000")  # English speaker
    store.db.close_sync()
    client = await start()
    token = await api_login(client)
    texts = {"en": "Route news", "de": "Routen-Neuigkeiten"}
    resp = await client.post(
        "/staff/api/v1/broadcasts",
        json={"texts": texts, "topics": ["routes"]},
        headers={"X-CSRF-Token": token},
    )
    progress = await finished(client, (await resp.json())["id"])
    assert {c.params["chat_id"]: c.params["text"] for c in bot_api.called("sendMessage")} == {
        10_005: "Routen-Neuigkeiten"
    }
    assert progress["skipped"] == 6  # zh ru ja ko fr es without a text and no fallback
    resp = await client.post(
        "/staff/api/v1/broadcasts",
        json={"texts": texts, "topics": ["routes"], "fallback_to_en": True},
        headers={"X-CSRF-Token": token},
    )
    await finished(client, (await resp.json())["id"])
    assert len(bot_api.called("sendMessage")) == 1 + 7


async def test_a_restart_in_the_middle_resumes_without_duplicates(start, bot_api, data_dir):
    chats = subscribe_many(data_dir, 60)
    client = await start(OUTREACH_MAX_PER_SECOND="10")
    token = await api_login(client)
    broadcast_id = await broadcast(client, token)
    await bot_api.wait_for("sendMessage", 15, timeout=10)
    await client.close()  # the gateway stops: in-flight sends finish, the rest stays queued
    stopped_at = len(bot_api.called("sendMessage"))
    assert stopped_at < 60
    client = await start()
    await api_login(client)
    progress = await finished(client, broadcast_id)
    per_chat = Counter(c.params["chat_id"] for c in bot_api.called("sendMessage"))
    assert per_chat == Counter(dict.fromkeys(chats, 1))
    assert progress["sent"] == 60 and progress["left"] == 0


async def test_compose_errors_are_clear_and_viewers_cannot_send(start):
    client = await start()
    token = await api_login(client)
    cases = [
        ({"texts": {"de": "Hallo"}}, "The English text is required."),
        (
            {"texts": {"en": "<b>bold"}},
            "The English text uses <b>, which Telegram does not accept (or a tag is not closed).",
        ),
        ({"texts": {"en": "<script>x</script>"}}, "The English text uses <script>"),
        ({"texts": {"en": '<a href="javascript:alert(1)">x</a>'}}, "<a href>"),
        ({"texts": {"en": "x" * 4097}}, "The English text has 4097 characters; Telegram allows 4096."),
        ({"texts": {"en": "Hi"}, "start": "nonsense"}, "The field “start” is not valid."),
        ({"texts": {"en": "Hi"}, "topics": ["weather"]}, "The field “topics” is not valid."),
        ({"texts": {"en": "Hi"}, "send_at": time.time() + 400 * 86400}, "The field “send_at” is not valid."),
    ]
    for body, message in cases:
        resp = await client.post("/staff/api/v1/broadcasts", json=body, headers={"X-CSRF-Token": token})
        assert resp.status == 400 and message in (await resp.json())["error"]["message"], body
    resp = await client.post(
        "/staff/api/v1/broadcasts/test", json={"texts": {"en": "Hi"}}, headers={"X-CSRF-Token": token}
    )
    assert resp.status == 400 and "set-telegram ada" in (await resp.json())["error"]["message"]
    viewer = await start()
    token = await api_login(viewer, VIEWER, VIEWER_PASSWORD)
    resp = await viewer.post(
        "/staff/api/v1/broadcasts", json={"texts": {"en": "Hi"}}, headers={"X-CSRF-Token": token}
    )
    assert resp.status == 403


async def test_subscribe_toggle_and_stop_in_a_private_chat(start, bot_api, data_dir):
    client = await start()
    [reply] = await exchange(bot_api, text_update(4242, "/subscribe", language_code="de"))
    assert reply.params["text"] == i18n.t("subscribed", "de")
    assert [b["text"] for b in keyboard_of(reply)][:3] == ["✅ " + i18n.t(f"topic_{t}", "de") for t in TOPICS]
    bot_api.push_update(callback_update(4242, "sub:investment"))
    edits = await bot_api.wait_for("editMessageReplyMarkup")
    assert keyboard_of(edits[0])[0]["text"].startswith("⬜ ")
    store = SQLiteOutreach(data_dir / "outreach.sqlite3")
    store.db.open_sync()
    assert store.db.run_sync("SELECT language, topics FROM subscribers") == [("de", "routes,measures")]
    [reply] = await exchange(bot_api, callback_update(4242, "outreach:stop"))
    assert reply.params["text"] == i18n.t("unsubscribed", "de")
    assert store.db.run_sync("SELECT * FROM subscribers") == []
    [reply] = await exchange(bot_api, text_update(4242, "/unsubscribe", language_code="de"))
    assert reply.params["text"] == i18n.t("not_subscribed", "de")
    store.db.close_sync()
    assert client


async def test_only_a_groups_administrator_can_subscribe_it(start, bot_api):
    await start()
    [reply] = await exchange(bot_api, text_update(-500, "/subscribe", language_code="fr"))
    assert reply.params["text"] == i18n.t("admins_only", "fr")
    bot_api.admins.add(4243)  # the sender of group messages in tests/bot/telegram/updates.py
    [reply] = await exchange(bot_api, text_update(-500, "/subscribe", language_code="fr"))
    assert reply.params["text"] == i18n.t("subscribed", "fr")
