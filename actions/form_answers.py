"""Reads form answers (interests, sector, involvement, country, name, e-mail) from free text."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from actions.kb import query
from common.scripts import HAN, KANA, chars

INVOLVEMENT_FILE = Path(__file__).parent / "data" / "involvement.yml"
FRAMING_FILE = Path(__file__).parent / "data" / "answer_framing.yml"
MAX_FREE_TEXT = 80
# Pragmatic address check: one @, no spaces, a dotted domain with a 2+ letter top level.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
_NO_SPACES = chars(HAN, KANA)  # Chinese and Japanese put no space after a word
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


def ref_id(ref: str | None, kind: str) -> str | None:
    """The id of a `kind:id` button entity when it is of the expected kind."""
    if ref and ref.startswith(f"{kind}:"):
        return ref.split(":", 1)[1]
    return None


def parse_interests(text: str, ref: str | None, known: list[str]) -> list[str]:
    """Interest tags named by a button (`interest:history`) or in the text (any language)."""
    tag = ref_id(ref, "interest")
    if tag in known:
        return [tag]
    return [tag for tag in query.parse_tags(text, "route") if tag in known]


def parse_sectors(text: str, ref: str | None, known: list[str]) -> list[str]:
    """Sector tags named by a button (`sector:film_media`) or in the text."""
    tag = ref_id(ref, "sector")
    if tag in known:
        return [tag]
    return [tag for tag in query.parse_tags(text, "opening") if tag in known]


@lru_cache(maxsize=1)
def involvement_words() -> dict[str, dict[str, list[str]]]:
    """Involvement id -> language -> words, from data/involvement.yml."""
    words: dict[str, dict[str, list[str]]] = yaml.safe_load(INVOLVEMENT_FILE.read_text(encoding="utf-8"))
    return words


def involvement_ids() -> list[str]:
    return list(involvement_words())


def parse_involvement(text: str, ref: str | None) -> str | None:
    """The way of taking part: a button, "the second one", or words in any of the languages."""
    ids = involvement_ids()
    chosen = ref_id(ref, "involvement")
    if chosen in ids:
        return chosen
    named = parse_involvement_words(text)
    if named:
        return named
    number = query.parse_ordinal(text)
    return ids[number - 1] if number and 1 <= number <= len(ids) else None


def parse_involvement_words(text: str) -> str | None:
    """The way of taking part named in words ("buy shares", "入股"), in any of the languages."""
    lowered = (text or "").lower()
    for ident in involvement_ids():
        if any(word in lowered for words in involvement_words()[ident].values() for word in words):
            return ident
    return None


def clean_free_text(text: str) -> str | None:
    """A short free answer (a country, a name): trimmed, with letters, not a command or an address."""
    value = " ".join((text or "").split())
    if not value or value.startswith("/") or len(value) > MAX_FREE_TEXT or not _LETTER.search(value):
        return None
    return value


def parse_country(text: str) -> str | None:
    """The country from "I'm from Germany" / "我来自德国": the answer without its framing."""
    return clean_free_text(unframe(text, "country"))


def parse_name(text: str) -> str | None:
    """A person's name ("my name is Anna" -> Anna): no digits, no e-mail address."""
    value = clean_free_text(unframe(text, "name"))
    if value is None or "@" in value or any(ch.isdigit() for ch in value):
        return None
    return value


def _ends_a_word(value: str, prefix: str) -> bool:
    """The prefix is a whole phrase ("soy" must not cut "Soyeon"); CJK needs no space after it."""
    rest = value[len(prefix) :]
    return not rest or not rest[0].isalnum() or bool(_NO_SPACES.match(prefix[-1]))


@lru_cache(maxsize=1)
def _framing() -> dict[str, dict[str, list[str]]]:
    """Lead-in and trailing words per kind of answer, longest first."""
    data = yaml.safe_load(FRAMING_FILE.read_text(encoding="utf-8"))
    return {
        side: {kind: sorted(words, key=len, reverse=True) for kind, words in kinds.items()}
        for side, kinds in data.items()
    }


def unframe(text: str, kind: str) -> str:
    """Strips one lead-in ("I'm from") and one trailing phrase ("から来ました") and end punctuation."""
    value = " ".join((text or "").split()).strip(" .!。！")
    lowered = value.lower()
    for prefix in _framing()["prefixes"].get(kind, []):
        if lowered.startswith(prefix) and _ends_a_word(value, prefix):
            value = value[len(prefix) :].strip(" ,:")
            break
    for suffix in _framing()["suffixes"].get(kind, []):
        if value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)].strip()
            break
    return value or " ".join((text or "").split())


def parse_email(text: str) -> str | None:
    """The first well-formed e-mail address in the text ("my email is a@b.com")."""
    found = _EMAIL.search(text or "")
    if not found or len(found.group(0)) > 254:
        return None
    return found.group(0)
