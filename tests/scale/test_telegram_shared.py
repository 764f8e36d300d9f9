"""Two Telegram gateways (webhook mode) sharing a real Redis: an update delivered to both is answered
once, a button sent by one is understood by the other, and a Redis outage is the localized
"temporarily unavailable" until Redis is back. Telegram and Rasa are the local fakes."""

from __future__ import annotations

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.fake_rasa import FakeRasa
from tests.bot.telegram import updates
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.helpers import keyboard_of, settle
from tests.scale.conftest import stopped

SECRET = "shared-Secret_1"
HEADER = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
CHAT = 4242
LONG_PAYLOAD = '/route_info{"item":"route:southern_silk_road"} — 南方丝绸之路'


@pytest.fixture
async def fakes(aiohttp_server):
    bot_api, rasa = FakeBotApi(), FakeRasa()
    rasa.echo()
    bot_api.url = str((await aiohttp_server(bot_api.app())).make_url("")).rstrip("/")
    rasa.url = str((await aiohttp_server(rasa.app())).make_url("")).rstrip("/")  # type: ignore[attr-defined]
    return bot_api, rasa


@pytest.fixture
def gateways(aiohttp_client, fakes, redis):
    bot_api, rasa = fakes

    async def start(count=2):
        settings = Settings.from_env(
            {
                "RASA_URL": rasa.url,
                "RASA_TIMEOUT": "2",
                "REDIS_URL": redis.url,
                "TELEGRAM_BOT_TOKEN": bot_api.token,
                "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
                "TELEGRAM_WEBHOOK_URL": "https://advisor.example.org/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
            }
        )
        return [await aiohttp_client(create_app(settings)) for _ in range(count)]

    return start


async def post(gateway, update):
    resp = await gateway.post("/telegram/webhook", json=update, headers=HEADER)
    assert resp.status == 200


async def test_an_update_delivered_to_two_gateways_is_answered_once(gateways, fakes):
    bot_api, rasa = fakes
    first, second = await gateways()
    update = updates.text_update(CHAT, "hallo")
    await post(first, update)
    await post(second, update)
    await bot_api.wait_for("sendMessage")
    await settle()
    assert [body["message"] for body in rasa.received] == ["hallo"]
    assert len(bot_api.called("sendMessage")) == 1


async def test_a_button_sent_by_one_gateway_works_on_the_other(gateways, fakes):
    bot_api, rasa = fakes
    first, second = await gateways()
    rasa.reply_with(
        {"text": "Welche Route?", "buttons": [{"title": "Südliche Seidenstraße", "payload": LONG_PAYLOAD}]}
    )
    await post(first, updates.text_update(CHAT, "Routen"))
    (sent,) = await bot_api.wait_for("sendMessage")
    (button,) = keyboard_of(sent)
    assert button["callback_data"].startswith("k:")  # a short id, not the payload itself
    rasa.echo()
    await post(second, updates.callback_update(CHAT, button["callback_data"]))
    await bot_api.wait_for("sendMessage", 2)
    assert rasa.received[-1]["message"] == LONG_PAYLOAD


async def test_redis_outage_is_temporarily_unavailable_then_recovers(gateways, fakes, redis):
    bot_api, rasa = fakes
    (gateway,) = await gateways(1)
    with stopped(redis):
        await post(gateway, updates.text_update(CHAT, "hallo", language_code="de"))
        (sent,) = await bot_api.wait_for("sendMessage")
        assert "vorübergehend nicht erreichbar" in sent.params["text"]
        assert rasa.received == []
    await post(gateway, updates.text_update(CHAT, "wieder da", language_code="de"))
    sent = await bot_api.wait_for("sendMessage", 2)
    assert sent[-1].params["text"] == "echo: wieder da"
