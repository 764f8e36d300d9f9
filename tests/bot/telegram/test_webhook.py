"""Webhook mode: the gateway's aiohttp app receives updates, only with Telegram's secret."""

from __future__ import annotations

import pytest

from tests.bot.telegram import updates
from tests.bot.telegram.conftest import WEBHOOK_SECRET
from tests.bot.telegram.helpers import settle

CHAT = 6262
HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def test_webhook_is_registered_with_the_secret_and_polling_is_off(webhook, bot_api):
    (call,) = bot_api.called("setWebhook")
    assert call.params["url"] == "https://advisor.example.org/telegram/webhook"
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert "message" in call.params["allowed_updates"] and "callback_query" in call.params["allowed_updates"]
    await settle(0.2)
    assert not bot_api.called("deleteWebhook")


async def test_update_with_the_secret_is_answered(webhook, bot_api, fake_rasa):
    resp = await webhook.post(
        "/telegram/webhook",
        json=updates.text_update(CHAT, "hola", language_code="es"),
        headers={HEADER: WEBHOOK_SECRET},
    )
    assert resp.status == 200
    sent = await bot_api.wait_for("sendMessage")
    assert sent[0].params["text"] == "echo: hola"
    assert fake_rasa.received[0]["sender"] == f"telegram:{CHAT}"
    assert fake_rasa.received[0]["metadata"]["language"] == "es"


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        ({}, None),
        ({HEADER: "wrong-secret"}, None),
        ({HEADER: WEBHOOK_SECRET[:-1]}, None),
        ({HEADER: WEBHOOK_SECRET, "Content-Type": "text/plain"}, "text"),
        ({HEADER: WEBHOOK_SECRET, "Content-Type": "application/x-www-form-urlencoded"}, "form"),
    ],
)
async def test_missing_or_wrong_secret_or_non_json_is_forbidden(webhook, bot_api, fake_rasa, headers, body):
    update = updates.text_update(CHAT, "let me in")
    if body is None:
        resp = await webhook.post("/telegram/webhook", json=update, headers=headers)
    else:
        import json

        resp = await webhook.post("/telegram/webhook", data=json.dumps(update), headers=headers)
    assert resp.status == 403
    await settle()
    assert fake_rasa.received == []
    assert not bot_api.called("sendMessage")


async def test_malformed_update_is_rejected_without_reaching_rasa(webhook, fake_rasa):
    headers = {HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
    for body in ("{not json", "[1, 2]", '{"message": {}}'):
        resp = await webhook.post("/telegram/webhook", data=body, headers=headers)
        assert resp.status == 400, body
    await settle()
    assert fake_rasa.received == []


async def test_redelivered_update_is_processed_once(webhook, bot_api, fake_rasa):
    update = updates.text_update(CHAT, "once please")
    for _ in range(2):
        resp = await webhook.post("/telegram/webhook", json=update, headers={HEADER: WEBHOOK_SECRET})
        assert resp.status == 200
    await bot_api.wait_for("sendMessage")
    await settle()
    assert len(fake_rasa.received) == 1


async def test_custom_webhook_path(start_gateway, bot_api, fake_rasa):
    client = await start_gateway(
        TELEGRAM_WEBHOOK_URL="https://advisor.example.org/hooks/tg-1",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        TELEGRAM_WEBHOOK_PATH="/hooks/tg-1",
    )
    assert (await client.post("/telegram/webhook", json={}, headers={HEADER: WEBHOOK_SECRET})).status == 404
    resp = await client.post(
        "/hooks/tg-1", json=updates.callback_update(CHAT, "p:/affirm"), headers={HEADER: WEBHOOK_SECRET}
    )
    assert resp.status == 200
    await bot_api.wait_for("sendMessage")
    assert fake_rasa.received[0]["message"] == "/affirm"


async def test_a_secret_header_that_is_not_utf8_is_refused_not_a_crash(webhook):
    from tests.bot.web.test_api import raw_request

    head = (
        b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe-s3cret"
    )
    assert await raw_request(webhook, head, b"{}") == 403
