"""Resolve what users name (measures, routes, tags, languages, ordinals) and rank items for a question.

Every function accepts any input (empty, emoji, very long, not a string) and never raises on it:
odd input gives an empty result. Scores are between 0 and 1; MIN_CONFIDENT is a sensible cut-off
for "the user clearly meant this".
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import Any, Callable, Iterable, TypeVar

from . import get_kb
from . import text as tx
from .index import OUT_OF_SCOPE_REF, Hit, Probe, SearchIndex
from .model import KINDS, KBError, Match, tag_group

log = logging.getLogger(__name__)

MIN_CONFIDENT = 0.5  # resolve/rank scores at or above this are confident
MIN_RANK_SCORE = 0.05  # rank drops weaker matches
MIN_OUT_OF_SCOPE = 0.2  # the out-of-scope entry needs a clear keyword overlap to be ranked
SECTION_SCORE = 1.0  # "measure 9", "§9", "第九条措施"
BARE_NUMBER_SCORE = 0.7  # "9" or "the ninth" alone: probably a measure, but not said
EXACT_SCORE = 0.75  # a keyword or title found as written (after stemming) ...
FUZZY_SCORE = 0.65  # ... or within one typo; plus up to COVERAGE_BONUS when it is most of the text
COVERAGE_BONUS = 0.25
CUE_WINDOW_TOKENS = 2  # a language-request cue this many tokens before a language name
CUE_WINDOW_CHARS = 4  # ... or this many CJK characters around it
# A free-standing one- or two-digit number, with an ordinal ending at most ("3rd", "3e", "3ème", "3º"):
# "3D films", "5G", "4K" and "2017" name no measure.
DIGIT_RE = re.compile(
    r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th|er|re|eme|ème|e|º|ª|o|a)?(?![\d%a-zA-Zà-ÿ]|[.,]\d)"
)
SECTION_SIGN_RE = re.compile(r"§\s*(\d{1,2}(?:\.\d)?)")
DECIMAL_RE = re.compile(r"(?<![\d.])(\d{1,2}\.\d)(?![\d%])")

T = TypeVar("T")
_index_lock = threading.Lock()


def _safe(default: Callable[[], Any]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Turn an unexpected failure on odd input into an empty answer (logged), never a crash."""

    def wrap(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def guarded(*args: Any, **kwargs: Any) -> T:
            try:
                return func(*args, **kwargs)
            except KBError:
                raise
            except Exception:  # noqa: BLE001 - a query must not break the conversation
                log.exception("query.%s failed on %r", func.__name__, args[:1])
                fallback: T = default()
                return fallback

        return guarded

    return wrap


def index() -> SearchIndex:
    """The search index of the current knowledge base, built on first use."""
    kb = get_kb()
    with _index_lock:
        if kb.index is None:
            kb.index = SearchIndex(kb)
        return kb.index


def warm_up() -> None:
    """Build every index now (jieba, MeCab, TF-IDF per language) so no user waits for the first query."""
    idx = index()
    for lang in idx.kb.languages:
        idx.tfidf(lang)


@_safe(list)
def resolve(text: Any, lang: str | None = None, kinds: Any = None) -> list[Match]:
    """Items the user names ("measure 9", "§6.1", "Silk Road", "三国", typos), best first.

    Names are recognized in all eight languages whatever `lang` is (users mix them); `lang` is
    accepted for symmetry with `rank`, where it decides which language's index is searched first.
    """
    idx, probe = index(), Probe(text)
    wanted = _kinds(kinds)
    if not probe.compact or not wanted:
        return []
    scores: dict[str, float] = {}
    if "section" in wanted:
        for section_id, score in _section_mentions(idx, probe):
            _keep_best(scores, f"section:{section_id}", score)
    for ref, score in _alias_scores(idx, probe).items():
        if idx.item(ref).kind in wanted:
            _keep_best(scores, ref, score)
    return _matches(idx, scores)


@_safe(list)
def rank(text: Any, lang: str | None = None, kinds: Any = None) -> list[Match]:
    """Items ranked for a free-text question: named items first, then TF-IDF similarity."""
    idx, probe = index(), Probe(text)
    wanted = _kinds(kinds)
    if not probe.compact or not wanted:
        return []
    named = {m.item.ref: m.score for m in resolve(text, lang, wanted)}
    similar = _similarity(idx, probe.normalized, lang)
    scores = {}
    for ref in set(named) | set(similar):
        best, other = sorted((named.get(ref, 0.0), similar.get(ref, 0.0)), reverse=True)
        score = min(1.0, best + 0.25 * other)
        if score >= MIN_RANK_SCORE and idx.item(ref).kind in wanted:
            scores[ref] = score
    return _matches(idx, scores)


@_safe(lambda: None)
def parse_ordinal(text: Any) -> int | None:
    """The position the user picks: "the second one", "第二个", "二つ目", "두 번째", "второй", "number 3" -> 2/3."""
    idx, probe = index(), Probe(text)
    candidates = _ordinal_candidates(idx, probe)
    if not candidates:
        return None
    length, _, number = max(candidates, key=lambda c: (c[0], -c[1]))
    return number if number > 0 else None


FOLLOW_UP_KINDS = ("why", "previous", "next", "others")  # the first named wins ("why the next one?")
FOLLOW_UP_MAX_WORDS = 6  # longer messages are questions of their own, even when they start with "why"
FOLLOW_UP_MAX_CJK = 10


@_safe(lambda: None)
def parse_follow_up(text: Any) -> str | None:
    """ "why" for a short "why that one?" / "tell me more", "next" / "previous" for "and the next one?",
    "others" for "any other options?", else None.
    Only short messages count: "why do the old areas matter?" is a question about the paper."""
    if not isinstance(text, str) or is_payload_text(text):
        return None
    words, cjk = len(text.split()), sum(1 for ch in text if tx.has_cjk(ch))
    if words > FOLLOW_UP_MAX_WORDS or cjk > FOLLOW_UP_MAX_CJK:
        return None
    kinds = {hit.payload for hit in index().follow_ups.find(Probe(text), fuzzy=False)}
    return next((kind for kind in FOLLOW_UP_KINDS if kind in kinds), None)


@_safe(lambda: False)
def about_elsewhere(text: Any) -> bool:
    """Whether the question is about another Chinese province or city ("Yunnan's film subsidies")
    and not also about Sichuan or the old base areas: the paper says nothing about those places."""
    if not isinstance(text, str) or is_payload_text(text):
        return False
    found = {hit.payload for hit in index().regions.find(Probe(text), fuzzy=False)}
    return found == {"elsewhere"}


def is_payload_text(text: str) -> bool:
    """A button payload ("/intent{...}") is never a typed follow-up."""
    return text.startswith("/")


@_safe(lambda: None)
def parse_language(text: Any) -> str | None:
    """The language the user asks to be answered in ("answer in German", "用德语", "по-французски")."""
    idx, probe = index(), Probe(text)
    mentions = idx.languages.find(probe, fuzzy=False)
    if not mentions:
        return None
    cues = idx.language_cues.find(probe, fuzzy=False)
    if _only_names(probe, mentions + cues):
        named: str = _last(mentions).payload
        return named
    prepositions = {(h.start, h.end) for h in idx.language_prepositions.find(probe, fuzzy=False) if not h.cjk}
    requested = [m for m in mentions if any(_requests(probe, m, cue, prepositions, cues) for cue in cues)]
    code: str | None = _last(requested).payload if requested else None
    return code


@_safe(list)
def parse_tags(text: Any, kind: str) -> list[str]:
    """Interest tags ("interest"/"route") or sector tags ("sector"/"opening") named in the text, in tags.yml order."""
    idx, group = index(), tag_group(kind)
    found = {hit.payload for hit in outermost(idx.tags[group].find(Probe(text)))}
    return [tag for tag in idx.tag_order[group] if tag in found]


def outermost(hits: list[Hit]) -> list[Hit]:
    """Hits not lying inside a longer hit of another payload: "histoire révolutionnaire" names the
    revolutionary heritage, not also "history" through its first word."""

    def inside(inner: Hit, outer: Hit) -> bool:
        return (
            inner.cjk == outer.cjk
            and inner.payload != outer.payload
            and outer.start <= inner.start
            and inner.end <= outer.end
            and (outer.end - outer.start) > (inner.end - inner.start)
        )

    return [hit for hit in hits if not any(inside(hit, other) for other in hits)]


def _kinds(kinds: Any) -> tuple[str, ...]:
    """Normalize the kinds filter: None = all; a string or an iterable of kind names."""
    if kinds is None:
        return KINDS
    if isinstance(kinds, str):
        kinds = [kinds]
    return tuple(kind for kind in kinds if kind in KINDS)


def _keep_best(scores: dict[str, float], ref: str, score: float) -> None:
    """Record a score for a ref unless a better one is already there."""
    scores[ref] = max(score, scores.get(ref, 0.0))


def _matches(idx: SearchIndex, scores: dict[str, float]) -> list[Match]:
    """Matches sorted by score, then paper order."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], idx.order[kv[0]]))
    return [Match(idx.item(ref), round(score, 4)) for ref, score in ordered]


def _section_mentions(idx: SearchIndex, probe: Probe) -> list[tuple[str, float]]:
    """Sections named by "§N", "6.1", a measure word with a number, or a bare number."""
    section_ids = {item.id for item in idx.kb.items("section")}
    explicit = SECTION_SIGN_RE.findall(probe.normalized) + DECIMAL_RE.findall(probe.normalized)
    found = [(sid, SECTION_SCORE) for sid in explicit if sid in section_ids]
    numbers = _ordinal_candidates(idx, probe)
    if numbers:
        _, _, number = max(numbers, key=lambda c: (c[0], -c[1]))
        if str(number) in section_ids:
            if idx.measure_words.find(probe, fuzzy=False):
                found.append((str(number), SECTION_SCORE))
            elif _is_bare_number(probe, numbers):
                found.append((str(number), BARE_NUMBER_SCORE))
    return found


def _ordinal_candidates(idx: SearchIndex, probe: Probe) -> list[tuple[int, int, int]]:
    """(length, position, number) for every ordinal word and free-standing one- or two-digit number."""
    candidates = [(hit.length, hit.start, hit.payload) for hit in idx.ordinals.find(probe, fuzzy=False)]
    candidates += [(len(m.group(1)), m.start(), int(m.group(1))) for m in DIGIT_RE.finditer(probe.normalized)]
    return candidates


def _is_bare_number(probe: Probe, numbers: list[tuple[int, int, int]]) -> bool:
    """Whether the text is little more than a number ("9", "#9?", "the ninth")."""
    longest = max(length for length, _, _ in numbers)
    rest = re.sub(r"[\W_]", "", probe.compact)
    return len(rest) - longest <= 3


def _alias_scores(idx: SearchIndex, probe: Probe) -> dict[str, float]:
    """Per item, the best keyword/title hit: exact beats a typo, longer phrases beat shorter ones."""
    total = max(1, len(re.sub(r"[\W_]", "", probe.compact)))
    scores: dict[str, float] = {}
    for hit in idx.aliases.find(probe):
        base = FUZZY_SCORE if hit.fuzzy else EXACT_SCORE
        _keep_best(scores, hit.payload, base + COVERAGE_BONUS * min(1.0, hit.length / total))
    return scores


def _similarity(idx: SearchIndex, normalized: str, lang: str | None) -> dict[str, float]:
    """TF-IDF similarity in every language the question's script allows (the user's language first)."""
    candidates = [code for code in tx.script_languages(normalized) if code in idx.kb.languages]
    if lang in candidates:
        candidates.remove(lang)
        candidates.insert(0, lang)
    best: dict[str, float] = {}
    for code in candidates:
        for ref, score in idx.tfidf(code).scores(normalized).items():
            _keep_best(best, ref, score)
    if best.get(OUT_OF_SCOPE_REF, 0.0) < MIN_OUT_OF_SCOPE:
        best.pop(OUT_OF_SCOPE_REF, None)
    return best


def _only_names(probe: Probe, hits: list[Hit]) -> bool:
    """Whether the text holds nothing but language names and request cues ("Deutsch", "中文吧")."""
    covered_tokens = {i for h in hits if not h.cjk for i in range(h.start, h.end)}
    spare_tokens = len(probe.tokens) - len(covered_tokens)
    covered_chars = {i for h in hits if h.cjk for i in range(h.start, h.end)}
    cjk_chars = [i for i, ch in enumerate(probe.compact) if tx.has_cjk(ch) and i not in covered_chars]
    return spare_tokens == 0 and len(cjk_chars) <= 1


def _requests(
    probe: Probe, mention: Hit, cue: Hit, prepositions: set[tuple[int, int]], cues: list[Hit]
) -> bool:
    """A cue next to the name asks for the language; a mere preposition only at the end of a clause."""
    if not _near(mention, cue):
        return False
    if (cue.start, cue.end) not in prepositions or cue.start >= mention.end:
        return True
    return _clause_ends_after(probe, mention, cues)


def _clause_ends_after(probe: Probe, mention: Hit, cues: list[Hit]) -> bool:
    """Whether the language name ends the text or a clause, or a cue ("please") closely follows it."""
    if mention.end >= len(probe.tokens):
        return True
    between = probe.normalized[probe.spans[mention.end - 1][1] : probe.spans[mention.end][0]]
    if re.search(r"[,.;:!?，。；：！？]", between):
        return True
    return any(not c.cjk and c.start == mention.end for c in cues)


def _near(mention: Hit, cue: Hit) -> bool:
    """Whether a request cue stands right by a language name ("in German", "用德语", "ドイツ語で")."""
    if mention.cjk != cue.cjk:
        return False
    if mention.cjk:
        before = cue.end <= mention.start and mention.start - cue.end <= CUE_WINDOW_CHARS
        after = cue.start >= mention.end and cue.start - mention.end <= CUE_WINDOW_CHARS
        return before or after
    return mention.start - CUE_WINDOW_TOKENS <= cue.start < mention.start or cue.start == mention.end


def _last(hits: Iterable[Hit]) -> Hit:
    """The hit that comes last in the text (the latest request wins)."""
    return max(hits, key=lambda h: (h.start, h.end))
