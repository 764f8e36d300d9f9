"""Normalization and tokenization for eight languages: fold case and accents, stem, segment CJK."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any, Protocol

import snowballstemmer

from common.scripts import CJK, CYRILLIC, HAN, HANGUL, HANGUL_SYLLABLES, KANA, chars

MAX_CHARS = 2000  # longer input is cut: a question never needs more, and matching stays fast
STEM_LANGS = {"en": "english", "de": "german", "fr": "french", "es": "spanish", "ru": "russian"}
LATIN_LANGS = ("en", "de", "fr", "es")
WORD_RE = re.compile(r"[0-9a-z\u00c0-\u052f§]+(?:[.'’-][0-9a-z\u00c0-\u052f]+)*")
SPLIT_RE = re.compile(r"[-'’.]")
CJK_RE = chars(CJK)
HANGUL_RE = chars(HANGUL)
KANA_RE = chars(KANA)
HAN_RE = chars(HAN)
CYRILLIC_RE = chars(CYRILLIC)
HANGUL_WORD_RE = re.compile(f"[{HANGUL_SYLLABLES}]+")
LATIN_RE = re.compile(r"[a-z]")
SPACE_RE = re.compile(r"\s+")


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """Strip accents from Latin and Cyrillic letters only (NFKD would break Hangul and kana)."""
    if ord(char) >= 0x0530:
        return char
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def normalize(text: object) -> str:
    """Casefolded, width-normalized, accent-folded text, cut to MAX_CHARS; '' for non-strings."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold().replace("ё", "е")
    return text if text.isascii() else "".join(map(_fold_char, text))


def compact(text: str) -> str:
    """Normalized text without whitespace, for substring matching of CJK phrases."""
    return SPACE_RE.sub("", text)


def has_cjk(text: str) -> bool:
    """Whether the text contains Chinese, Japanese or Korean characters."""
    return bool(CJK_RE.search(text))


def words(normalized: str) -> list[str]:
    """Latin and Cyrillic word tokens of normalized text; hyphenated words are split."""
    return [part for token in WORD_RE.findall(normalized) for part in SPLIT_RE.split(token) if part]


def word_spans(normalized: str) -> list[tuple[int, int]]:
    """Character spans of the tokens `words` returns, in the same order."""
    spans = []
    for match in WORD_RE.finditer(normalized):
        offset = match.start()
        for part in SPLIT_RE.split(match.group()):
            if part:
                spans.append((offset, offset + len(part)))
            offset += len(part) + 1
    return spans


class _Stemmer(Protocol):
    """What is used of a snowballstemmer stemmer (the package has no type information)."""

    def stemWord(self, word: str) -> str: ...


@functools.lru_cache(maxsize=None)
def _stemmer(lang: str) -> _Stemmer:
    """A cached Snowball stemmer for one language."""
    stemmer: _Stemmer = snowballstemmer.stemmer(STEM_LANGS[lang])
    return stemmer


@functools.lru_cache(maxsize=65536)
def stem(token: str, lang: str) -> str:
    """Stem a token: Cyrillic always with Russian rules, Latin with `lang`'s (English by default)."""
    if CYRILLIC_RE.search(token):
        return _stemmer("ru").stemWord(token)
    if token.isdigit() or not LATIN_RE.search(token):
        return token
    return _stemmer(lang if lang in LATIN_LANGS else "en").stemWord(token)


def stemmed_words(normalized: str, lang: str) -> list[str]:
    """Word tokens stemmed with `lang`'s rules."""
    return [stem(token, lang) for token in words(normalized)]


def script_languages(text: str) -> tuple[str, ...]:
    """Languages the text's script allows: Hangul -> ko, kana -> ja, Han -> zh/ja, Cyrillic -> ru, Latin."""
    found: list[str] = []
    if HANGUL_RE.search(text):
        found.append("ko")
    if KANA_RE.search(text):
        found.append("ja")
    elif HAN_RE.search(text):
        found.extend(["zh", "ja"])
    if CYRILLIC_RE.search(text):
        found.append("ru")
    if LATIN_RE.search(text):
        found.extend(LATIN_LANGS)
    return tuple(found)


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:  # the jieba module; jieba has no type information
    """jieba, loaded on first use and quiet."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@functools.lru_cache(maxsize=1)
def _fugashi_tagger() -> Any:  # fugashi.Tagger; fugashi has no type information
    """A MeCab tagger with the unidic-lite dictionary, created on first use."""
    import fugashi

    return fugashi.Tagger()


JA_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "代名詞"}


def _zh_tokens(text: str) -> list[str]:
    """Chinese words from jieba (search mode), without one-character function words."""
    tokens = _jieba().lcut_for_search(text)
    return [t for t in tokens if HAN_RE.search(t) and (len(t) > 1 or t not in ZH_STOP)]


def _ja_tokens(text: str) -> list[str]:
    """Japanese content words (base forms) from MeCab/unidic."""
    tokens: list[str] = []
    for word in _fugashi_tagger()(text):
        if word.feature.pos1 in JA_CONTENT_POS and CJK_RE.search(word.surface):
            tokens.append(word.feature.orthBase or word.surface)
    return tokens


def _ko_tokens(text: str) -> list[str]:
    """Korean character bigrams inside words: robust to particles without a morphological model."""
    tokens: list[str] = []
    for chunk in HANGUL_WORD_RE.findall(text):
        tokens.extend(chunk[i : i + 2] for i in range(max(1, len(chunk) - 1)))
    return tokens


ZH_STOP = set("的了是在和与吗呢吧我你他她它们这那有个也就都要会对把被从给请问么啊")


def analyze(text: str, lang: str) -> list[str]:
    """Index terms of text in `lang`: stems for alphabetic scripts, segmented words for CJK."""
    normalized = normalize(text)
    terms = [t for t in stemmed_words(normalized, lang) if len(t) > 1 or t.isdigit()]
    if lang == "zh" and HAN_RE.search(normalized):
        terms.extend(_zh_tokens(normalized))
    elif lang == "ja" and CJK_RE.search(normalized):
        terms.extend(_ja_tokens(normalized))
    elif lang == "ko" and HANGUL_RE.search(normalized):
        terms.extend(_ko_tokens(normalized))
    return terms
