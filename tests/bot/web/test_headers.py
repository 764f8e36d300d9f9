"""Issue 11, item 10: security headers on every gateway response, origins compared in one form."""

from __future__ import annotations

import pytest

from bot.web.settings import WebSettings
from tests.bot.web.test_api import history_of, new_session

PATHS = [
    "/",
    "/widget.js",
    "/widget.css",
    "/demo.js",
    "/healthz",
    "/api/v1/openapi.json",
    "/api/v1/history",
    "/no/such/page",
    "/api/v1/no-such-route",
]


@pytest.mark.parametrize("path", PATHS)
async def test_every_response_carries_the_security_headers(api, path):
    client = await api()
    resp = await client.get(path)
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"


async def test_the_demo_page_keeps_its_own_policy_and_cannot_be_framed(api):
    client = await api(WIDGET_PUBLIC_URL="https://advisor.example")
    csp = (await client.get("/")).headers["Content-Security-Policy"]
    assert csp.startswith("default-src 'self' https://advisor.example;")
    assert "frame-ancestors 'none'" in csp


async def test_the_chat_api_is_never_cached(api):
    client = await api()
    session = await new_session(client)
    resp = await history_of(client, session)
    assert resp.status == 200
    assert resp.headers["Cache-Control"] == "no-store"
    assert (await client.post("/api/v1/session", json={"site": "acme"})).headers[
        "Cache-Control"
    ] == "no-store"


def test_configured_origins_are_normalised_like_a_browser_sends_them():
    web = WebSettings.from_env(
        {
            "WIDGET_SITES": "a=HTTPS://Acme.Example:443/,http://b.example:80;idn=https://Bücher.example",
            "WIDGET_PUBLIC_URL": "https://Advisor.example:443",
        }
    )
    assert web.sites["a"] == ("https://acme.example", "http://b.example")
    assert web.sites["idn"] == ("https://xn--bcher-kva.example",)
    assert web.public_url == "https://advisor.example"


async def test_an_idn_site_is_allowed_from_the_origin_the_browser_sends(api):
    client = await api(WIDGET_SITES="idn=https://bücher.example:443")
    assert await new_session(client, site="idn", origin="https://xn--bcher-kva.example")
    resp = await client.post(
        "/api/v1/session", json={"site": "idn"}, headers={"Origin": "https://evil.example"}
    )
    assert resp.status == 403


async def test_a_request_origin_with_a_default_port_is_the_same_origin(api):
    client = await api()
    assert await new_session(client, origin="https://ACME.example:443")


@pytest.mark.parametrize("origin", ["null", "https://acme.example/path", "https://acme.example:99999"])
async def test_an_origin_header_that_is_no_origin_is_refused(api, origin):
    client = await api()
    resp = await client.post("/api/v1/session", json={"site": "acme"}, headers={"Origin": origin})
    assert resp.status == 403
