"""One NLU file layout for every language: the same files, each intent in the same file everywhere, every
intent of the domain trained in every language (a newcomer adding Korean examples of an intent finds
them where the English ones are)."""

from __future__ import annotations

import re
from pathlib import Path

from common.canonical import LANGUAGES, domain_intents

ROOT = Path(__file__).resolve().parents[2]
NLU = ROOT / "data" / "nlu"


def intents_by_file(lang: str) -> dict[str, set[str]]:
    """File name -> the intents it trains, for one language."""
    return {
        path.name: set(re.findall(r"^- intent: (\S+)", path.read_text(encoding="utf-8"), re.MULTILINE))
        for path in sorted((NLU / lang).glob("*.yml"))
    }


def test_every_language_has_its_own_folder_and_nothing_else():
    assert sorted(p.name for p in NLU.iterdir()) == sorted(LANGUAGES)


def test_every_language_keeps_each_intent_in_the_same_file_as_english():
    english = intents_by_file("en")
    for lang in LANGUAGES:
        assert intents_by_file(lang) == english, lang


def test_every_intent_of_the_domain_is_trained_in_every_language():
    trained = set().union(*intents_by_file("en").values())
    assert trained == domain_intents()


def test_the_contracts_describe_every_intent_of_the_domain():
    """docs/CONTRACTS.md's intents table, a newcomer's reference, lists exactly the domain's intents."""
    section = (ROOT / "docs" / "CONTRACTS.md").read_text(encoding="utf-8").split("## Intents (NLU)")[1]
    table = set(re.findall(r"^\| ([a-z_]+) \|", section.split("\n## ")[0], re.MULTILINE)) - {"intent"}
    assert table == domain_intents()
