"""Search structures built once per knowledge base: phrase matchers (exact, stemmed, one-typo) and TF-IDF."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from . import text as tx
from .base import KnowledgeBase
from .model import TAG_GROUPS, Item

FUZZY_MIN_CHARS = 5  # shorter phrases must match exactly: one edit turns "road" into "rod"
FUZZY_MAX_TOKENS = 300  # typo matching looks at the first tokens only, to stay fast on long input
OUT_OF_SCOPE_REF = "fact:out_of_scope"


@dataclass(frozen=True)
class Hit:
    """One phrase found in the text: where (token or CJK character span) and how exactly."""

    payload: Any  # what the matcher maps the phrase to: an item ref, tag, language code, ordinal ...
    cjk: bool
    start: int
    end: int
    length: int
    fuzzy: bool


class Probe:
    """A text prepared once for all matchers: normalized, tokenized, stemmed per Latin language."""

    def __init__(self, raw: object) -> None:
        self.normalized = tx.normalize(raw)
        self.compact = tx.compact(self.normalized)
        self.tokens = tx.words(self.normalized)
        self.spans = tx.word_spans(self.normalized)
        self._stems: dict[str, list[str]] = {}

    def stems(self, lang: str) -> list[str]:
        """Tokens stemmed with `lang`'s rules, computed once."""
        if lang not in self._stems:
            self._stems[lang] = [tx.stem(token, lang) for token in self.tokens]
        return self._stems[lang]


def _stem_lang(lang: str) -> str:
    """The Snowball language used for a phrase written for `lang` (Latin words in CJK lists: English)."""
    return lang if lang in tx.LATIN_LANGS else "en"


