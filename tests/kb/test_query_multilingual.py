"""The query layer in Russian, Japanese, Korean, German, French and Spanish, on the shipped data.

English and Chinese are covered in test_query.py. Each language below has at least ten cases over
resolve, rank, parse_ordinal, parse_language and parse_tags, written the way users of that language
type them (inflected forms, particles, typos), plus checks that the translations keep every section
reference and figure of the English text.
"""

from __future__ import annotations

import re
import time
from collections import Counter

import pytest

from actions.kb import KnowledgeBase, query
from common.canonical import LANGUAGES

LANGS = tuple(lang for lang in LANGUAGES if lang not in ("en", "zh"))  # those two: test_query.py

# (lang, text, expected best item) — what a user names
RESOLVE = [
    ("ru", "расскажи про меру 9", "section:9"),
    ("ru", "девятая мера", "section:9"),
    ("ru", "Шёлковый путь", "route:southern_silk_road"),
    ("ru", "шелкавый путь", "route:southern_silk_road"),  # typo, ё written as е
    ("ru", "что насчёт Троецарствия?", "route:three_kingdoms"),
    ("ru", "коридор Тибет-Цян-И", "route:tibet_qiang_yi"),
    ("ru", "красный туризм", "route:red_tourism"),
    ("ja", "施策9について教えて", "section:9"),
    ("ja", "第九の施策", "section:9"),
    ("ja", "9番目の施策", "section:9"),
    ("ja", "シルクロード", "route:southern_silk_road"),
    ("ja", "三国", "route:three_kingdoms"),
    ("ja", "チベット・チャン・イ回廊", "route:tibet_qiang_yi"),
    ("ja", "紅色観光", "route:red_tourism"),
    ("ko", "조치 9에 대해 알려줘", "section:9"),
    ("ko", "아홉 번째 조치", "section:9"),
    ("ko", "9번째 조치", "section:9"),
    ("ko", "실크로드", "route:southern_silk_road"),
    ("ko", "삼국", "route:three_kingdoms"),
    ("ko", "홍색 관광", "route:red_tourism"),
    ("ko", "티베트 강 이 회랑", "route:tibet_qiang_yi"),
    ("de", "Maßnahme 9", "section:9"),
    ("de", "die neunte Maßnahme", "section:9"),
    ("de", "Seidenstraße", "route:southern_silk_road"),
    ("de", "Seidenstrase", "route:southern_silk_road"),  # typo
    ("de", "Drei Reiche", "route:three_kingdoms"),
    ("de", "roter Tourismus", "route:red_tourism"),
    ("fr", "la mesure 9", "section:9"),
    ("fr", "la neuvième mesure", "section:9"),
    ("fr", "route de la soie", "route:southern_silk_road"),
    ("fr", "les Trois Royaumes", "route:three_kingdoms"),
    ("fr", "tourisme rouge", "route:red_tourism"),
    ("fr", "corridor tibéto-qiang-yi", "route:tibet_qiang_yi"),
    ("es", "la medida 9", "section:9"),
    ("es", "la novena medida", "section:9"),
    ("es", "Ruta de la Seda", "route:southern_silk_road"),
    ("es", "ruta de la sedaa", "route:southern_silk_road"),  # typo
    ("es", "Tres Reinos", "route:three_kingdoms"),
    ("es", "turismo rojo", "route:red_tourism"),
]

