"""Web channel fixtures: the real gateway app, a fake Rasa answering like the advisor, site config."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest

from bot.app import create_app
from bot.settings import Settings
from tests.bot.web.paper_rasa import PaperAdvisor

ACME = "https://acme.example"
OTHER = "https://other.example"
SITES = f"acme={ACME};other={OTHER};demo=http://127.0.0.1:9"


@pytest.fixture
def make_settings(fake_rasa, tmp_path) -> Callable[..., Settings]:
    """Settings for the gateway with the test sites; keyword arguments add environment variables."""
    fake_rasa.responder = PaperAdvisor()

    def build(**env: str) -> Settings:
        base = {
            "RASA_URL": fake_rasa.url,
            "RASA_TIMEOUT": "2",
            "ADVISOR_DATA_DIR": str(tmp_path),
            "WIDGET_SITES": SITES,
        }
        return Settings.from_env({**base, **env})

    return build


@pytest.fixture
def api(aiohttp_client, make_settings) -> Callable[..., Awaitable[Any]]:
    """A test client on the real gateway app; call with environment overrides."""

    async def start(**env: str) -> Any:
        return await aiohttp_client(create_app(make_settings(**env)))

    return start
