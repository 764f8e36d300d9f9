"""The widget script, its stylesheet and the demo page as the gateway serves them."""

from __future__ import annotations

import html

from bot.i18n import LANGUAGES


async def test_widget_script_carries_every_language_and_is_small(api):
    client = await api(WIDGET_MAX_TEXT="700")
    resp = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert resp.status == 200 and resp.content_type == "text/javascript"
    script = await resp.text()
    assert "__ADVISOR_" not in script
    assert "maxlength: String(MAX_TEXT)" in script and "var MAX_TEXT = 700;" in script
    for lang in LANGUAGES:
        assert f'"{lang}":{{' in script
    assert "innerHTML" not in script and "eval(" not in script
    assert len(script.encode()) < 40_000
    cached = await client.get("/widget.js", headers={"If-None-Match": resp.headers["ETag"]})
    assert cached.status == 304


async def test_demo_page_shows_the_exact_snippet_in_the_requested_language(api):
    client = await api()
    base = f"http://{client.server.host}:{client.server.port}"
    snippet = f'<script src="{base}/widget.js" data-site="demo" async></script>'
    page = await (await client.get("/?lang=ko")).text()
    assert '<html lang="ko">' in page
    assert html.escape(snippet) in page  # shown to copy
    assert snippet in page  # and used by the page itself
    assert "웹사이트에 추가하기" in page


async def test_demo_page_lists_the_supported_languages_for_data_lang(api):
    client = await api()
    assert f"Language: {', '.join(LANGUAGES)}, or auto" in await (await client.get("/?lang=en")).text()
    assert f"言語：{'、'.join(LANGUAGES)}、または" in await (await client.get("/?lang=ja")).text()


async def test_demo_page_follows_accept_language_and_sends_a_strict_csp(api):
    client = await api(WIDGET_PUBLIC_URL="https://advisor.example")
    resp = await client.get("/", headers={"Accept-Language": "es-MX,es;q=0.8"})
    page = await resp.text()
    assert '<html lang="es">' in page
    assert html.escape('<script src="https://advisor.example/widget.js"') in page
    assert "'unsafe-inline'" not in resp.headers["Content-Security-Policy"]