# (lang, question, expected best item) — free-text questions
RANK = [
    ("ru", "как защищены инвесторы?", "fact:investor_protection"),
    ("ru", "как продвигать продукты за рубежом", "section:9"),
    ("ru", "что предлагает правительство", "fact:government_support"),
    ("ru", "какая ставка налога", "fact:out_of_scope"),
    ("ja", "投資家はどのように保護されますか", "fact:investor_protection"),
    ("ja", "海外でどう宣伝すればいいですか", "section:9"),
    ("ja", "結論は何ですか", "section:13"),
    ("ja", "税率はいくらですか", "fact:out_of_scope"),
    ("ko", "투자자는 어떻게 보호되나요", "fact:investor_protection"),
    ("ko", "해외 홍보는 어떻게 하나요", "section:9"),
    ("ko", "결론이 뭐예요", "section:13"),
    ("ko", "세율은 얼마인가요", "fact:out_of_scope"),
    ("de", "Wie werden Investoren geschützt?", "fact:investor_protection"),
    ("de", "Wie kann man im Ausland werben?", "section:9"),
    ("de", "Wie hoch ist der Steuersatz?", "fact:out_of_scope"),
    ("fr", "comment les investisseurs sont-ils protégés ?", "fact:investor_protection"),
    ("fr", "quelle est la conclusion ?", "section:13"),
    ("fr", "quel est le taux d'imposition ?", "fact:out_of_scope"),
    ("es", "¿cómo se protege a los inversores?", "fact:investor_protection"),
    ("es", "¿qué ofrece el gobierno?", "fact:government_support"),
    ("es", "¿cuál es la conclusión?", "section:13"),
    ("es", "¿cuánto cuesta un hotel?", "fact:out_of_scope"),
    # everyday wording for market trends (§7), nature (§4), staff (§8) and the paper's main point (§13)
    ("ru", "как меняется спрос на рынке", "section:7"),
    ("ru", "будут ли защищать природу и памятники", "section:4"),
    ("ru", "хватит ли квалифицированных сотрудников", "section:8"),
    ("ru", "подытожь статью", "section:13"),
    ("ja", "市場の需要はどう変わっていますか", "section:7"),
    ("ja", "自然はどう守られますか", "section:4"),
    ("ja", "専門家は足りていますか", "section:8"),
    ("ja", "論文の要点を教えて", "section:13"),
    ("ko", "시장 수요는 어떻게 변하나요", "section:7"),
    ("ko", "자연은 어떻게 보호되나요", "section:4"),
    ("ko", "전문가는 충분한가요", "section:8"),
    ("ko", "논문의 핵심은 뭐예요", "section:13"),
    ("de", "Wie verändert sich die Nachfrage auf dem Markt?", "section:7"),
    ("de", "Wird die Natur geschützt?", "section:4"),
    ("de", "Gibt es genug Fachleute?", "section:8"),
    ("de", "Was ist die Kernbotschaft des Artikels?", "section:13"),
    ("fr", "comment évolue la demande sur le marché ?", "section:7"),
    ("fr", "la nature est-elle protégée ?", "section:4"),
    ("fr", "y a-t-il assez de professionnels ?", "section:8"),
    ("fr", "quel est le message principal de l'article ?", "section:13"),
    ("es", "¿cómo cambia la demanda del mercado?", "section:7"),
    ("es", "¿se protege la naturaleza?", "section:4"),
    ("es", "¿hay suficientes profesionales?", "section:8"),
    ("es", "¿cuál es la idea principal del artículo?", "section:13"),
]

ORDINALS = [
    ("ru", "второй", 2),
    ("ru", "давай третий вариант", 3),
    ("ja", "二つ目", 2),
    ("ja", "3番目のもの", 3),
    ("ko", "두 번째", 2),
    ("ko", "세 번째 것", 3),
    ("de", "der zweite", 2),
    ("de", "die dritte bitte", 3),
    ("fr", "le deuxième", 2),
    ("fr", "la troisième s'il vous plaît", 3),
    ("es", "el segundo", 2),
    ("es", "la tercera", 3),
]

LANGUAGE_REQUESTS = [
    ("ru", "ответь по-французски", "fr"),
    ("ru", "можно на немецком?", "de"),
    ("ja", "ドイツ語で答えて", "de"),
    ("ja", "英語でお願いします", "en"),
    ("ko", "독일어로 대답해 줘", "de"),
    ("ko", "영어로 해주세요", "en"),
    ("de", "antworte auf Französisch", "fr"),
    ("de", "bitte auf Englisch", "en"),
    ("fr", "réponds en allemand", "de"),
    ("fr", "parle anglais", "en"),
    ("es", "responde en alemán", "de"),
    ("es", "habla francés por favor", "fr"),
]

# (lang, text, tag kind, expected tags exactly)
TAGS = [
    ("ru", "меня интересует история и этнические культуры", "route", {"history", "ethnic_cultures"}),
    ("ru", "кино и выставки", "opening", {"media", "events"}),
    ("ja", "歴史と民族文化に興味があります", "route", {"history", "ethnic_cultures"}),
    ("ja", "映画とテクノロジー", "opening", {"media", "technology"}),
    ("ko", "역사와 민족 문화에 관심이 있어요", "route", {"history", "ethnic_cultures"}),
    ("ko", "영화와 기술", "opening", {"media", "technology"}),
    ("de", "ich mag Geschichte", "route", {"history"}),
    ("de", "Film und Technologie", "opening", {"media", "technology"}),
    ("fr", "j'aime l'histoire et les cultures ethniques", "route", {"history", "ethnic_cultures"}),
    ("fr", "cinéma et formation", "opening", {"media", "education"}),
    ("es", "me gusta la historia", "route", {"history"}),
    ("es", "cine y tecnología", "opening", {"media", "technology"}),
]

NOTHING_NAMED = [
    ("ru", "ну и ладно"),
    ("ja", "えーと"),
    ("ko", "ㅋㅋㅋ"),
    ("de", "hmm, na gut"),
    ("fr", "bof, d'accord"),
    ("es", "vale, bueno"),
]