class PhraseMatcher:
    """Finds known phrases in free text: CJK as substrings, other scripts as stemmed token runs or one typo away."""

    def __init__(self, entries: Iterable[tuple[str, str, Any]]) -> None:
        self._cjk: dict[str, set[Any]] = defaultdict(set)
        self._stemmed: dict[tuple[str, tuple[str, ...]], set[Any]] = defaultdict(set)
        self._fuzzy: dict[int, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
        for phrase, lang, payload in entries:
            self._add(phrase, lang, payload)
        self._sizes = sorted({len(key[1]) for key in self._stemmed})

    def _add(self, phrase: str, lang: str, payload: Any) -> None:
        """Index one phrase under its exact, stemmed and typo-tolerant forms."""
        normalized = tx.normalize(phrase)
        if tx.has_cjk(normalized):
            self._cjk[tx.compact(normalized)].add(payload)
            return
        tokens = tx.words(normalized)
        if not tokens:
            return
        stem_lang = _stem_lang(lang)
        self._stemmed[(stem_lang, tuple(tx.stem(t, stem_lang) for t in tokens))].add(payload)
        joined = " ".join(tokens)
        if len(joined.replace(" ", "")) >= FUZZY_MIN_CHARS:
            self._fuzzy[len(tokens)][joined].add(payload)

    def find(self, probe: Probe, fuzzy: bool = True) -> list[Hit]:
        """Every phrase occurrence in the probe text."""
        hits = self._find_cjk(probe) + self._find_stemmed(probe)
        if fuzzy:
            exact_spans = {(h.start, h.end) for h in hits if not h.cjk}
            hits += [h for h in self._find_fuzzy(probe) if (h.start, h.end) not in exact_spans]
        return hits

    def _find_cjk(self, probe: Probe) -> list[Hit]:
        """CJK phrases as substrings of the whitespace-free text."""
        hits = []
        for phrase, payloads in self._cjk.items():
            start = probe.compact.find(phrase)
            while start >= 0:
                hits += [Hit(p, True, start, start + len(phrase), len(phrase), False) for p in payloads]
                start = probe.compact.find(phrase, start + 1)
        return hits

    def _find_stemmed(self, probe: Probe) -> list[Hit]:
        """Runs of tokens whose stems equal a phrase's stems (same stemming language)."""
        hits = []
        for stem_lang in tx.LATIN_LANGS:
            stems = probe.stems(stem_lang)
            for size in self._sizes:
                for start in range(len(stems) - size + 1):
                    key = (stem_lang, tuple(stems[start : start + size]))
                    for payload in self._stemmed.get(key, ()):
                        length = sum(len(t) for t in probe.tokens[start : start + size])
                        hits.append(Hit(payload, False, start, start + size, length, False))
        return list({(h.payload, h.start, h.end): h for h in hits}.values())

    def _find_fuzzy(self, probe: Probe) -> list[Hit]:
        """Runs of tokens within one edit (insert, delete, substitute, swap) of a long enough phrase."""
        tokens = probe.tokens[:FUZZY_MAX_TOKENS]
        hits = []
        for size, phrases in self._fuzzy.items():
            windows = [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
            choices = list(phrases)
            for start, window in enumerate(windows):
                if len(window) < FUZZY_MIN_CHARS:
                    continue
                for phrase, distance, _ in process.extract(
                    window, choices, scorer=OSA.distance, score_cutoff=1, limit=None
                ):
                    hits += [
                        Hit(p, False, start, start + size, len(phrase), distance > 0) for p in phrases[phrase]
                    ]
        return hits


class SearchIndex:
    """Everything query.py searches, built from one KnowledgeBase."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.items = {item.ref: item for item in kb.all_items()}
        self.order = {item.ref: n for n, item in enumerate(kb.all_items())}
        self.aliases = PhraseMatcher(self._alias_entries())
        groups = dict.fromkeys(TAG_GROUPS.values())  # interests, sectors
        self.tags = {group: PhraseMatcher(self._tag_entries(group)) for group in groups}
        self.tag_order = {group: kb.tags(group) for group in groups}
        self.languages = PhraseMatcher(self._language_entries())
        lexicon = kb.lexicon
        self.ordinals = PhraseMatcher(
            (word, lang, number)
            for lang, table in lexicon["ordinals"].items()
            for number, words in enumerate(table, start=1)
            for word in words
        )
        self.measure_words = PhraseMatcher(_per_lang(lexicon["measure_words"], "measure"))
        self.language_cues = PhraseMatcher(_per_lang(lexicon["language_cues"], "cue"))
        self.language_prepositions = PhraseMatcher(_per_lang(lexicon["language_prepositions"], "preposition"))
        self.follow_ups = PhraseMatcher(
            list(_per_lang(lexicon["follow_up_why"], "why"))
            + list(_per_lang(lexicon["follow_up_others"], "others"))
            + list(_per_lang(lexicon["follow_up_next"], "next"))
            + list(_per_lang(lexicon["follow_up_previous"], "previous"))
        )
        self.regions = PhraseMatcher(
            list(_per_lang(lexicon["regions_elsewhere"], "elsewhere"))
            + list(_per_lang(lexicon["regions_here"], "here"))
        )
        self._tfidf: dict[str, _TfidfLanguage] = {}

    def _alias_entries(self) -> Iterable[tuple[str, str, str]]:
        """Keywords and titles of every item in every language, pointing at the item's ref."""
        for item in self.kb.all_items():
            for lang in self.kb.languages:
                yield from ((word, lang, item.ref) for word in self.kb.keywords(item, lang))
                if item.ref != OUT_OF_SCOPE_REF:
                    yield self.kb.text(item, "title", lang), lang, item.ref

    def _tag_entries(self, kind: str) -> Iterable[tuple[str, str, str]]:
        """Words and labels of every tag of one group in every language."""
        for tag, per_lang in self.kb.tag_words(kind).items():
            for lang, words in per_lang.items():
                yield from ((word, lang, tag) for word in words)
                yield self.kb.tag_label(tag, lang), lang, tag

    def _language_entries(self) -> Iterable[tuple[str, str, str]]:
        """Every way to name each language: native name, names in all languages, typed words."""
        for code, words in self.kb.language_words().items():
            names = [self.kb.language_name(code, other) for other in self.kb.languages]
            for word in {*words, *names}:
                yield word, "en", code  # names are proper nouns: one stemming language suffices

    def tfidf(self, lang: str) -> "_TfidfLanguage":
        """TF-IDF vectors for one language, built the first time that language is searched."""
        if lang not in self._tfidf:
            self._tfidf[lang] = _TfidfLanguage(self.kb, lang)
        return self._tfidf[lang]

    def item(self, ref: str) -> Item:
        """The item behind a ref found by a matcher."""
        return self.items[ref]


def _per_lang(mapping: dict[str, list[str]], payload: str) -> Iterable[tuple[str, str, str]]:
    """(word, lang, payload) entries for a per-language word list."""
    return ((word, lang, payload) for lang, words in mapping.items() for word in words)


class _TfidfLanguage:
    """TF-IDF vectors of every item's text in one language, for ranking free-text questions."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.lang = lang
        self.refs = [item.ref for item in kb.all_items()]
        documents = [tx.analyze(_document(kb, item, lang), lang) for item in kb.all_items()]
        self.vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(documents)

    def scores(self, question: str) -> dict[str, float]:
        """Cosine similarity of the question to every item, by ref (only non-zero ones)."""
        terms = tx.analyze(question, self.lang)
        if not terms:
            return {}
        similarities = linear_kernel(self.vectorizer.transform([terms]), self.matrix)[0]
        return {ref: float(s) for ref, s in zip(self.refs, similarities, strict=True) if s > 0}


def _identity(terms: list[str]) -> list[str]:
    """Analyzer for already tokenized documents."""
    return terms


def _document(kb: KnowledgeBase, item: Item, lang: str) -> str:
    """The searchable text of an item: title and keywords weigh double; out-of-scope uses keywords only."""
    keywords = " . ".join(kb.keywords(item, lang))
    if item.ref == OUT_OF_SCOPE_REF:
        return f"{keywords} . {keywords}"
    title = kb.text(item, "title", lang)
    body = " . ".join([kb.text(item, "summary", lang), *kb.points(item, lang)])
    return f"{title} . {title} . {keywords} . {keywords} . {body}"
