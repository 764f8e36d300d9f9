"""The shipped KB is complete in eight languages, cites only real sections and covers the whole paper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.kb import KBError, KnowledgeBase, load_kb
from common.canonical import LANGUAGES

SECTIONS = [str(n) for n in range(1, 6)] + ["6", "6.1", "6.2"] + [str(n) for n in range(7, 14)]
ROUTES = [
    "ancient_shu",
    "southern_silk_road",
    "three_kingdoms",
    "ba_shu",
    "new_cultural_routes",
    "red_tourism",
    "tibet_qiang_yi",
]
UNCITED = {"fact:out_of_scope", "fact:paper_overview"}  # the fallback and the abstract/introduction


def test_languages_in_canonical_order(kb: KnowledgeBase) -> None:
    assert kb.languages == LANGUAGES


def test_all_sections_in_paper_order(kb: KnowledgeBase) -> None:
    assert [item.id for item in kb.items("section")] == SECTIONS


def test_the_seven_routes(kb: KnowledgeBase) -> None:
    assert [item.id for item in kb.items("route")] == ROUTES


def test_every_item_complete_in_every_language(kb: KnowledgeBase) -> None:
    for item in kb.all_items():
        for lang in LANGUAGES:
            assert kb.text(item, "title", lang).strip(), (item.ref, lang)
            assert kb.text(item, "summary", lang).strip(), (item.ref, lang)
            assert all(p.strip() for p in kb.points(item, lang)) and kb.points(item, lang), (item.ref, lang)
            assert all(k.strip() for k in kb.keywords(item, lang)), (item.ref, lang)


def test_translations_are_not_copies_of_english(kb: KnowledgeBase) -> None:
    for lang in LANGUAGES[1:]:
        same = [i.ref for i in kb.all_items() if kb.text(i, "summary", lang) == kb.text(i, "summary", "en")]
        assert not same, (lang, same)


def test_chinese_uses_the_standard_terms(kb: KnowledgeBase) -> None:
    expected = {
        "tibet_qiang_yi": "藏羌彝文化产业走廊",
        "southern_silk_road": "南方丝绸之路",
        "red_tourism": "红色旅游",
        "three_kingdoms": "三国文化",
        "ba_shu": "巴蜀文化",
        "ancient_shu": "古蜀文化",
    }
    for route_id, term in expected.items():
        assert term in kb.text(kb.get("route", route_id), "title", "zh")


def test_every_cite_is_an_existing_section(kb: KnowledgeBase) -> None:
    for item in kb.all_items():
        assert all(kb.get("section", cite) for cite in item.cites), item.ref
        assert item.cites or item.ref in UNCITED, item.ref


def test_inline_section_references_in_text_exist(kb: KnowledgeBase) -> None:
    for item in kb.all_items():
        for lang in LANGUAGES:
            text = " ".join([kb.text(item, "summary", lang), *kb.points(item, lang)])
            for cited in re.findall(r"§(\d+(?:\.\d)?)", text):
                assert kb.get("section", cited), (item.ref, lang, cited)


def test_citation_format(kb: KnowledgeBase) -> None:
    assert kb.citation(kb.get("section", "9")) == "(§9)"
    assert kb.citation(["6.2", "6"]) == "(§6, §6.2)"
    assert kb.citation(kb.get("fact", "government_support")) == "(§1, §11, §13)"
    assert kb.citation([kb.get("route", "three_kingdoms"), "2"]) == "(§2, §10)"


def test_route_tags_and_opening_sectors_have_labels_everywhere(kb: KnowledgeBase) -> None:
    for kind, tag_kind in (("route", "interest"), ("opening", "sector")):
        for item in kb.items(kind):
            for tag in item.tags:
                assert tag in kb.tags(tag_kind)
                assert all(kb.tag_label(tag, lang) for lang in LANGUAGES)


def test_language_names_in_every_language(kb: KnowledgeBase) -> None:
    assert kb.language_name("de", "en") == "German"
    assert kb.language_name("de", "de") == "Deutsch"
    assert kb.language_name("de", "zh") == "德语"
    assert all(kb.language_name(code, other) for code in LANGUAGES for other in LANGUAGES)


def test_paper_metadata_matches_the_paper(kb: KnowledgeBase, paper: str) -> None:
    assert [a.name for a in kb.paper.authors] == ["Liao Guoqiang", "Liao Yu"]
    assert [g.number for g in kb.paper.grants] == ["SLQ2016B-09", "WHCY2017B18", "LYC15-10"]
    assert all(g.number in paper and g.funder in paper for g in kb.paper.grants)
    assert len(kb.paper.references) == 7
    assert kb.paper.title("en").upper() in paper.upper()
    assert all(
        kb.paper.title(lang) and all(kb.paper.funder(g, lang) for g in kb.paper.grants) for lang in LANGUAGES
    )


def test_figures_are_those_of_the_paper(kb: KnowledgeBase, paper: str) -> None:
    assert "more than 30% of the consumers" in paper
    for lang in LANGUAGES:
        assert "30" in kb.text(kb.get("fact", "online_ordering"), "summary", lang)
    for number in re.findall(r"\d+", " ".join(kb.text(i, "summary", "en") for i in kb.all_items())):
        assert number in paper, number


def test_topics_cover_the_knowledge_intents(kb: KnowledgeBase) -> None:
    assert [i.id for i in kb.topic_items("list_measures")] == [str(n) for n in range(1, 13)]
    assert kb.topic_items("publicity")[0] == kb.get("section", "9")
    assert kb.topic_items("greet") == []


def test_unknown_requests_raise_kberror(kb: KnowledgeBase) -> None:
    with pytest.raises(KBError):
        kb.items("city")
    with pytest.raises(KBError):
        kb.text(kb.get("section", "1"), "colour", "en")
    with pytest.raises(KBError):
        kb.tag_label("shopping", "en")
    assert kb.get("section", "14") is None


def test_unknown_language_falls_back_to_english(kb: KnowledgeBase) -> None:
    section = kb.get("section", "9")
    assert kb.text(section, "title", "xx") == kb.text(section, "title", "en")


SEARCHED = {"section", "route", "opening", "fact"}


def test_every_searched_item_has_typical_questions_in_every_language(kb: KnowledgeBase) -> None:
    """asks/<lang>.yml: the meaning-based search finds a paraphrase by these; an item without them in
    one language would be found worse in that language only."""
    for item in kb.all_items():
        if item.kind not in SEARCHED or item.ref == "fact:out_of_scope":
            continue
        for lang in LANGUAGES:
            assert len(kb.asks(item, lang)) >= 2, (item.ref, lang)


def test_typical_questions_name_no_section(kb: KnowledgeBase) -> None:
    """A question that says "measure 9" is resolved by name, not by meaning; such asks would teach the
    search that a number is the topic."""
    numbered = re.compile(r"§|\b(measure|mesure|medida|Maßnahme|мера)\s*\d", re.IGNORECASE)
    for item in kb.all_items():
        for lang in LANGUAGES:
            assert not [q for q in kb.asks(item, lang) if numbered.search(q)], (item.ref, lang)


def test_an_ask_for_an_unknown_item_is_refused(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "asks" / "de.yml", lambda doc: doc["asks"].update({"section:99": ["Was?"]}))
    with pytest.raises(KBError, match=r"asks/de.yml: item 'section:99'"):
        load_kb(data_copy)