SECTION_REF = re.compile(r"§\s?(\d+(?:\.\d)?)")


def _top(matches: list) -> str | None:
    return matches[0].item.ref if matches else None


def test_every_language_has_at_least_ten_cases() -> None:
    """The issue's acceptance bar: ten query cases per language."""
    cases = Counter(
        lang for table in (RESOLVE, RANK, ORDINALS, LANGUAGE_REQUESTS, TAGS) for lang, *_ in table
    )
    assert {lang: cases[lang] for lang in LANGS} == {lang: max(cases[lang], 10) for lang in LANGS}


@pytest.mark.parametrize(("lang", "text", "expected"), RESOLVE)
def test_resolve_what_users_name(lang: str, text: str, expected: str) -> None:
    assert _top(query.resolve(text, lang)) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), RESOLVE)
def test_resolve_works_without_a_language_hint(lang: str, text: str, expected: str) -> None:
    """The language slot may be wrong or empty; the words alone must still find the item."""
    assert _top(query.resolve(text)) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), RANK)
def test_rank_questions(lang: str, text: str, expected: str) -> None:
    assert _top(query.rank(text, lang)) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), ORDINALS)
def test_parse_ordinal(lang: str, text: str, expected: int) -> None:
    assert query.parse_ordinal(text) == expected


@pytest.mark.parametrize(("lang", "text", "expected"), LANGUAGE_REQUESTS)
def test_parse_language(lang: str, text: str, expected: str) -> None:
    assert query.parse_language(text) == expected


@pytest.mark.parametrize(("lang", "text", "kind", "expected"), TAGS)
def test_parse_tags(lang: str, text: str, kind: str, expected: set[str]) -> None:
    assert set(query.parse_tags(text, kind)) == expected


@pytest.mark.parametrize(("lang", "text"), NOTHING_NAMED)
def test_filler_names_nothing(lang: str, text: str) -> None:
    """Filler words must not be mistaken for a measure, route or language."""
    assert query.resolve(text, lang) == []
    assert query.parse_language(text) is None
    assert query.parse_ordinal(text) is None


@pytest.mark.parametrize("lang", LANGS)
def test_every_item_is_found_by_its_own_title(kb: KnowledgeBase, lang: str) -> None:
    """A user who types an item's localized title gets that item first (the fallback entry aside)."""
    fallback = kb.get("fact", "out_of_scope")
    for item in (item for item in kb.all_items() if item != fallback):
        title = kb.text(item, "title", lang)
        assert _top(query.resolve(title, lang)) == item.ref or _top(query.rank(title, lang)) == item.ref, (
            title
        )


@pytest.mark.parametrize("lang", ("zh", *LANGS))
def test_translations_keep_every_section_reference(kb: KnowledgeBase, lang: str) -> None:
    """A "§N" in the English text must survive translation, or the answer loses its citation."""
    for item in kb.all_items():
        english = _refs(kb, item, "en")
        assert english <= _refs(kb, item, lang), (lang, item.ref)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_papers_figure(kb: KnowledgeBase, lang: str) -> None:
    """The one statistic of the paper (>30% order online, §9) reads the same in every language."""
    fact = kb.get("fact", "online_ordering")
    assert fact is not None and "30" in kb.text(fact, "summary", lang)
    assert "30" in " ".join(kb.points(fact, lang))


def _refs(kb: KnowledgeBase, item, lang: str) -> set[str]:
    text = " ".join([kb.text(item, "title", lang), kb.text(item, "summary", lang), *kb.points(item, lang)])
    return set(SECTION_REF.findall(text))


LONG_MESSAGES = [
    ("ru", "шёлковый путь "),
    ("ja", "シルクロードについて"),
    ("ko", "남방 실크로드 "),
    ("de", "Seidenstraße "),
    ("fr", "route de la soie "),
    ("es", "Ruta de la Seda "),
]


@pytest.mark.parametrize(("lang", "phrase"), LONG_MESSAGES)
def test_ten_thousand_characters_are_handled_quickly(lang: str, phrase: str) -> None:
    """A pasted wall of text still gets an answer, fast, and nothing raises."""
    text = phrase * (10_000 // len(phrase))
    started = time.perf_counter()
    found = query.resolve(text, lang)
    ranked = query.rank(text, lang)
    query.parse_tags(text, "route"), query.parse_language(text), query.parse_ordinal(text)
    assert time.perf_counter() - started < 3.0
    assert _top(found) == "route:southern_silk_road"
    assert all(0.0 <= match.score <= 1.0 for match in found + ranked)
