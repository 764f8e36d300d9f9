"""Telegram settings: validated at start-up with errors that name the variable; off without token."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.settings import Settings, SettingsError
from bot.telegram.settings import TelegramSettings

TOKEN = "123456:ABC-def_ghi"


def test_defaults_and_modes():
    assert not TelegramSettings.from_env({}).enabled
    polling = TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert polling.enabled and not polling.webhook_mode
    assert polling.base_url == "https://api.telegram.org/bot"
    assert polling.webhook_path == "/telegram/webhook"
    hook = TelegramSettings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_URL": "https://a.example/tg",
            "TELEGRAM_WEBHOOK_SECRET": "abc",
            "TELEGRAM_BOT_USERNAME": "@ShuAdvisorBot",
        }
    )
    assert hook.webhook_mode and hook.bot_username == "ShuAdvisorBot"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BASE_URL": "ftp://x"}, "TELEGRAM_BASE_URL"),
        ({"TELEGRAM_WEBHOOK_URL": "https://a.example/tg"}, "TELEGRAM_WEBHOOK_SECRET is required"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://a.example/tg", "TELEGRAM_WEBHOOK_SECRET": "has space"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"TELEGRAM_WEBHOOK_URL": "a.example/tg", "TELEGRAM_WEBHOOK_SECRET": "x"}, "TELEGRAM_WEBHOOK_URL"),
        (
            {
                "TELEGRAM_WEBHOOK_URL": "https://a.example/tg",
                "TELEGRAM_WEBHOOK_SECRET": "x",
                "TELEGRAM_WEBHOOK_PATH": "tg",
            },
            "TELEGRAM_WEBHOOK_PATH",
        ),
        ({"TELEGRAM_BOT_USERNAME": "a b"}, "TELEGRAM_BOT_USERNAME"),
        ({"TELEGRAM_MAX_RETRIES": "-1"}, "TELEGRAM_MAX_RETRIES"),
        ({"TELEGRAM_CONCURRENT_UPDATES": "0"}, "TELEGRAM_CONCURRENT_UPDATES"),
    ],
)
def test_bad_values_fail_with_the_variable_named(env, variable):
    with pytest.raises(SettingsError, match=variable):
        TelegramSettings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env})


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        TelegramSettings.from_env({}).token = TOKEN  # type: ignore[misc]


async def test_without_token_nothing_telegram_starts(aiohttp_client, bot_api, fake_rasa):
    env = {
        "RASA_URL": fake_rasa.url,
        "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
        "TELEGRAM_WEBHOOK_SECRET": "x",
    }
    client = await aiohttp_client(create_app(Settings.from_env(env)))
    resp = await client.post("/telegram/webhook", json={"update_id": 1})
    assert resp.status in (404, 405)
    assert bot_api.calls == []


async def test_rejected_token_stops_start_up_naming_the_variable_not_the_token(bot_api, fake_rasa):
    env = {
        "RASA_URL": fake_rasa.url,
        "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
        "TELEGRAM_BOT_TOKEN": "111:rejected-token",
    }
    app = create_app(Settings.from_env(env))
    server = TestServer(app)
    with pytest.raises(SettingsError, match="TELEGRAM_BOT_TOKEN") as caught:
        await server.start_server()
    await app.cleanup()  # what the process exit does in production: close what did start
    await server.close()
    assert "rejected-token" not in str(caught.value)
    assert [c.method for c in bot_api.calls] == []  # the fake answered 401 before recording
