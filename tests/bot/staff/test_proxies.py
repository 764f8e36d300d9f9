"""The console behind a reverse proxy: the login rate limit counts the client the chat API would
count (X-Forwarded-For only from WIDGET_TRUSTED_PROXIES, right-most untrusted hop, IPv6 per /64),
and "auto" makes the cookie Secure when a trusted proxy says the browser came over https."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError
from bot.staff.settings import StaffSettings
from tests.bot.staff.conftest import ADMIN, ADMIN_PASSWORD


async def login(client, forwarded: str | None = None, proto: str | None = None, password: str = "wrong!"):
    headers = {}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    if proto:
        headers["X-Forwarded-Proto"] = proto
    return await client.post(
        "/staff/api/v1/login", json={"user": ADMIN, "password": password}, headers=headers
    )


async def test_without_trusted_proxies_the_forwarded_header_is_ignored(start):
    client = await start(STAFF_LOGIN_RATE="2/minute")
    assert (await login(client, "198.51.100.1")).status == 401
    assert (await login(client, "198.51.100.2")).status == 401
    assert (await login(client, "198.51.100.3")).status == 429  # all three are the peer, 127.0.0.1


async def test_behind_a_trusted_proxy_each_client_has_its_own_login_limit(start):
    client = await start(STAFF_LOGIN_RATE="1/minute", WIDGET_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert (await login(client, "198.51.100.1")).status == 401
    assert (await login(client, "198.51.100.2")).status == 401  # another client behind the same proxy
    assert (await login(client, "198.51.100.1")).status == 429
    # hops left of the client are the client's own writing: forging them does not reset its limit
    assert (await login(client, "9.9.9.9, 198.51.100.2, 10.0.0.2")).status == 429
    assert (await login(client, "2001:db8:1:2::1")).status == 401
    assert (await login(client, "2001:db8:1:2:ffff::7")).status == 429  # the same IPv6 /64


async def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(start):
    client = await start(WIDGET_TRUSTED_PROXIES="127.0.0.1")
    resp = await login(client, "198.51.100.1", proto="https", password=ADMIN_PASSWORD)
    assert resp.status == 200 and "Secure" in resp.headers["Set-Cookie"]
    resp = await login(client, "198.51.100.1", proto="http", password=ADMIN_PASSWORD)
    assert resp.status == 200 and "Secure" not in resp.headers["Set-Cookie"]


async def test_a_forwarded_proto_from_an_untrusted_peer_is_ignored(start):
    client = await start()  # no trusted proxies: the header is anyone's writing
    resp = await login(client, proto="https", password=ADMIN_PASSWORD)
    assert resp.status == 200 and "Secure" not in resp.headers["Set-Cookie"]


def test_the_trusted_proxies_are_validated_for_the_console_too():
    assert len(StaffSettings.from_env({"WIDGET_TRUSTED_PROXIES": "127.0.0.1, ::1"}).trusted_proxies) == 2
    with pytest.raises(SettingsError, match="WIDGET_TRUSTED_PROXIES"):
        StaffSettings.from_env({"WIDGET_TRUSTED_PROXIES": "proxy.internal"})
