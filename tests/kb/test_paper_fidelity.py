"""Corrections checked against the paper: each claim the KB makes about §2, §6/§6.2, §9, §10, §12, §13,
the abstract and the paper's metadata holds in all eight languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from actions.i18n import STRINGS
from actions.kb import KBError, KnowledgeBase, load_kb, query
from actions.kb.model import Author
from common.canonical import LANGUAGES


def _text(kb: KnowledgeBase, ref: str, lang: str) -> str:
    """Title, summary and points of an item in one language, as one string."""
    item = kb.by_ref(ref)
    assert item is not None, ref
    return " ".join([kb.text(item, "title", lang), kb.text(item, "summary", lang), *kb.points(item, lang)])


def _check_terms(kb: KnowledgeBase, ref: str, terms: dict[str, list[str]], field: str = "all") -> None:
    """Every language's text of `ref` holds each of its terms (case-insensitive)."""
    for lang in LANGUAGES:
        item = kb.by_ref(ref)
        text = kb.text(item, "summary", lang) if field == "summary" else _text(kb, ref, lang)
        for term in terms[lang]:
            assert term.lower() in text.lower(), (ref, lang, term)


# --- §2: the new routes have an example -------------------------------------------------------------

CORRIDOR = {
    "en": ["Tibet-Qiang-Yi"],
    "zh": ["藏羌彝文化产业走廊"],
    "ru": ["Тибет-Цян-И"],
    "ja": ["チベット・チャン・イ"],
    "ko": ["티베트·강·이"],
    "de": ["Tibet-Qiang-Yi"],
    "fr": ["tibéto-qiang-yi"],
    "es": ["tibetano-qiang-yi"],
}
NO_ROUTE_NAMED = {
    "en": ["names none", "does not list specific"],
    "zh": ["没有具体列出", "没有列出具体"],
    "ru": ["не называет ни одного", "не перечисляет"],
    "ja": ["一つも挙げていません", "具体的な新ルートは挙げていません"],
    "ko": ["하나도 들지 않습니다", "나열하지 않습니다"],
    "de": ["nennt keine", "nennt er nicht"],
    "fr": ["n'en nomme aucun", "ne cite aucun"],
    "es": ["no nombra ninguna", "no enumera rutas"],
}


def test_new_cultural_routes_give_the_papers_example(source: str) -> None:
    assert "For example, the Tibet-Qiang-Yi cultural industrial corridor" in source


def test_new_cultural_routes_name_the_corridor_in_every_language(kb: KnowledgeBase) -> None:
    _check_terms(kb, "route:new_cultural_routes", CORRIDOR, field="summary")
    for lang in LANGUAGES:
        text = _text(kb, "route:new_cultural_routes", lang)
        assert not any(claim in text for claim in NO_ROUTE_NAMED[lang]), lang


# --- §6 / §6.2: the sound-and-light display belongs to §6.2 -----------------------------------------

DISPLAY = {
    "en": ["sound, light, water and colour", "three-dimensional"],
    "zh": ["声、光、水、色", "立体"],
    "ru": ["свет", "объёмн"],  # declined: "звуком, светом, водой и цветом" / "в звуке, свете, воде и цвете"
    "ja": ["音・光・水・色", "立体的"],
    "ko": ["소리·빛·물·색", "입체적"],
    "de": ["Klang, Licht, Wasser und Farbe", "dreidimensional"],
    "fr": ["le son, la lumière, l'eau et la couleur", "trois dimensions"],
    "es": ["sonido, luz, agua y color", "tridimensional"],
}


def test_the_display_is_in_section_6_2_of_the_paper(source: str) -> None:
    six_two = source.split("6.2 Activating Resources")[1].split("7. Grasping")[0]
    assert "sound, light, water and color" in six_two and "three-dimensional" in six_two
    six = source.split("6. Smart Industries Led")[1].split("6.1 Smart Industries")[0]
    assert "sound" not in six and "light" not in six


def test_section_6_2_leads_with_the_display(kb: KnowledgeBase) -> None:
    _check_terms(kb, "section:6.2", DISPLAY, field="summary")
    for lang in LANGUAGES:
        first_point = kb.points(kb.get("section", "6.2"), lang)[0]
        assert DISPLAY[lang][0].lower() in first_point.lower(), lang


