"""Turns Rasa's replies into Telegram messages: HTML-escaped text split under the length limit,
and Rasa buttons as inline keyboards whose callback data always fits Telegram's 64 bytes."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterable, MutableMapping

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.rasa_client import Button

TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH - 1  # strictly under 4096, counted as Telegram does
CALLBACK_LIMIT = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # 64 bytes in UTF-8
MAX_STORED_BUTTONS = 256  # per chat; older short ids expire

PAYLOAD_PREFIX = "p:"  # the Rasa payload itself, when it is short plain ASCII
SHORT_ID_PREFIX = "k:"  # a short id mapped to the payload in the chat's button store
LANGUAGE_PREFIX = "l:"  # a language from the /language keyboard

_SENTENCE_END = re.compile(r"(?<=[.!?。！？…])\s+|(?<=[。！？])")
_WORD_GAP = re.compile(r"(?<=\s)")


def escape(text: str) -> str:
    """Every user or KB text goes through here, so nothing can open a tag in HTML parse mode."""
    return html.escape(text, quote=False)


def telegram_length(text: str) -> int:
    """Telegram counts UTF-16 code units; escaped length is an upper bound of the parsed length."""
    return len(escape(text).encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Splits on paragraphs, then sentences, then words, cutting hard only inside a giant word."""
    text = text.strip()
    if telegram_length(text) <= limit:
        return [text] if text else []
    pieces = list(_pieces(text, limit))
    return [chunk.strip() for chunk in _pack(pieces, limit) if chunk.strip()]


def _pieces(text: str, limit: int) -> Iterable[str]:
    """Yields pieces that each fit, keeping their trailing separator so packing restores them."""
    for paragraph in re.split(r"(?<=\n\n)", text):
        if telegram_length(paragraph) <= limit:
            yield paragraph
            continue
        for sentence in _keep_split(_SENTENCE_END, paragraph):
            if telegram_length(sentence) <= limit:
                yield sentence
                continue
            for word in _keep_split(_WORD_GAP, sentence):
                yield from _hard_cut(word, limit)


def _keep_split(pattern: re.Pattern[str], text: str) -> list[str]:
    """Splits after each match, leaving the separator on the left piece."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        if match.end() > start:
            parts.append(text[start : match.end()])
            start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part]


def _hard_cut(word: str, limit: int) -> Iterable[str]:
    chunk = ""
    for char in word:
        if telegram_length(chunk + char) > limit:
            yield chunk
            chunk = ""
        chunk += char
    if chunk:
        yield chunk


def _pack(pieces: list[str], limit: int) -> Iterable[str]:
    chunk = ""
    for piece in pieces:
        if chunk and telegram_length(chunk + piece) > limit:
            yield chunk
            chunk = ""
        chunk += piece
    if chunk:
        yield chunk


def callback_data(payload: str, store: MutableMapping[str, str]) -> str:
    """Short ASCII payloads travel as they are; long or non-Latin ones get a short id."""
    direct = PAYLOAD_PREFIX + payload
    if payload.isascii() and len(direct) <= CALLBACK_LIMIT:
        return direct
    short_id = secrets.token_urlsafe(6)
    store[short_id] = payload
    while len(store) > MAX_STORED_BUTTONS:
        store.pop(next(iter(store)))
    return SHORT_ID_PREFIX + short_id


def resolve_callback(data: str, store: MutableMapping[str, str]) -> str | None:
    """The Rasa payload behind a button, or None when it is unknown or has expired."""
    if data.startswith(PAYLOAD_PREFIX) and len(data) > len(PAYLOAD_PREFIX):
        return data[len(PAYLOAD_PREFIX) :]
    if data.startswith(SHORT_ID_PREFIX):
        return store.get(data[len(SHORT_ID_PREFIX) :])
    return None


def keyboard(buttons: Iterable[Button], store: MutableMapping[str, str]) -> InlineKeyboardMarkup:
    """One button per row: titles in the eight languages vary too much in width to pair them."""
    rows = [[_button(button, store)] for button in buttons]
    return InlineKeyboardMarkup(rows)


def _button(button: Button, store: MutableMapping[str, str]) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        button.title or button.payload, callback_data=callback_data(button.payload, store)
    )


def language_keyboard(names: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The /language keyboard, two languages per row, each in its own script."""
    buttons = [InlineKeyboardButton(name, callback_data=LANGUAGE_PREFIX + code) for code, name in names]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
