"""Checks a broadcast before it is queued, against Telegram's limits: text length, the HTML subset
Telegram accepts (balanced, allowed tags, http(s)/tg links only), languages, topics, start code, time.

Every problem is a ComposeError naming the field (and language) so the console can say exactly what
to fix instead of Telegram refusing 200 messages later.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from bot import start_codes
from bot.i18n import LANGUAGES
from bot.telegram.outreach.store import TOPICS

MAX_LENGTH = 4096  # characters of a message's text after entity parsing
ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "tg-spoiler",
    "blockquote",
    "span",
}
LINK_SCHEMES = ("http", "https", "tg")
MAX_DELAY = 90 * 86400


class ComposeError(ValueError):
    def __init__(self, code: str, field: str, language: str | None = None, **params: Any) -> None:
        super().__init__(f"{code}: {field} {language or ''}")
        self.code, self.field, self.language, self.params = code, field, language, params


class _TelegramHtml(HTMLParser):
    """Counts visible characters and checks tags the way Telegram's HTML parse mode does."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.length = 0
        self.open: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problem = self.problem or f"<{tag}>"
            return
        allowed = {"a": {"href"}, "span": {"class"}, "code": {"class"}}.get(tag, set())
        if any(name not in allowed for name, _ in attrs):
            self.problem = self.problem or f"<{tag} {attrs[0][0]}>"
        if tag == "a" and urlsplit(dict(attrs).get("href") or "").scheme not in LINK_SCHEMES:
            self.problem = self.problem or "<a href>"
        if tag == "span" and dict(attrs).get("class") != "tg-spoiler":
            self.problem = self.problem or "<span>"
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problem = self.problem or f"</{tag}>"
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.length += len(data)


def check_text(text: str, language: str) -> str:
    text = text.strip()
    if not text:
        raise ComposeError("empty_text", "texts", language)
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.problem or parser.open:
        raise ComposeError("bad_html", "texts", language, tag=parser.problem or f"<{parser.open[-1]}>")
    if parser.length > MAX_LENGTH:
        raise ComposeError("too_long", "texts", language, length=parser.length, limit=MAX_LENGTH)
    return text


@dataclass(frozen=True)
class Draft:
    texts: dict[str, str]
    fallback_to_en: bool
    topics: tuple[str, ...]
    start: str | None
    send_at: float | None


def check(body: dict[str, Any], now: float | None = None) -> Draft:
    """The request of POST broadcasts (or the compose form) as a Draft, or a ComposeError."""
    raw = body.get("texts")
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ComposeError("bad_field", "texts")
    texts = {lang: text for lang, text in raw.items() if text.strip()}
    if any(lang not in LANGUAGES for lang in texts):
        raise ComposeError("bad_field", "texts")
    if "en" not in texts:
        raise ComposeError("english_required", "texts", "en")
    texts = {lang: check_text(texts[lang], lang) for lang in LANGUAGES if lang in texts}
    topics = body.get("topics") or []
    if not isinstance(topics, list) or any(t not in TOPICS for t in topics):
        raise ComposeError("bad_field", "topics")
    start = body.get("start") or None
    if start is not None and (not isinstance(start, str) or start_codes.resolve(start).message == "/greet"):
        raise ComposeError("bad_field", "start")
    return Draft(
        texts, bool(body.get("fallback_to_en")), tuple(topics), start, _send_at(body.get("send_at"), now)
    )


def _send_at(value: Any, now: float | None) -> float | None:
    """None = now; else a Unix time in the future (at most 90 days ahead)."""
    if value in (None, ""):
        return None
    now = time.time() if now is None else now
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not now - 60 <= value <= now + MAX_DELAY
    ):
        raise ComposeError("bad_field", "send_at")
    return float(value)
