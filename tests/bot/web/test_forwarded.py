"""Who counts as one visitor for the per-IP limits: X-Forwarded-For only from trusted proxies, read
from the right; IPv6 per /64."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError
from bot.web.settings import WebSettings


async def openapi(client, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return (await client.get("/api/v1/openapi.json", headers=headers)).status


async def test_without_trusted_proxies_the_header_is_ignored(api):
    client = await api(WIDGET_RATE_IP="2/minute")
    assert await openapi(client, "198.51.100.1") == 200
    assert await openapi(client, "198.51.100.2") == 200
    assert await openapi(client, "198.51.100.3") == 429  # all three are the peer, 127.0.0.1


async def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(api):
    client = await api(WIDGET_RATE_IP="1/minute", WIDGET_TRUSTED_PROXIES="127.0.0.1")
    assert await openapi(client, "198.51.100.1") == 200
    assert await openapi(client, "198.51.100.2") == 200
    assert await openapi(client, "198.51.100.1") == 429


async def test_forged_hops_left_of_the_visitor_do_not_reset_the_limit(api):
    client = await api(WIDGET_RATE_IP="1/minute", WIDGET_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert await openapi(client, "1.1.1.1, 203.0.113.9, 10.0.0.2") == 200
    # The visitor writes anything on the left; the right-most hop our proxies did not add is the same.
    assert await openapi(client, "9.9.9.9, 203.0.113.9, 10.0.0.2") == 429
    assert await openapi(client, "not-an-ip, 203.0.113.9") == 429


async def test_ipv6_visitors_are_limited_per_64(api):
    client = await api(WIDGET_RATE_IP="1/minute", WIDGET_TRUSTED_PROXIES="127.0.0.1")
    assert await openapi(client, "2001:db8:1:2::1") == 200
    assert await openapi(client, "2001:db8:1:2:ffff::7") == 429  # the same /64
    assert await openapi(client, "2001:db8:1:3::1") == 200  # the next /64 is someone else


def test_trusted_proxies_are_validated_and_the_old_switch_is_refused():
    assert (
        len(WebSettings.from_env({"WIDGET_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8, ::1"}).trusted_proxies)
        == 3
    )
    with pytest.raises(SettingsError, match="WIDGET_TRUSTED_PROXIES"):
        WebSettings.from_env({"WIDGET_TRUSTED_PROXIES": "proxy.internal"})
    with pytest.raises(SettingsError, match="WIDGET_TRUSTED_PROXIES"):
        WebSettings.from_env({"WIDGET_TRUST_FORWARDED": "1"})
