"""The widget's script and stylesheet, and the demo page at `/` with the snippet to copy."""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web

from bot.i18n import LANGUAGES, NATIVE_NAMES, normalize_language
from bot.keys import ASSETS, WEB_SETTINGS
from bot.web import i18n
from bot.web.guards import accept_language
from bot.web.settings import WebSettings

STATIC = Path(__file__).parent / "static"
OPTIONS = ("site", "lang", "title", "accent", "position", "start")


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    etag: str

    @classmethod
    def of(cls, body: bytes, content_type: str) -> "Asset":
        return cls(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


@dataclass(frozen=True)
class Assets:
    """Built once at start-up: the widget script carries every language's strings inline."""

    script: Asset
    stylesheet: Asset
    demo: Template
    demo_script: Asset
    demo_stylesheet: Asset

    @classmethod
    def build(cls, settings: WebSettings) -> "Assets":
        strings = {
            lang: {
                **i18n.prefixed("widget_", lang),
                "language_name": NATIVE_NAMES[lang],
            }
            for lang in LANGUAGES
        }
        script = (STATIC / "widget.js").read_text(encoding="utf-8")
        script = script.replace("__ADVISOR_MAX_TEXT__", str(settings.max_text))
        script = script.replace(
            "__ADVISOR_STRINGS__", json.dumps(strings, ensure_ascii=False, separators=(",", ":"))
        )
        return cls(
            script=Asset.of(script.encode("utf-8"), "text/javascript"),
            stylesheet=Asset.of((STATIC / "widget.css").read_bytes(), "text/css"),
            demo=Template((STATIC / "demo.html").read_text(encoding="utf-8")),
            demo_script=Asset.of((STATIC / "demo.js").read_bytes(), "text/javascript"),
            demo_stylesheet=Asset.of((STATIC / "demo.css").read_bytes(), "text/css"),
        )


def _serve(request: web.Request, asset: Asset) -> web.Response:
    headers = {"ETag": asset.etag, "Cache-Control": "public, max-age=300"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    response = web.Response(
        body=asset.body, content_type=asset.content_type, charset="utf-8", headers=headers
    )
    response.enable_compression()
    return response


async def widget_js(request: web.Request) -> web.Response:
    return _serve(request, request.app[ASSETS].script)


async def widget_css(request: web.Request) -> web.Response:
    return _serve(request, request.app[ASSETS].stylesheet)


async def demo_js(request: web.Request) -> web.Response:
    return _serve(request, request.app[ASSETS].demo_script)


async def demo_css(request: web.Request) -> web.Response:
    return _serve(request, request.app[ASSETS].demo_stylesheet)


def public_base(request: web.Request) -> str:
    return request.app[WEB_SETTINGS].public_url or f"{request.scheme}://{request.host}"


def snippet(request: web.Request, for_html: bool = False) -> str:
    """The embed line; for_html escapes its attribute values (the Host header is client-controlled)."""
    quote = html.escape if for_html else str
    site = request.app[WEB_SETTINGS].demo_site
    return f'<script src="{quote(public_base(request))}/widget.js" data-site="{quote(site)}" async></script>'


def content_security_policy(request: web.Request) -> str:
    sources = " ".join(dict.fromkeys(["'self'", request.app[WEB_SETTINGS].public_url]).keys()).strip()
    return (
        f"default-src {sources}; img-src {sources} https: data:; object-src 'none'; base-uri 'none';"
        " frame-ancestors 'none'"
    )


def _language_links(current: str) -> str:
    links = []
    for lang in LANGUAGES:
        name = html.escape(NATIVE_NAMES[lang])
        current_attr = ' aria-current="page"' if lang == current else ""
        links.append(f'<a href="?lang={lang}" lang="{lang}" hreflang="{lang}"{current_attr}>{name}</a>')
    return "\n".join(links)


def _option_rows(lang: str) -> str:
    """The widget's attributes explained; data-lang lists the supported languages (LANGUAGES, not a copy)."""
    codes = i18n.t("list_separator", lang).join(LANGUAGES)
    return "\n".join(
        f'<tr><th scope="row"><code>data-{name}</code></th>'
        f"<td>{html.escape(i18n.t('opt_' + name, lang, languages=codes))}</td></tr>"
        for name in OPTIONS
    )


async def demo_page(request: web.Request) -> web.Response:
    """The widget on a plain page, in the language of ?lang= or the browser, with the snippet."""
    lang = normalize_language(request.query.get("lang")) or accept_language(request) or "en"
    text = {k: html.escape(v) for k, v in i18n.prefixed("demo_", lang).items()}
    page = request.app[ASSETS].demo.substitute(
        lang=lang,
        snippet=html.escape(snippet(request)),
        raw_snippet=snippet(request, for_html=True),
        languages=_language_links(lang),
        options=_option_rows(lang),
        **text,
    )
    headers = {"Content-Security-Policy": content_security_policy(request)}
    return web.Response(text=page, content_type="text/html", headers=headers)
