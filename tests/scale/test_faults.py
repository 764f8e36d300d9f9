"""Faults of a scaled-out deployment, each against the real servers: two real Rasa
instances with the trained model, the real action server, PostgreSQL and Redis, all started by the
test session, and the real gateway app in this process.

Nothing here measures time: "keeps its latency" is checked as "never waited for the dead instance"
(no conversation of the surviving instance got an error).
"""

from __future__ import annotations

import asyncio
import json
import re
import time

import pytest

from bot import keys
from bot.app import create_app
from bot.rasa_client import RasaUnavailable
from bot.settings import Settings
from bot.web.senders import sender_id
from tests.scale.conftest import SENDER_KEY, stopped

ORIGIN = "https://acme.example"
UNAVAILABLE = "temporarily unavailable"  # bot/i18n/en.yml rasa_unavailable
# Minutes each: the first test also starts the stack (two Rasa instances loading their model, up to
# stack.START_TIMEOUT = 300 s), turns may wait RASA_TIMEOUT (120 s), and (e) restarts the whole stack, which
# took over 10 minutes on a busy 2-core machine (README, "Tests").
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


@pytest.fixture
def gateway(aiohttp_client, stack, postgres, redis, tmp_path):
    """A gateway on the stack; `urls` pins it to some instances (default: all of them)."""

    async def start(urls=None):
        settings = Settings.from_env(
            {
                "RASA_URLS": ",".join(urls or stack.rasa_urls),
                # A generous bound: a crashed instance's lock on a conversation expires only after Rasa's
                # TICKET_LOCK_LIFETIME (60 s), and 20 queued turns of one conversation take a while here.
                "RASA_TIMEOUT": "120",
                "RASA_RETRY_AFTER": "600",
                "ADVISOR_DATA_DIR": str(tmp_path),
                "WIDGET_SITES": f"acme={ORIGIN}",
                "WIDGET_SENDER_KEY": SENDER_KEY,
                "WIDGET_RATE_SESSION": "1000/minute",
                "WIDGET_RATE_IP": "10000/minute",
                "WIDGET_RATE_NEW_SESSION": "1000/minute",
                "DATABASE_URL": postgres.url,
                "REDIS_URL": redis.url,
            }
        )
        return await aiohttp_client(create_app(settings))

    return start


async def new_session(client) -> str:
    resp = await client.post(
        "/api/v1/session", json={"site": "acme", "language": "en"}, headers={"Origin": ORIGIN}
    )
    assert resp.status == 201, await resp.text()
    return (await resp.json())["session_id"]


async def turn(client, session, text=None, payload=None):
    """(status, body) of one chat turn as the widget sends it."""
    body = {"session_id": session, **({"text": text} if text else {"payload": payload})}
    resp = await client.post("/api/v1/chat", json=body, headers={"Origin": ORIGIN, "Accept-Language": "en"})
    return resp.status, await resp.json()


def sender(session: str) -> str:
    """The Rasa sender id the gateways use for a web session (an HMAC of it, bot/web/senders.py)."""
    return sender_id(SENDER_KEY.encode("utf-8"), session)


def text_of(body) -> str:
    return "\n".join(m["text"] or "" for m in body["messages"])


def user_turns(postgres, sender: str) -> list[str]:
    """The user messages of one conversation as the shared tracker store holds them, in order."""
    rows = postgres.psql(
        f"SELECT data FROM events WHERE sender_id = '{sender}' AND type_name = 'user' ORDER BY id"
    )
    return [json.loads(line)["text"] for line in rows.splitlines() if line]


def event_types(postgres, sender: str) -> list[str]:
    rows = postgres.psql(f"SELECT type_name FROM events WHERE sender_id = '{sender}' ORDER BY id")
    return rows.split()


async def routes_listing(client, session):
    """Asks for the routes list; returns the second route's button title (what "the second one" means)."""
    status, body = await turn(client, session, "which cultural routes are there")
    assert status == 200, body
    buttons = [b for m in body["messages"] for b in m["buttons"] if b["payload"].startswith("/route_info")]
    assert len(buttons) >= 2, body
    return buttons[1]["title"]


def names_route(body, title: str) -> bool:
    """The answer is about that route: its title (without the numbering a list adds) and a citation."""
    core = re.sub(r"^\W*\d+[.)]\s*", "", title).split(" (")[0].strip().lower()
    text = text_of(body).lower()
    return core[:20] in text and "§" in text


# ---------------------------------------------------------------- (a) one conversation, two instances


async def test_a_twenty_concurrent_messages_over_two_instances_are_each_stored_once_in_order(
    gateway, stack, postgres
):
    """Two gateways, each pinned to one Rasa instance, send the 20 messages of one conversation at
    once (alternating): the Redis lock store orders them across the instances."""
    first, second = await gateway([stack.rasa_urls[0]]), await gateway([stack.rasa_urls[1]])
    session = await new_session(first)
    texts = [f"What does measure {n % 12 + 1} say? (message {n})" for n in range(20)]
    results = await asyncio.gather(
        *(turn(first if n % 2 == 0 else second, session, text) for n, text in enumerate(texts))
    )
    assert [status for status, _ in results] == [200] * 20, results
    assert all("§" in text_of(body) for _, body in results)
    stored = user_turns(postgres, sender(session))
    assert sorted(stored) == sorted(texts)  # each exactly once
    types = event_types(postgres, sender(session))
    user_positions = [i for i, kind in enumerate(types) if kind == "user"]
    for start, end in zip(user_positions, user_positions[1:] + [len(types)], strict=True):
        assert "bot" in types[start:end], "a turn was interleaved with the next one"
    history = await first.get(
        "/api/v1/history", headers={"Authorization": f"Bearer {session}", "Origin": ORIGIN}
    )
    users = [m["text"] for m in (await history.json())["messages"] if m["role"] == "user"]
    assert sorted(users) == sorted(texts)


