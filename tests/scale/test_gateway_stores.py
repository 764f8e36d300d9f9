"""The gateway on real PostgreSQL and Redis: shared history and rate limits across two gateways, and
an outage of either store answered with the localized "temporarily unavailable" (503), then recovery.
Rasa is the local fake here; tests/scale/test_faults.py does the same through the real assistant."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.settings import Settings, SettingsError
from tests.bot.fake_rasa import FakeRasa
from tests.scale.conftest import SENDER_KEY, stopped

ORIGIN = "https://acme.example"
UNAVAILABLE_DE = "vorübergehend nicht erreichbar"


@pytest.fixture
async def rasa_url(aiohttp_server):
    fake = FakeRasa()
    fake.echo()
    server = await aiohttp_server(fake.app())
    return str(server.make_url("")).rstrip("/")


@pytest.fixture
def gateway(aiohttp_client, rasa_url, postgres, redis, tmp_path):
    def settings(**env: str) -> Settings:
        return Settings.from_env(
            {
                "RASA_URL": rasa_url,
                "ADVISOR_DATA_DIR": str(tmp_path),
                "WIDGET_SITES": f"acme={ORIGIN}",
                "WIDGET_SENDER_KEY": SENDER_KEY,
                "DATABASE_URL": postgres.url,
                "REDIS_URL": redis.url,
                **env,
            }
        )

    async def start(**env: str):
        return await aiohttp_client(create_app(settings(**env)))

    start.settings = settings
    return start


async def new_session(client, language="de"):
    resp = await client.post(
        "/api/v1/session", json={"site": "acme", "language": language}, headers={"Origin": ORIGIN}
    )
    assert resp.status == 201, await resp.text()
    return (await resp.json())["session_id"]


async def chat(client, session, text):
    """A turn as a German visitor's browser sends it (the session's language is in the store, which
    may be the one that is down, so the localized error relies on Accept-Language then)."""
    headers = {"Origin": ORIGIN, "Accept-Language": "de-DE,de;q=0.9"}
    return await client.post("/api/v1/chat", json={"session_id": session, "text": text}, headers=headers)


async def test_a_conversation_continues_on_another_gateway(gateway):
    first, second = await gateway(), await gateway()
    session = await new_session(first)
    assert (await chat(first, session, "eins")).status == 200
    assert (await chat(second, session, "zwei")).status == 200
    history = await second.get(
        "/api/v1/history", headers={"Authorization": f"Bearer {session}", "Origin": ORIGIN}
    )
    assert [m["text"] for m in (await history.json())["messages"]] == [
        "eins",
        "echo: eins",
        "zwei",
        "echo: zwei",
    ]


async def test_rate_limits_are_counted_across_gateways(gateway):
    first, second = await gateway(WIDGET_RATE_SESSION="3/hour"), await gateway(WIDGET_RATE_SESSION="3/hour")
    session = await new_session(first)
    statuses = [(await chat(client, session, "hallo")).status for client in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]


@pytest.mark.parametrize("server", ["postgres", "redis"])
async def test_store_outage_is_temporarily_unavailable_then_recovers(gateway, request, server):
    client = await gateway()
    session = await new_session(client)
    assert (await chat(client, session, "eins")).status == 200
    with stopped(request.getfixturevalue(server)):
        resp = await chat(client, session, "zwei")
        body = await resp.json()
        assert (resp.status, body["error"]["code"]) == (503, "rasa")
        assert UNAVAILABLE_DE in body["error"]["message"]
    resp = await chat(client, session, "drei")
    assert resp.status == 200, await resp.text()
    history = await client.get(
        "/api/v1/history", headers={"Authorization": f"Bearer {session}", "Origin": ORIGIN}
    )
    assert [m["text"] for m in (await history.json())["messages"]] == [
        "eins",
        "echo: eins",
        "drei",
        "echo: drei",
    ]


async def test_a_gateway_with_another_sender_key_refuses_to_start(gateway):
    """Two keys on one database would split a visitor's conversation in two whenever requests
    alternate between gateways; the odd gateway stops at start-up with the reason, the others go on."""
    first = await gateway()
    odd = TestServer(
        create_app(gateway.settings(WIDGET_SENDER_KEY="another-key-of-at-least-32-characters-0"))
    )
    try:
        with pytest.raises(SettingsError, match="WIDGET_SENDER_KEY differs"):
            await odd.start_server()
    finally:
        await odd.close()  # as run_app does: what had started is shut down again
    assert await new_session(first)
    assert await new_session(await gateway())  # the first key still opens the door


def test_bad_store_urls_are_refused_at_start():
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        Settings.from_env({"DATABASE_URL": "mysql://x/y"})
    with pytest.raises(SettingsError, match="REDIS_URL"):
        Settings.from_env({"REDIS_URL": "localhost:6379"})
