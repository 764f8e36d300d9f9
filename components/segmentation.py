"""Script-aware word segmentation for the eight languages, with no downloaded models.

Chinese and Japanese are written without spaces and Korean attaches particles to words, so a
whitespace split would turn whole sentences into single "words". We split the text into runs by
script and hand each run to a segmenter made for it: jieba (Chinese), MeCab via fugashi with the
unidic-lite dictionary shipped in its wheel (Japanese; chosen when the message contains kana),
kiwipiepy (Korean), and a Unicode word pattern for the alphabetic languages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator, List, Tuple

from common.scripts import HAN, HANGUL, KANA, chars

Span = Tuple[str, int]  # (surface text, start offset)

_KANA = chars(KANA)
_HANGUL = HANGUL
_CJK = HAN + KANA  # Chinese and Japanese runs, for jieba or MeCab
_LETTERS = rf"[^\W_{_CJK}{_HANGUL}]"
_RUNS = re.compile(
    rf"(?P<cjk>[{_CJK}]+)|(?P<hangul>[{_HANGUL}]+(?:[\s]*[{_HANGUL}]+)*)|(?P<word>{_LETTERS}+(?:['’\-]{_LETTERS}+)*)"
)


@lru_cache(maxsize=1)
def _mecab():  # type: ignore[no-untyped-def]
    import fugashi

    return fugashi.Tagger()


@lru_cache(maxsize=1)
def _kiwi():  # type: ignore[no-untyped-def]
    from kiwipiepy import Kiwi

    return Kiwi()


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-cache chatter is not our log
    jieba.initialize()
    return jieba


def _jieba_spans(text: str, offset: int) -> Iterator[Span]:
    for word, start, _end in _jieba().tokenize(text):
        if word.strip():
            yield word, offset + start


def _mecab_spans(text: str, offset: int) -> Iterator[Span]:
    cursor = 0
    for word in _mecab()(text):
        surface = word.surface
        start = text.find(surface, cursor)
        if start < 0 or not surface.strip():
            continue
        cursor = start + len(surface)
        yield surface, offset + start


def _kiwi_spans(text: str, offset: int) -> Iterator[Span]:
    end_of_last = 0
    for token in _kiwi().tokenize(text):
        if token.start < end_of_last or token.len <= 0:
            continue  # contracted morphemes share a span; keep the first
        end_of_last = token.start + token.len
        surface = text[token.start : end_of_last]
        if surface.strip():
            yield surface, offset + token.start


def segment(text: str) -> List[Span]:
    """Words of `text` with their character offsets, segmented by each script's own rules."""
    japanese = bool(_KANA.search(text))
    spans: List[Span] = []
    for match in _RUNS.finditer(text):
        run, start = match.group(0), match.start()
        if match.lastgroup == "cjk":
            spans.extend(_mecab_spans(run, start) if japanese else _jieba_spans(run, start))
        elif match.lastgroup == "hangul":
            spans.extend(_kiwi_spans(run, start))
        else:
            spans.append((run, start))
    return spans
