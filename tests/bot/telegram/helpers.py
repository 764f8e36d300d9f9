"""Small helpers shared by the connector's tests."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bot.telegram.fake_bot_api import Call, FakeBotApi


async def exchange(bot_api: FakeBotApi, update: dict[str, Any], replies: int = 1) -> list[Call]:
    """Pushes one update and returns the messages sent because of it."""
    before = len(bot_api.called("sendMessage"))
    bot_api.push_update(update)
    sent = await bot_api.wait_for("sendMessage", before + replies)
    return sent[before:]


async def settle(seconds: float = 0.3) -> None:
    """Gives the bot time to (wrongly) react, for tests that assert that nothing happens."""
    await asyncio.sleep(seconds)


def keyboard_of(call: Call) -> list[dict[str, Any]]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