def test_every_section_an_item_mentions_is_among_its_cites(kb: KnowledgeBase) -> None:
    """A "§6.2" in the text of fact:smart_technologies means it must cite 6.2, and so on for every item."""
    for item in kb.all_items():
        if item.kind == "section":
            continue
        for lang in LANGUAGES:
            mentioned = set(re.findall(r"§\s?(\d+(?:\.\d)?)", _text(kb, item.ref, lang)))
            assert mentioned <= set(item.cites), (item.ref, lang, mentioned - set(item.cites))


def test_smart_technologies_cite_both_sections(kb: KnowledgeBase) -> None:
    assert kb.get("fact", "smart_technologies").cites == ["6", "6.2"]
    assert kb.citation(kb.get("fact", "smart_technologies")) == "(§6, §6.2)"
    english = _text(kb, "fact:smart_technologies", "en")
    assert "Also used to show sites" not in english and "does not tie it to these technologies" in english


# --- §9: the >30% figure -----------------------------------------------------------------------------


def test_section_9_carries_the_online_figure(kb: KnowledgeBase, source: str) -> None:
    assert (
        "more than 30% of the consumers will order culturally relevant products through the Internet"
        in source
    )
    for lang in LANGUAGES:
        section = kb.get("section", "9")
        assert "30" in kb.text(section, "summary", lang), lang
        assert any("30" in point for point in kb.points(section, lang)), lang
    assert "more than 30% of consumers" in kb.text(kb.get("section", "9"), "summary", "en")


# --- §10: "sea" projects and the Wuxi example -------------------------------------------------------

WUXI = {
    "en": "Wuxi",
    "zh": "无锡",
    "ru": "Уси",
    "ja": "無錫",
    "ko": "우시",
    "de": "Wuxi",
    "fr": "Wuxi",
    "es": "Wuxi",
}


def test_section_10_carries_the_wuxi_example(kb: KnowledgeBase, source: str) -> None:
    assert "Wuxi City, located in Jiangsu Province" in source and "Water Margin" in source
    for lang in LANGUAGES:
        section = kb.get("section", "10")
        assert WUXI[lang] in kb.text(section, "summary", lang), lang
        assert any(WUXI[lang] in point for point in kb.points(section, lang)), lang


def test_sea_projects_are_not_read_as_maritime(kb: KnowledgeBase) -> None:
    english = _text(kb, "section:10", "en")
    assert '"sea" projects' not in english and "look-alike projects" in english
    assert "projet mer" not in kb.keywords(kb.get("section", "10"), "fr")
    assert "proyecto mar" not in kb.keywords(kb.get("section", "10"), "es")


# --- §12: world-famous attractions, international standards, senior managers -----------------------

STANDARDS = {
    "en": ["in line with international standards", "senior international managers", "world-famous"],
    "zh": ["与国际接轨", "国际高级管理人才", "世界著名"],
    "ru": ["международным стандартам", "высшего звена", "всемирно известн"],
    "ja": ["国際基準に沿った", "上級管理職", "世界的に有名"],
    "ko": ["국제 기준에 맞는", "고위 경영", "세계적으로 유명한"],
    "de": ["nach internationalen Standards", "Top-Manager", "weltberühmte"],
    "fr": ["conforme aux normes internationales", "cadres dirigeants", "renommée mondiale"],
    "es": ["acorde con los estándares internacionales", "altos directivos", "fama mundial"],
}
STUDY_TRIPS_ABROAD = {
    "en": ["study visits", "abroad to learn"],
    "zh": ["出国考察"],
    "ru": ["учебные поездки"],
    "ja": ["海外視察"],
    "ko": ["해외 시찰"],
    "de": ["Studienreisen"],
    "fr": ["visites d'étude"],
    "es": ["visitas de estudio"],
}


def test_section_12_follows_the_paper(kb: KnowledgeBase, source: str) -> None:
    for phrase in (
        "world-famous regional or cultural attractions",
        "in line with international standards",
        "experienced senior international management personnel",
    ):
        assert phrase in source, phrase
    _check_terms(kb, "section:12", STANDARDS)


def test_no_study_visits_abroad_anywhere(kb: KnowledgeBase) -> None:
    for item in kb.all_items():
        for lang in LANGUAGES:
            words = _text(kb, item.ref, lang) + " " + " ".join(kb.keywords(item, lang))
            for wrong in STUDY_TRIPS_ABROAD[lang]:
                assert wrong not in words, (item.ref, lang, wrong)


