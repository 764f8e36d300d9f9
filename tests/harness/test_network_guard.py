"""The network guard (tests/network_guard.py, installed by tests/conftest.py), run in both environments:
a test reaches this machine only, and one that tries more fails even when the error is swallowed."""

from __future__ import annotations

import asyncio
import socket
import urllib.request

import pytest

from tests import network_guard
from tests.network_guard import BlockedNetworkCall

OUTSIDE = "192.0.2.1"  # TEST-NET-1 (RFC 5737): documentation only, never a real host


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "::ffff:127.0.0.1", "localhost", "LocalHost"]
)
def test_loopback_and_localhost_are_local(host):
    assert network_guard.is_local(host)


@pytest.mark.parametrize(
    "host",
    [
        OUTSIDE,
        "10.0.0.1",
        "192.168.1.1",
        "0.0.0.0",
        "::",
        "2001:db8::1",
        "example.org",
        "localhost.example.org",
        None,
    ],
)
def test_every_other_address_or_name_is_not(host):
    assert not network_guard.is_local(host)


def test_a_connection_beyond_loopback_is_refused_before_it_leaves():
    with socket.socket() as sock, pytest.raises(BlockedNetworkCall):
        sock.settimeout(1)
        sock.connect((OUTSIDE, 80))
    with socket.socket() as sock, pytest.raises(BlockedNetworkCall):
        sock.connect_ex((OUTSIDE, 443))
    assert network_guard.take_attempts() == [
        f"connect to {OUTSIDE} port 80",
        f"connect to {OUTSIDE} port 443",
    ]


def test_datagrams_and_name_lookups_beyond_this_machine_are_refused():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(BlockedNetworkCall):
        sock.sendto(b"x", (OUTSIDE, 53))
    with pytest.raises(BlockedNetworkCall):
        socket.getaddrinfo("api.telegram.org", 443)  # would ask a DNS server
    with pytest.raises(BlockedNetworkCall):
        socket.gethostbyname("example.org")
    assert network_guard.take_attempts() == [
        f"datagram to {OUTSIDE} port 53",
        "name lookup of 'api.telegram.org'",
        "name lookup of 'example.org'",
    ]


async def test_asyncio_connections_go_through_the_guard():
    with pytest.raises(BlockedNetworkCall):
        await asyncio.wait_for(asyncio.open_connection(OUTSIDE, 80), timeout=5)
    assert network_guard.take_attempts() == [f"connect to {OUTSIDE} port 80"]


def test_a_swallowed_refusal_still_fails_the_test():
    """Code under test that turns any network error into a reply must not hide the attempt."""
    try:
        urllib.request.urlopen(f"http://{OUTSIDE}/", timeout=1)
    except OSError:
        pass
    with pytest.raises(pytest.fail.Exception, match=f"connect to {OUTSIDE} port 80"):
        network_guard.fail_on_attempts()
    assert network_guard.take_attempts() == []


async def test_servers_on_loopback_are_reachable_by_address_and_by_localhost():
    async def echo(reader, writer):
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        for host in ("127.0.0.1", "localhost"):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(b"ping\n")
            assert await reader.readline() == b"ping\n"
            writer.close()
    finally:
        server.close()
        await server.wait_closed()
    assert network_guard.take_attempts() == []
