"""Held-out question set: loading, validation and the verbatim-overlap guard against training data.

Shared by eval/score.py, benchmarks/bench.py and eval/selftest.py. Needs PyYAML (in .venv/rasa).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
HELDOUT_DIR = REPO_ROOT / "eval" / "heldout"
NLU_DIR = REPO_ROOT / "data" / "nlu"
LANGUAGES = ("en", "zh", "ru", "ja", "ko", "de", "fr", "es")
EXPECTS = ("answer", "out_of_scope", "smalltalk")
INTENTS = frozenset(
    "greet goodbye thank help bot_challenge affirm deny stop inform select_item change_language "
    "human_handoff out_of_scope list_measures measure_info government_role list_routes route_info "
    "recommend_route investment_openings how_to_invest investor_protection smart_industry publicity "
    "talent environment trends differentiation international_cooperation conclusion figures "
    "paper_info forget_me".split()
)
SECTION_IDS = frozenset([str(n) for n in range(1, 14)] + ["6.1", "6.2"])
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
    return Question(lang, str(entry["text"]), entry["intent"], sections,
                    tuple(str(f) for f in entry["facts"]), entry["expect"], source)


def load_heldout(directory: Path = HELDOUT_DIR, langs: tuple[str, ...] = LANGUAGES) -> list[Question]:
    """Loads <directory>/<lang>.yml for each language, in canonical language order."""
    questions = []
    for lang in langs:
        path = Path(directory) / f"{lang}.yml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if doc.get("language") != lang:
            raise ValueError(f"{path}: language field is {doc.get('language')!r}, expected {lang!r}")
        questions += [_question_from_entry(e, lang, path.name) for e in doc["questions"]]
    return questions


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
    return texts


def split_by_overlap(questions: list[Question], training: set[str]) -> tuple[list[Question], list[Question]]:
    """Splits into (scorable, refused): a question found verbatim in training data must not be scored."""
    scorable = [q for q in questions if normalize(q.text) not in training]
    refused = [q for q in questions if normalize(q.text) in training]
    return scorable, refused