# --- §13: leapfrogging development, seminars, deregulation with management --------------------------

CONCLUSION = {
    "en": [
        "leapfrogging development",
        "seminars and high-level dialogues",
        "combining deregulation with management",
    ],
    "zh": ["跨越式发展", "研讨会和高层对话", "放管结合"],
    "ru": ["скачкообразн", "семинары и диалоги высокого уровня", "сочетать дерегулирование с надзором"],
    "ja": ["飛躍的発展", "シンポジウムやハイレベル対話", "規制緩和と管理の結合"],
    "ko": ["비약적 발전", "세미나와 고위급 대화", "규제 완화와 관리의 결합"],
    "de": ["sprunghafte", "Seminaren und hochrangigen Dialogen", "Deregulierung mit Aufsicht verbinden"],
    "fr": [
        "développement par bonds",
        "séminaires et des dialogues de haut niveau",
        "allier déréglementation et encadrement",
    ],
    "es": [
        "desarrollo por saltos",
        "seminarios y diálogos de alto nivel",
        "combinar desregulación y supervisión",
    ],
}


def test_section_13_follows_the_paper(kb: KnowledgeBase, source: str) -> None:
    for phrase in (
        "leapfrogging development in Sichuan",
        "seminars and high-level dialogues",
        "combining deregulation with management",
    ):
        assert phrase in source, phrase
    _check_terms(kb, "section:13", CONCLUSION)


# --- the abstract / introduction --------------------------------------------------------------------

OVERVIEW_QUESTIONS = [
    ("en", "what is this paper about?"),
    ("zh", "这篇论文讲什么"),
    ("ru", "о чём эта статья?"),
    ("ja", "論文の概要を教えて"),
    ("ko", "이 논문은 무엇에 관한 건가요"),
    ("de", "Worum geht es in dem Artikel?"),
    ("fr", "De quoi parle l'article ?"),
    ("es", "¿De qué trata el artículo?"),
]


def test_paper_overview_exists_in_every_language(kb: KnowledgeBase) -> None:
    overview = kb.get("fact", "paper_overview")
    assert overview is not None and overview.cites == [] and kb.citation(overview) == ""
    for lang in LANGUAGES:
        assert kb.text(overview, "title", lang) and kb.text(overview, "summary", lang), lang
        assert len(kb.points(overview, lang)) >= 3 and kb.keywords(overview, lang), lang
    assert kb.topic_items("paper_info") == [overview]


def test_paper_overview_says_what_the_abstract_says(kb: KnowledgeBase, source: str) -> None:
    for phrase in (
        "pillar industry of the tertiary industry",
        "new economic growth point",
        "dual responsibility",
        "build some cultural centers",
        "major trend",
    ):
        assert phrase in source, phrase
    english = _text(kb, "fact:paper_overview", "en")
    for phrase in (
        "tertiary industry",
        "new economic growth point",
        "dual responsibility",
        "cultural centers",
        "historical and cultural heritage",
        "natural environment",
        "major trend",
    ):
        assert phrase in english, phrase


@pytest.mark.parametrize(("lang", "question"), OVERVIEW_QUESTIONS)
def test_what_is_the_paper_about_finds_the_overview(lang: str, question: str) -> None:
    ranked = query.rank(question, lang)
    assert ranked and ranked[0].item.ref == "fact:paper_overview", [(m.item.ref, m.score) for m in ranked[:3]]


# --- language-specific fixes -------------------------------------------------------------------------

SICHUAN_RU = re.compile(r"\b(?:с[иы]ч[уа]\w*|сеч[уа]\w*)", re.IGNORECASE)


def _russian_display_texts(kb: KnowledgeBase) -> list[str]:
    texts = [_text(kb, item.ref, "ru") for item in kb.all_items()]
    texts += [kb.paper.title("ru"), *(kb.paper.funder(g, "ru") for g in kb.paper.grants)]
    texts += [kb.paper.affiliation(a, "ru") for a in kb.paper.authors]
    texts += [kb.tag_label(tag, "ru") for kind in ("interest", "sector") for tag in kb.tags(kind)]
    texts += STRINGS.tables["ru"].values()  # what the assistant says around the facts
    return texts


