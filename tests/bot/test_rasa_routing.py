"""Several Rasa instances behind one gateway: stable per sender, failover only when the message
certainly never arrived, against real local fake Rasa servers."""

from __future__ import annotations

import aiohttp
import pytest

from bot.rasa_client import RasaClient, RasaUnavailable
from tests.bot.fake_rasa import FakeRasa


@pytest.fixture
async def fakes(aiohttp_server):
    started = []
    for _ in range(3):
        fake = FakeRasa()
        fake.echo()
        server = await aiohttp_server(fake.app())
        fake.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
        started.append((fake, server))
    return started


async def test_each_sender_stays_on_one_instance_and_senders_spread(fakes):
    async with aiohttp.ClientSession() as session:
        client = RasaClient(session, [f.url for f, _ in fakes])
        for n in range(30):
            for _ in range(2):
                await client.send(f"web:{n}", "hi")
    counts = [len(f.received) for f, _ in fakes]
    assert sum(counts) == 60 and all(counts), counts
    for fake, _ in fakes:
        senders = [body["sender"] for body in fake.received]
        assert all(senders.count(s) == 2 for s in senders)  # both turns of a sender on the same one


async def test_a_stopped_instance_is_skipped_and_its_senders_move(fakes):
    async with aiohttp.ClientSession() as session:
        client = RasaClient(session, [f.url for f, _ in fakes], retry_after=600)
        home = client.route("web:x")[0].url
        fake, server = next((f, s) for f, s in fakes if f.url == home)
        await server.close()
        reply = await client.send("web:x", "still there?")
        assert reply[0].text == "echo: still there?"
        assert client.route("web:x")[0].url != home
        assert fake.received == []


async def test_an_instance_that_got_the_message_is_never_bypassed(fakes):
    """HTTP 503 (or a timeout) after sending: the turn may have run there, so no second instance sees it."""
    async with aiohttp.ClientSession() as session:
        client = RasaClient(session, [f.url for f, _ in fakes])
        home = client.route("web:y")[0].url
        failing = next(f for f, _ in fakes if f.url == home)
        failing.down = True
        with pytest.raises(RasaUnavailable):
            await client.send("web:y", "once")
        assert sum(len(f.received) for f, _ in fakes) == 1
        assert client.route("web:y")[0].url != home  # the next turn goes elsewhere
