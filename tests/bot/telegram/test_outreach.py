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
from bot.staff.accounts import Accounts
from bot.telegram import i18n
from bot.telegram.outreach.compose import ComposeError, check_text
from bot.telegram.outreach.store import TOPICS, SQLiteOutreach
from tests.bot.staff.conftest import ADMIN, VIEWER, VIEWER_PASSWORD, api_login, make_accounts
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
        "created_by": "ada",
        "send_at": progress["send_at"],
        "sent": 197,
        "failed": 3,
        "blocked": 3,
        "skipped": 0,
        "cancelled": 0,
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
    [reply] = await exchange(bot_api, text_update(4242, "/subscribe", language_code="de"))  # again
    assert [b["text"][:1] for b in keyboard_of(reply)][:3] == ["⬜", "✅", "✅"]  # the choice is kept
    assert store.db.run_sync("SELECT topics FROM subscribers") == [("routes,measures",)]
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


def link_own_chat(data_dir: Path, chat_id: int = 777) -> None:
    accounts = Accounts(data_dir / "staff.sqlite3")
    accounts.db.open_sync()
    accounts.set_telegram_sync(ADMIN, chat_id)
    accounts.db.close_sync()


async def test_send_to_me_first_in_my_language_or_a_chosen_one(start, bot_api, data_dir):
    link_own_chat(data_dir)
    client = await start()
    token = await api_login(client)
    headers = {"X-CSRF-Token": token, "Accept-Language": "zh-CN"}
    texts = {"en": "<b>News</b>", "zh": "<b>新闻</b>"}
    resp = await client.post("/staff/api/v1/broadcasts/test", json={"texts": texts}, headers=headers)
    assert await resp.json() == {"sent_to": 777, "language": "zh"}  # the console's language
    [call] = bot_api.called("sendMessage")
    assert call.params["text"] == "<b>新闻</b>"
    assert keyboard_of(call)[-1]["text"] == i18n.t("outreach_stop", "zh")

    body = {"texts": texts, "language": "de"}  # no German text and no fallback: nothing to show
    resp = await client.post("/staff/api/v1/broadcasts/test", json=body, headers=headers)
    assert resp.status == 400
    assert (await resp.json())["error"]["message"].startswith("Deutsch订阅者将收不到任何消息")
    body["fallback_to_en"] = True  # what German subscribers would get: English, German buttons
    resp = await client.post("/staff/api/v1/broadcasts/test", json=body, headers=headers)
    assert (await resp.json())["language"] == "de"
    call = bot_api.called("sendMessage")[-1]
    assert call.params["text"] == "<b>News</b>"
    assert keyboard_of(call)[-1]["text"] == i18n.t("outreach_stop", "de")


async def test_preview_checks_every_language_at_once_and_shows_only_what_it_parsed(start):
    client = await start()
    token = await api_login(client)
    texts = {
        "en": "a &lt;script&gt; <b>bold</b> &amp; <i>more</i>",
        "ru": "<b>bold",
        "de": "<b onclick=x>x</b>",
    }
    body = {"texts": texts, "start": "nonsense", "fallback_to_en": True}
    resp = await client.post("/staff/api/v1/broadcasts/preview", json=body, headers={"X-CSRF-Token": token})
    answer = await resp.json()
    assert answer["ok"] is False
    assert [(e["field"], e["language"]) for e in answer["errors"]] == [
        ("texts", "ru"),
        ("texts", "de"),
        ("start", None),
    ]
    english = answer["languages"]["en"]
    assert english["html"] == "a &lt;script&gt; <b>bold</b> &amp; <i>more</i>"
    assert (english["length"], english["count"]) == (22, "22 of 4096 characters")
    assert english["buttons"] == [i18n.t("outreach_stop", "en")]  # no button for a bad start code
    assert answer["languages"]["ru"]["state"] == "error" and answer["languages"]["ru"]["html"] == ""
    assert "uses <b onclick>," in answer["languages"]["de"]["error"]
    assert answer["languages"]["zh"]["state"] == "fallback"  # zh subscribers get the English text
    assert answer["languages"]["zh"]["html"] == english["html"]
    viewer = await start()
    token = await api_login(viewer, VIEWER, VIEWER_PASSWORD)
    resp = await viewer.post("/staff/api/v1/broadcasts/preview", json=body, headers={"X-CSRF-Token": token})
    assert resp.status == 403


