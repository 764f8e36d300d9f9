"""End-to-end fixtures: the real trained Rasa and action server, started by scripts/run_tests.sh."""

from __future__ import annotations

import os
import uuid

import pytest

from bot.settings import Settings


@pytest.fixture
def rasa_settings() -> Settings:
    return Settings.from_env({"RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005")})


@pytest.fixture
def sender() -> str:
    return f"web:test-{uuid.uuid4().hex}"
