"""Rasa outages, Telegram rate limits and refusals, repeated updates, unexpected errors."""

from __future__ import annotations

import logging
import time

from bot.i18n import t as common_t
from bot.telegram import i18n
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange, settle

CHAT = 5151


async def test_rasa_down_gets_a_localized_notice_and_the_next_message_works(polling, bot_api, fake_rasa):
    fake_rasa.down = True
    sent = await exchange(bot_api, updates.text_update(CHAT, "Привет", language_code="ru"))
    assert sent[0].params["text"] == common_t("rasa_unavailable", "ru")
    fake_rasa.down = False
    sent = await exchange(bot_api, updates.text_update(CHAT, "Привет снова", language_code="ru"))
    assert sent[0].params["text"] == "echo: Привет снова"


async def test_slow_rasa_is_cut_off_within_rasa_timeout(polling, bot_api, fake_rasa):
    fake_rasa.delay = 3  # RASA_TIMEOUT is 1 s in these tests
    started = time.monotonic()
    sent = await exchange(bot_api, updates.text_update(CHAT, "hello", language_code="ko"))
    assert time.monotonic() - started < 2.5
    assert sent[0].params["text"] == common_t("rasa_unavailable", "ko")


async def test_telegram_429_is_retried_after_retry_after(polling, bot_api, fake_rasa):
    bot_api.fail_next("sendMessage", 429, retry_after=1)
    bot_api.push_update(updates.text_update(CHAT, "hello"))
    attempts = await bot_api.wait_for("sendMessage", 2, timeout=5)
    assert attempts[1].at - attempts[0].at >= 1.0
    assert attempts[0].params["text"] == attempts[1].params["text"] == "echo: hello"


async def test_blocked_bot_403_is_final_and_logged(polling, bot_api, fake_rasa, caplog):
    bot_api.blocked_chats.add(CHAT)
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        bot_api.push_update(updates.text_update(CHAT, "hello"))
        await bot_api.wait_for("sendMessage")
        await settle(0.5)
    assert len(bot_api.called("sendMessage")) == 1  # no retry, no error message into a closed chat
    assert any(
        "blocked" in record.getMessage() and str(CHAT) in record.getMessage() for record in caplog.records
    )


async def test_repeated_update_id_is_processed_once(polling, bot_api, fake_rasa):
    update = updates.text_update(CHAT, "only once")
    bot_api.push_update(update)
    bot_api.push_update(dict(update))
    await bot_api.wait_for("sendMessage")
    await settle()
    assert [b["message"] for b in fake_rasa.received] == ["only once"]
    assert len(bot_api.called("sendMessage")) == 1


async def test_unexpected_error_is_logged_and_the_user_gets_a_short_notice(
    polling, bot_api, fake_rasa, caplog
):
    bot_api.fail_next("sendMessage", 400)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        sent = await exchange(bot_api, updates.text_update(CHAT, "hello", language_code="zh"), replies=2)
    assert sent[1].params["text"] == i18n.t("internal_error", "zh")
    assert not any("Traceback" in c.params.get("text", "") for c in bot_api.called("sendMessage"))
    assert any(record.exc_info for record in caplog.records)
    sent = await exchange(bot_api, updates.text_update(CHAT, "still there?"))
    assert sent[0].params["text"] == "echo: still there?"


async def test_one_chat_waiting_on_rasa_does_not_block_another(polling, bot_api, fake_rasa):
    fake_rasa.echo()
    fake_rasa.delay = 0.6
    started = time.monotonic()
    bot_api.push_update(updates.text_update(CHAT, "one"))
    bot_api.push_update(updates.text_update(CHAT + 1, "two"))
    await bot_api.wait_for("sendMessage", 2)
    assert time.monotonic() - started < 1.1


async def test_messages_of_one_chat_are_relayed_one_after_the_other(polling, bot_api, fake_rasa):
    fake_rasa.echo()
    fake_rasa.delay = 0.5
    bot_api.push_update(updates.text_update(CHAT, "first"))
    bot_api.push_update(updates.text_update(CHAT, "second"))
    await settle(0.4)
    assert [b["message"] for b in fake_rasa.received] == ["first"]
    sent = await bot_api.wait_for("sendMessage", 2)
    assert [c.params["text"] for c in sent] == ["echo: first", "echo: second"]


async def test_a_turn_without_the_language_marker_is_never_silence(polling, bot_api, fake_rasa):
    """The action server down: Rasa answers `200 []`; the user still gets the localized message."""
    fake_rasa.reply_with(marker=False)
    sent = await exchange(bot_api, updates.text_update(CHAT, "Hallo zusammen", language_code="de"))
    assert sent[0].params["text"] == common_t("rasa_unavailable", "de")
    fake_rasa.echo()
    sent = await exchange(bot_api, updates.text_update(CHAT, "noch einmal", language_code="de"))
    assert sent[0].params["text"] == "echo: noch einmal"