# ---------------------------------------------------------------- (c) Redis, (d) PostgreSQL stopped


@pytest.mark.parametrize("server", ["redis", "postgres"])
async def test_cd_store_stopped_is_temporarily_unavailable_then_the_conversation_continues(
    gateway, stack, request, server
):
    store = request.getfixturevalue(server)
    client = await gateway()
    session = await new_session(client)
    second_route = await routes_listing(client, session)
    rasa = client.app[keys.RASA]
    with stopped(store):
        status, body = await turn(client, session, "the second one")
        assert status == 503 and UNAVAILABLE in body["error"]["message"], body
        # Behind the gateway's own stores, Rasa too refuses the turn rather than answering it on a
        # fresh conversation (its tracker or lock store is down): no reply, so no language marker.
        with pytest.raises(RasaUnavailable):
            await rasa.send(sender(session), "the second one", {"channel": "web", "language": "en"})
    status, body = await turn(client, session, "the second one")
    assert status == 200, body
    assert names_route(body, second_route), (second_route, body)


# ---------------------------------------------------------------- (b) an instance killed mid-traffic


async def test_b_instance_killed_mid_traffic(gateway, stack, postgres):
    client = await gateway()
    rasa = client.app[keys.RASA]
    sessions = [await new_session(client) for _ in range(8)]
    home = {s: rasa.route(sender(s))[0].url for s in sessions}
    victim_url = stack.rasa_urls[1]
    assert set(home.values()) == set(stack.rasa_urls), "the conversations should be spread over both"
    victim = next(s for s in stack.rasa if s.listen == victim_url)
    killed = asyncio.Event()
    outcomes: dict[str, list[int]] = {s: [] for s in sessions}

    async def converse(session):
        for n in range(6):
            if n == 2 and session == sessions[0]:
                stack.kill(victim)  # while the other conversations have turns in flight
                killed.set()
            status, body = await turn(client, session, f"What does measure {n + 1} say?")
            assert status == 200 or UNAVAILABLE in body["error"]["message"], body
            outcomes[session].append(status)

    try:
        await asyncio.gather(*(converse(s) for s in sessions))
    finally:
        if victim.exited() is not None:
            victim.start(stack.env, stack.supervisor.log_dir)
    assert killed.is_set()
    for session in sessions:
        assert outcomes[session][-1] == 200, "every conversation continues after the kill"
        if home[session] != victim_url:
            assert outcomes[session] == [200] * 6, (
                "conversations of the surviving instance never wait or fail"
            )
        else:
            assert outcomes[session].count(503) <= 1, "only the turn in flight at the kill may be lost"
        stored = user_turns(postgres, sender(session))
        assert len(stored) == len(set(stored)), f"a turn was answered twice: {stored}"
    stack.supervisor._wait_healthy(victim, time.monotonic() + 300)  # back for the next test


# ---------------------------------------------------------------- (e) the whole stack restarted


TRAFFIC_PAUSE = 2.0


async def test_e_whole_stack_restarted_mid_traffic(gateway, stack, postgres):
    client = await gateway()
    session, busy = await new_session(client), await new_session(client)
    second_route = await routes_listing(client, session)
    during: list[int] = []
    stop_traffic = asyncio.Event()

    async def traffic():
        # One turn every TRAFFIC_PAUSE seconds: enough to hit the window in which the stack is down, while
        # the busy conversation's tracker stays small (Rasa reads a whole tracker on every turn, so a
        # conversation of thousands of events would make each turn slower than the restart itself).
        n = 0
        while not stop_traffic.is_set():
            n += 1
            status, body = await turn(client, busy, f"What does measure {n % 12 + 1} say? ({n})")
            assert status == 200 or UNAVAILABLE in body["error"]["message"], body
            during.append(status)
            await asyncio.sleep(TRAFFIC_PAUSE)

    traffic_task = asyncio.create_task(traffic())
    try:
        await asyncio.to_thread(stack.supervisor.stop_all)
        assert (await client.get("/readyz")).status == 503
        restart = asyncio.create_task(asyncio.to_thread(stack.supervisor.start_all, 300))
        while (await client.get("/readyz")).status != 200:
            assert not restart.done() or restart.exception() is None
            await asyncio.sleep(0.5)
        # Ready means a model is loaded: the very next turn is answered, and "the second one" still
        # means the second route of the list shown before the restart.
        status, body = await turn(client, session, "the second one")
        assert status == 200, body
        assert names_route(body, second_route), (second_route, body)
        await restart
    finally:
        stop_traffic.set()
        await traffic_task
    assert 503 in during and during[-1] == 200
    stored = user_turns(postgres, sender(busy))
    assert len(stored) == len(set(stored)), "no turn of the restart window was stored twice"
