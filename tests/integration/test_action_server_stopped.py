"""Fault injection: the real action server stopped with SIGSTOP behind the real Rasa.

A stopped process still accepts connections and never answers, so Rasa waits for its action call and
the gateway's RASA_TIMEOUT is what stands between the visitor and silence. The launcher
(scripts/services.py) writes each service's pid to `$ADVISOR_DATA_DIR/run/<name>.pid`.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from bot.app import create_app
from bot.settings import Settings

SITE, ORIGIN = "acme", "https://acme.example"
RASA_TIMEOUT = 8
GERMAN_UNAVAILABLE = "Entschuldigung, der Berater ist vorübergehend nicht erreichbar"


def action_server_pid() -> int:
    run_dir = Path(os.environ.get("ADVISOR_DATA_DIR", "var")) / "run"
    return int((run_dir / "actions.pid").read_text())


@pytest.fixture
async def client(aiohttp_client, tmp_path):
    env = {
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        "ACTION_SERVER_PORT": os.environ.get("ACTION_SERVER_PORT", "5055"),
        "RASA_TIMEOUT": str(RASA_TIMEOUT),
        "ADVISOR_DATA_DIR": str(tmp_path),
        "WIDGET_SITES": f"{SITE}={ORIGIN}",
    }
    return await aiohttp_client(create_app(Settings.from_env(env)))


async def chat(client, session: str, text: str):
    return await client.post(
        "/api/v1/chat",
        json={"session_id": session, "text": text, "language": "de"},
        headers={"Origin": ORIGIN},
    )


async def answered_within(client, session: str, text: str, attempts: int) -> bool:
    for _ in range(attempts):
        if (await chat(client, session, text)).status == 200:
            return True
    return False


async def test_a_stopped_action_server_gives_the_localized_unavailable_message_in_time_then_recovers(client):
    created = await client.post(
        "/api/v1/session", json={"site": SITE, "language": "de"}, headers={"Origin": ORIGIN}
    )
    session = (await created.json())["session_id"]
    # Both texts answered before the fault, so the turns after it measure recovery, not a cold first
    # use (right after start-up on a busy machine a first turn can take longer than RASA_TIMEOUT).
    for text in ("Was sagt Maßnahme 9?", "Hallo"):
        assert await answered_within(client, session, text, attempts=6), text
    assert (await client.get("/readyz")).status == 200
    group = action_server_pid()  # the launcher starts each service in its own process group
    os.killpg(group, signal.SIGSTOP)
    try:
        started = time.monotonic()
        stopped = await chat(client, session, "Hallo")
        elapsed = time.monotonic() - started
        assert stopped.status == 503
        assert (await stopped.json())["error"]["message"].startswith(GERMAN_UNAVAILABLE)
        assert elapsed < RASA_TIMEOUT + 5, elapsed
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert await ready.json() == {"ready": False, "rasa": "up", "action_server": "down"}
    finally:
        os.killpg(group, signal.SIGCONT)
    answered = await chat(client, session, "Was sagt Maßnahme 9?")
    assert answered.status == 200, await answered.text()
    body = await answered.json()
    assert body["language"] == "de" and "§9" in "\n".join(m["text"] or "" for m in body["messages"])
    assert (await client.get("/readyz")).status == 200
