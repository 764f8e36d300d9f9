"""Fixtures that run the real gateway app with PTB against a fake Bot API and a fake Rasa."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.telegram.fake_bot_api import FakeBotApi

WEBHOOK_SECRET = "s3cret-Token_42"

StartGateway = Callable[..., Awaitable[Any]]


@pytest.fixture
async def bot_api(aiohttp_server) -> FakeBotApi:
    fake = FakeBotApi()
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def start_gateway(bot_api, fake_rasa, aiohttp_client, tmp_path) -> StartGateway:
    """Starts create_app(...) with Telegram pointed at the fakes and its stores (analytics, outreach)
    in a temporary data folder; extra env vars override."""

    async def start(**env: str) -> Any:
        base = {
            "ADVISOR_DATA_DIR": str(tmp_path / "var"),
            "RASA_URL": fake_rasa.url,
            "RASA_TIMEOUT": "1",
            "TELEGRAM_BOT_TOKEN": bot_api.token,
            "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
        }
        return await aiohttp_client(create_app(Settings.from_env({**base, **env})))

    return start


@pytest.fixture
async def polling(start_gateway) -> Any:
    return await start_gateway()


@pytest.fixture
async def webhook(start_gateway) -> Any:
    return await start_gateway(
        TELEGRAM_WEBHOOK_URL="https://advisor.example.org/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
