"""Held-out question set: loading, validation and the verbatim-overlap guard against training data.

Shared by eval/score.py, benchmarks/bench.py and their tests (tests/eval). Needs PyYAML (in .venv/rasa).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))  # the eval scripts run as scripts; common/ holds the project's lists
from common.canonical import LANGUAGES, domain_intents, section_ids  # noqa: E402
from common.scripts import CJK, chars  # noqa: E402

HELDOUT_DIR = REPO_ROOT / "eval" / "unseen3"  # the headline set: written from the paper, frozen
# Sets nobody has read the failures of (the headline set and the one before it): the scorer prints
# only their tables and eval/offline.py refuses them, so they stay measurements.
UNREAD_DIRS = (REPO_ROOT / "eval" / "unseen2", HELDOUT_DIR)
DEV_DIRS = tuple(
    REPO_ROOT / "eval" / name for name in ("dev", "dev2", "heldout", "heldout_fresh", "unseen")
)  # tuned on
FROZEN_DIRS = (REPO_ROOT / "eval" / "unseen",) + UNREAD_DIRS  # earlier headline sets: never edited
NLU_DIR = REPO_ROOT / "data" / "nlu"
ASKS_DIR = (
    REPO_ROOT / "actions" / "kb" / "data" / "asks"
)  # the KB's typical questions: the search learns from them too
EXPECTS = ("answer", "out_of_scope", "smalltalk")
TURN_EXPECTS = EXPECTS + ("cited", "any")
CLASSES = (
    "digression",
    "interest_up_front",
    "free_answer",
    "follow_up_list",
    "follow_up_recommendation",
    "button_language",
    "cancel",
    "other",
)
NEAR_DUPLICATE = 0.8  # normalized similarity at which a held-out text counts as a copy
INTENTS = domain_intents()
SECTION_IDS = section_ids()
_ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
_EDGE_PUNCTUATION = " \t\n.,!?;:。、，！？；：~〜…\"'“”«»¡¿"


@dataclass(frozen=True)
class Question:
    """One held-out question and what a right reply must contain."""

    lang: str
    text: str
    intent: str
    sections: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    expect: str = "answer"
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Step:
    """One user turn of a conversation: a typed text or a press of the n-th button of the last reply."""

    text: str | None
    press: int | None
    expect: str
    sections: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """A short conversation, right only when every one of its turns is right."""

    lang: str
    id: str
    cls: str
    steps: tuple[Step, ...]
    source: str = field(default="", compare=False)

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.steps if s.text]


def normalize(text: str) -> str:
    """Canonical form for verbatim comparison: NFKC, case-folded, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


def _question_from_entry(entry: dict, lang: str, source: str) -> Question:
    """Builds a Question, failing loudly on a malformed entry so a typo cannot silently skew scores."""
    where = f"{source}: {entry.get('text')!r}"
    missing = {"text", "intent", "sections", "facts", "expect"} - set(entry)
    if missing:
        raise ValueError(f"{where}: missing fields {sorted(missing)}")
    if entry["intent"] not in INTENTS:
        raise ValueError(f"{where}: unknown intent {entry['intent']!r}")
    if entry["expect"] not in EXPECTS:
        raise ValueError(f"{where}: expect must be one of {EXPECTS}")
    sections = tuple(str(s) for s in entry["sections"])
    if not set(sections) <= SECTION_IDS:
        raise ValueError(f"{where}: unknown section ids {sorted(set(sections) - SECTION_IDS)}")
    return Question(
        lang,
        str(entry["text"]),
        entry["intent"],
        sections,
        tuple(str(f) for f in entry["facts"]),
        entry["expect"],
        source,
    )


def _sections_of(entry: dict, where: str) -> tuple[str, ...]:
    sections = tuple(str(s) for s in entry.get("sections") or ())
    if not set(sections) <= SECTION_IDS:
        raise ValueError(f"{where}: unknown section ids {sorted(set(sections) - SECTION_IDS)}")
    return sections


def _step_from_entry(entry: dict, where: str) -> Step:
    """One conversation turn; exactly one of `text` and `press`."""
    if ("text" in entry) == ("press" in entry):
        raise ValueError(f"{where}: a turn has either `text` or `press`")
    if entry.get("expect") not in TURN_EXPECTS:
        raise ValueError(f"{where}: expect must be one of {TURN_EXPECTS}")
    press = entry.get("press")
    if press is not None and (not isinstance(press, int) or press < 1):
        raise ValueError(f"{where}: press is a button number from 1")
    return Step(
        str(entry["text"]) if "text" in entry else None,
        press,
        entry["expect"],
        _sections_of(entry, where),
        tuple(str(f) for f in entry.get("facts") or ()),
    )


