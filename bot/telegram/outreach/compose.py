"""Checks a broadcast before it is queued, against Telegram's limits: text length, the HTML subset
Telegram accepts (balanced, allowed tags, http(s)/tg links only), languages, topics, start code, time.

Every problem is a ComposeError naming the field (and language) so the console can say exactly what
to fix instead of Telegram refusing 200 messages later. The check parses the text the way Telegram's
HTML mode does (every `<` opens a tag, so comments, `<!DOCTYPE>` and a bare `<` are refused; only
`&lt; &gt; &amp; &quot;` and numeric entities are decoded) and re-serializes what it parsed, so the
console's preview shows what subscribers will see and never passes the staff's raw markup to a page.
"""

from __future__ import annotations

import html
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
ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "blockquote": {"expandable"}}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}  # the only ones Telegram decodes
LINK_SCHEMES = ("http", "https", "tg")
MAX_DELAY = 90 * 86400


class ComposeError(ValueError):
    def __init__(self, code: str, field: str, language: str | None = None, **params: Any) -> None:
        super().__init__(f"{code}: {field} {language or ''}")
        self.code, self.field, self.language, self.params = code, field, language, params


class _TelegramHtml(HTMLParser):
    """Counts visible characters and checks tags the way Telegram's HTML parse mode does; `safe`
    collects the same message rebuilt from what was parsed (allowed tags, escaped text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.length = 0
        self.open: list[str] = []
        self.problem: str | None = None
        self.safe: list[str] = []

    def _refuse(self, what: str) -> None:
        self.problem = self.problem or what

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self._refuse(f"<{tag}>")
            return
        allowed = ATTRIBUTES.get(tag, set())
        if any(name not in allowed for name, _ in attrs):
            self._refuse(f"<{tag} {attrs[0][0]}>")
        values = dict(attrs)
        if tag == "a" and urlsplit(values.get("href") or "").scheme not in LINK_SCHEMES:
            self._refuse("<a href>")
        if tag == "span" and values.get("class") != "tg-spoiler":
            self._refuse("<span>")
        self.open.append(tag)
        shown = "".join(
            f' {name}="{html.escape(value, quote=True)}"' if value is not None else f" {name}"
            for name, value in attrs
            if name in allowed
        )
        self.safe.append(f"<{tag}{shown}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._refuse(f"<{tag}/>")  # Telegram reads "b/" as the tag's name

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self._refuse(f"</{tag}>")
            return
        self.open.pop()
        self.safe.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if "<" in data:
            self._refuse("<")  # Telegram reads every "<" as the start of a tag: write &lt;
        self._text(data)

    def handle_entityref(self, name: str) -> None:
        self._text(NAMED_ENTITIES.get(name, f"&{name};"))  # Telegram shows unknown ones as written

    def handle_charref(self, name: str) -> None:
        try:
            code = int(name[1:], 16) if name[:1] in "xX" else int(name)
            self._text(chr(code))
        except (ValueError, OverflowError):
            self._text(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._refuse("<!--")

    def handle_decl(self, decl: str) -> None:
        self._refuse("<!")

    def unknown_decl(self, data: str) -> None:
        self._refuse("<!")

    def handle_pi(self, data: str) -> None:
        self._refuse("<?")

    def _text(self, text: str) -> None:
        self.length += len(text)
        self.safe.append(html.escape(text, quote=False))


@dataclass(frozen=True)
class Checked:
    """A text Telegram will accept: `text` is sent; `html` is the same message rebuilt from the
    parse (safe to put in a page); `length` is what Telegram's limit counts."""

    text: str
    html: str
    length: int


def check_text(text: str, language: str) -> Checked:
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
    return Checked(text, "".join(parser.safe), parser.length)


@dataclass(frozen=True)
class Draft:
    texts: dict[str, str]
    fallback_to_en: bool
    topics: tuple[str, ...]
    start: str | None
    send_at: float | None


@dataclass(frozen=True)
class Review:
    """Everything wrong with a draft at once, so the console can show each problem beside its field
    (and a text's preview while another language still has an error)."""

    texts: dict[str, Checked]  # the languages whose text Telegram will accept
    errors: list[ComposeError]  # in the order of the form: texts (en first), topics, start, time
    draft: Draft | None  # when there are no errors


def review(body: dict[str, Any], now: float | None = None) -> Review:
    """The request of POST broadcasts (or the compose form) checked field by field."""
    errors: list[ComposeError] = []
    checked: dict[str, Checked] = {}
    raw = body.get("texts")
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raw = {}
        errors.append(ComposeError("bad_field", "texts"))
    texts = {lang: text for lang, text in raw.items() if text.strip()}
    if any(lang not in LANGUAGES for lang in texts):
        errors.append(ComposeError("bad_field", "texts"))
    elif "en" not in texts and not errors:
        errors.append(ComposeError("english_required", "texts", "en"))
    for lang in LANGUAGES:
        if lang in texts:
            try:
                checked[lang] = check_text(texts[lang], lang)
            except ComposeError as error:
                errors.append(error)
    topics = body.get("topics") or []
    if not isinstance(topics, list) or any(t not in TOPICS for t in topics):
        errors.append(ComposeError("bad_field", "topics"))
    start = body.get("start") or None
    if start is not None and (not isinstance(start, str) or start_codes.resolve(start).message == "/greet"):
        errors.append(ComposeError("bad_field", "start"))
    try:
        send_at = _send_at(body.get("send_at"), now)
    except ComposeError as error:
        errors.append(error)
    if errors:
        return Review(checked, errors, None)
    draft = Draft(
        {lang: c.text for lang, c in checked.items()},
        bool(body.get("fallback_to_en")),
        tuple(topics),
        start,
        send_at,
    )
    return Review(checked, errors, draft)


def check(body: dict[str, Any], now: float | None = None) -> Draft:
    """The draft, or the first problem as a ComposeError (the API answers one error at a time)."""
    result = review(body, now)
    if result.errors:
        raise result.errors[0]
    assert result.draft is not None
    return result.draft


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
