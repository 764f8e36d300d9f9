"""Runs the Telegram connector against the real trained Rasa, for tests/integration.

tests/integration starts Rasa and the action server; there a test calls `telegram_turns(...)`
with its `aiohttp_client`/`aiohttp_server` fixtures and asserts on what the fake Bot API received.
"""

from __future__ import annotations

from typing import Any

from bot.app import create_app
from bot.settings import Settings
from tests.bot.telegram.fake_bot_api import FakeBotApi


async def telegram_turns(
    aiohttp_client: Any, aiohttp_server: Any, rasa_url: str, *turns: dict[str, Any], timeout: float = 30.0
) -> FakeBotApi:
    """Feeds each update by polling and waits for at least one reply to each; returns the fake."""
    bot_api = FakeBotApi()
    server = await aiohttp_server(bot_api.app())
    env = {
        "RASA_URL": rasa_url,
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_BASE_URL": str(server.make_url("/bot")),
    }
    await aiohttp_client(create_app(Settings.from_env(env)))
    for turn in turns:
        before = len(bot_api.called("sendMessage"))
        bot_api.push_update(turn)
        await bot_api.wait_for("sendMessage", before + 1, timeout=timeout)
    return bot_api
