"""Shared gateway fixtures: a fake Rasa server and Settings pointing at it."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from tests.bot.fake_rasa import FakeRasa


@pytest.fixture
async def fake_rasa(aiohttp_server):
    fake = FakeRasa()
    fake.echo()
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    return fake


@pytest.fixture
def settings(fake_rasa, tmp_path) -> Settings:
    return Settings.from_env(
        {"RASA_URL": fake_rasa.url, "RASA_TIMEOUT": "2", "ADVISOR_DATA_DIR": str(tmp_path / "var")}
    )