def _conversation_from_entry(entry: dict, lang: str, source: str) -> Conversation:
    where = f"{source}: {entry.get('id')!r}"
    if entry.get("class") not in CLASSES:
        raise ValueError(f"{where}: class must be one of {CLASSES}")
    steps = tuple(_step_from_entry(t, f"{where} turn {n}") for n, t in enumerate(entry.get("turns") or (), 1))
    if not steps or steps[0].text is None:
        raise ValueError(f"{where}: a conversation starts with a typed text")
    return Conversation(lang, str(entry["id"]), entry["class"], steps, source)


def _load_doc(directory: Path, lang: str) -> tuple[Path, dict]:
    path = Path(directory) / f"{lang}.yml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if doc.get("language") != lang:
        raise ValueError(f"{path}: language field is {doc.get('language')!r}, expected {lang!r}")
    return path, doc


def _load_entries(directory: Path, langs: tuple[str, ...], key: str, build) -> list:
    """`build(entry, lang, file name)` for every entry under `key` of <directory>/<lang>.yml, in language order."""
    entries = []
    for lang in langs:
        path, doc = _load_doc(directory, lang)
        entries += [build(e, lang, path.name) for e in doc.get(key) or ()]
    return entries


def load_heldout(directory: Path = HELDOUT_DIR, langs: tuple[str, ...] = LANGUAGES) -> list[Question]:
    """Loads the single questions of <directory>/<lang>.yml for each language, in canonical order."""
    return _load_entries(directory, langs, "questions", _question_from_entry)


def load_conversations(
    directory: Path = HELDOUT_DIR, langs: tuple[str, ...] = LANGUAGES
) -> list[Conversation]:
    """Loads the conversations of <directory>/<lang>.yml (sets without any give an empty list)."""
    return _load_entries(directory, langs, "conversations", _conversation_from_entry)


def _examples_of(nlu_entry: dict) -> list[str]:
    """Example texts of one `nlu:` entry (intent examples, synonyms and lookups alike)."""
    examples = nlu_entry.get("examples") or ""
    if isinstance(examples, list):
        return [str(e.get("text", e)) if isinstance(e, dict) else str(e) for e in examples]
    lines = [line.strip() for line in str(examples).splitlines()]
    return [line[2:] for line in lines if line.startswith("- ")]


def load_training_texts(directory: Path = NLU_DIR) -> set[str]:
    """Normalized texts of every training example under directory (recursively); empty if none yet."""
    texts: set[str] = set()
    for path in sorted(Path(directory).rglob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in doc.get("nlu") or []:
            texts.update(normalize(_ENTITY_ANNOTATION.sub(r"\1", t)) for t in _examples_of(entry))
    return texts | kb_ask_texts()


def kb_ask_texts(directory: Path = ASKS_DIR) -> set[str]:
    """Normalized typical questions of the KB (asks/<lang>.yml): the meaning-based search is fitted on
    them as the classifier is on data/nlu, so a held-out question must not copy them either."""
    texts: set[str] = set()
    for path in sorted(Path(directory).glob("*.yml")):
        for questions in (
            (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("asks") or {}
        ).values():
            texts.update(normalize(q) for q in questions)
    return texts


def other_heldout_texts(directory: Path) -> set[str]:
    """Normalized texts of every other held-out set under eval/ (a held-out text must be new to all)."""
    texts: set[str] = set()
    for other in sorted(p for p in (REPO_ROOT / "eval").iterdir() if p.is_dir()):
        if other.resolve() == Path(directory).resolve() or not list(other.glob("??.yml")):
            continue
        texts.update(normalize(q.text) for q in load_heldout(other))
        texts.update(normalize(t) for c in load_conversations(other) for t in c.texts)
    return texts


_CJK = chars(CJK)


def formulaic(text: str) -> bool:
    """A greeting, a thanks or a one-word form answer ("hello", "新加坡", "第三"): too short to be
    written unseen, so the copy guard does not apply to it."""
    norm = normalize(text)
    return len(norm.split()) <= 2 and len(_CJK.findall(norm)) <= 5


def near_copy(text: str, known: set[str] | list[str], exempt_formulaic: bool = True) -> str | None:
    """The known text that `text` nearly copies (normalized similarity >= NEAR_DUPLICATE), if any;
    formulaic texts never count as copies."""
    from rapidfuzz import fuzz, process

    norm = normalize(text)
    if exempt_formulaic and formulaic(text):
        return None
    if norm in known:
        return norm
    found = process.extractOne(norm, list(known), scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE * 100)
    return found[0] if found else None


def split_by_overlap(questions: list, known: set[str]) -> tuple[list, list]:
    """Splits questions or conversations into (scorable, refused): a near-copy of a training example or
    of another held-out set's question is not scored (a conversation is refused if any turn is)."""
    choices = sorted(known)
    scorable, refused = [], []
    for q in questions:
        texts = q.texts if isinstance(q, Conversation) else [q.text]
        copied = any(near_copy(t, choices) for t in texts)
        (refused if copied else scorable).append(q)
    return scorable, refused