async def test_a_cancelled_scheduled_broadcast_sends_nothing(start, bot_api, data_dir):
    subscribe_many(data_dir, 3)
    client = await start()
    token = await api_login(client)
    scheduled = await broadcast(client, token, send_at=time.time() + 1.5)
    cancel = f"/staff/api/v1/broadcasts/{scheduled}/cancel"
    assert (await client.post(cancel)).status == 403  # no CSRF token
    resp = await client.post(cancel, headers={"X-CSRF-Token": token})
    assert resp.status == 200 and (await resp.json())["state"] == "cancelled"
    await asyncio.sleep(2.5)  # past its time
    assert bot_api.called("sendMessage") == []
    progress = await (await client.get(f"/staff/api/v1/broadcasts/{scheduled}")).json()
    assert (progress["state"], progress["sent"], progress["left"]) == ("cancelled", 0, 0)
    resp = await client.post(cancel, headers={"X-CSRF-Token": token, "Accept-Language": "zh"})
    assert resp.status == 409
    assert (await resp.json())["error"]["message"] == f"推送 {scheduled} 已无法取消（状态：已取消）。"
    resp = await client.post("/staff/api/v1/broadcasts/99/cancel", headers={"X-CSRF-Token": token})
    assert resp.status == 404 and (await resp.json())["error"]["message"] == "There is no broadcast 99."
    viewer = await start()
    token = await api_login(viewer, VIEWER, VIEWER_PASSWORD)
    assert (await viewer.post(cancel, headers={"X-CSRF-Token": token})).status == 403


async def test_cancelling_a_broadcast_while_it_is_sent_stops_it(start, bot_api, data_dir):
    subscribe_many(data_dir, 30)
    client = await start(OUTREACH_MAX_PER_SECOND="5")
    token = await api_login(client)
    broadcast_id = await broadcast(client, token)
    await bot_api.wait_for("sendMessage", 5, timeout=10)
    resp = await client.post(
        f"/staff/api/v1/broadcasts/{broadcast_id}/cancel", headers={"X-CSRF-Token": token}
    )
    assert resp.status == 200
    await asyncio.sleep(0.5)  # a message already handed to Telegram may still arrive
    sent = len(bot_api.called("sendMessage"))
    await asyncio.sleep(1.5)
    assert len(bot_api.called("sendMessage")) == sent < 30  # and nothing after that
    progress = await (await client.get(f"/staff/api/v1/broadcasts/{broadcast_id}")).json()
    assert progress["state"] == "cancelled"
    assert (progress["sent"], progress["cancelled"], progress["left"]) == (sent, 30 - sent, 0)


@pytest.mark.parametrize(
    "text, refused",
    [
        ("<!--><img src=x onerror=alert(1)>-->", "<!--"),  # a browser would run the <img>
        ("<!DOCTYPE html>hi", "<!"),
        ("<?xml?>hi", "<?"),
        ("1 < 2", "<"),  # Telegram reads every < as a tag: it must be &lt;
        ("<b/>bold", "<b/>"),
        ('<a href="javascript:alert(1)">x</a>', "<a href>"),
        ("<i>x</b>", "</b>"),
    ],
)
def test_the_html_check_refuses_what_telegram_refuses(text, refused):
    with pytest.raises(ComposeError) as caught:
        check_text(text, "en")
    assert caught.value.code == "bad_html" and caught.value.params["tag"] == refused


def test_the_html_check_counts_and_rebuilds_what_telegram_shows():
    checked = check_text(
        " 1 &lt; 2 &amp;&amp; <b>x</b> &#x1F600; &nbsp;<blockquote expandable>q</blockquote> ", "en"
    )
    assert checked.text.startswith("1 &lt; 2")  # sent as written, only trimmed like Telegram trims
    assert checked.html == "1 &lt; 2 &amp;&amp; <b>x</b> 😀 &amp;nbsp;<blockquote expandable>q</blockquote>"
    assert checked.length == len("1 < 2 && x 😀 &nbsp;q")


async def test_the_compose_page_and_its_checks_speak_chinese(start):
    client = await start()
    token = await api_login(client)
    page = await (await client.get("/staff/outreach?lang=zh")).text()
    assert 'role="tablist" aria-labelledby="texts-h"' in page and page.count('role="tab"') == 8
    assert "先把Deutsch消息发给我" in page and "0 / 4096 个字符" in page and "取消" not in page
    body = {"texts": {"en": "Hi", "ru": "1 < 2"}}
    resp = await client.post("/staff/api/v1/broadcasts/preview", json=body, headers={"X-CSRF-Token": token})
    answer = await resp.json()  # the session remembers the console language
    assert answer["languages"]["ru"]["error"] == "Русский文本使用了 Telegram 不接受的 <（或有标签未闭合）。"
    assert answer["languages"]["de"]["note"].startswith("此语言的订阅者什么也收不到")
    resp = await client.post(
        "/staff/outreach",
        data={"csrf": token, "text_en": "", "text_zh": "<b>你好", "action": "preview", "tab": "zh"},
    )
    page = await resp.text()
    assert resp.status == 400 and '<a href="#text-en" data-tab-of="text-en">英文文本为必填项。</a>' in page
    assert page.count("中文文本使用了 Telegram 不接受的 &lt;b&gt;") == 2  # beside the text and in the summary