def test_russian_spells_sichuan_sychuan(kb: KnowledgeBase) -> None:
    words = {w for text in _russian_display_texts(kb) for w in SICHUAN_RU.findall(text)}
    assert words and all(w.lower().startswith("сычуань") for w in words), words
    assert any("Сычуань" in text for text in _russian_display_texts(kb))


def test_russian_southern_silk_road_is_not_the_great_silk_road(kb: KnowledgeBase) -> None:
    keywords = [k.lower() for k in kb.keywords(kb.get("route", "southern_silk_road"), "ru")]
    assert not any("великий" in k for k in keywords)


def test_spanish_breakthrough_point(kb: KnowledgeBase, source: str) -> None:
    assert "as a breakthrough point" in source
    assert all("punto de partida" not in _text(kb, i.ref, "es") for i in kb.all_items())
    assert "punto de avance" in _text(kb, "opening:private_capital_talent", "es")


# --- paper metadata in the user's language ----------------------------------------------------------

AFFILIATION_MARKS = {
    "zh": ("四川理工学院", "成都市自来水有限责任公司"),
    "ja": ("四川理工学院", "成都市"),
    "ko": ("쓰촨", "청두"),
    "ru": ("Сычуань", "Чэнду"),
}


def test_affiliations_are_translated_in_every_language(kb: KnowledgeBase, source: str) -> None:
    paper = kb.paper
    assert [a.name for a in paper.authors] == ["Liao Guoqiang", "Liao Yu"]
    for author in paper.authors:
        assert author.affiliation.split(",")[0] in source
        assert paper.affiliation(author, "en") == author.affiliation
        for lang in LANGUAGES[1:]:
            translated = paper.affiliation(author, lang)
            assert translated and translated != author.affiliation, (author.name, lang)
            assert author.name not in translated
    for lang, marks in AFFILIATION_MARKS.items():
        for author, mark in zip(paper.authors, marks, strict=True):
            assert mark in paper.affiliation(author, lang), (lang, author.name)


def test_affiliation_by_name_and_fallback(kb: KnowledgeBase) -> None:
    paper = kb.paper
    assert paper.affiliation("Liao Guoqiang", "zh") == paper.affiliation(paper.authors[0], "zh")
    assert paper.affiliation("Liao Yu", "xx") == "Chengdu Municipal Waterworks Co., Ltd, Sichuan"
    assert paper.affiliation(Author("Someone", "Somewhere"), "de") == "Somewhere"
    with pytest.raises(KBError):
        paper.affiliation("Nobody", "en")


def test_funders_are_complete_and_translated(kb: KnowledgeBase) -> None:
    for grant in kb.paper.grants:
        assert kb.paper.funder(grant, "en") == grant.funder
        for lang in LANGUAGES[1:]:
            assert kb.paper.funder(grant, lang) and kb.paper.funder(grant, lang) != grant.funder, (
                grant.number,
                lang,
            )
    sichuan = {
        "zh": "四川",
        "ja": "四川",
        "ko": "쓰촨",
        "ru": "Сычуань",
        "de": "Sichuan",
        "fr": "Sichuan",
        "es": "Sichuan",
    }
    for lang, word in sichuan.items():
        for number in ("SLQ2016B-09", "LYC15-10"):
            grant = next(g for g in kb.paper.grants if g.number == number)
            assert word in kb.paper.funder(grant, lang), (lang, number)


def test_missing_affiliation_translation_is_a_load_error(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/de.yml", lambda d: d["paper"]["affiliations"].pop("suse"))
    with pytest.raises(KBError, match=r"text/de\.yml.*paper.*affiliations\.suse.*missing translation"):
        load_kb(data_copy)


def test_missing_affiliations_block_is_a_load_error(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/ko.yml", lambda d: d["paper"].pop("affiliations"))
    with pytest.raises(KBError, match=r"text/ko\.yml.*paper.*affiliations"):
        load_kb(data_copy)


def test_unknown_affiliation_id_is_a_load_error(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/fr.yml", lambda d: d["paper"]["affiliations"].update(mit="MIT"))
    with pytest.raises(KBError, match=r"text/fr\.yml.*affiliations\.mit"):
        load_kb(data_copy)


def test_author_without_affiliation_id_is_a_load_error(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "paper.yml", lambda d: d["authors"][1].pop("affiliation_id"))
    with pytest.raises(KBError, match=r"paper\.yml.*Liao Yu.*affiliation_id"):
        load_kb(data_copy)
