"""The query layer resolves what users name, ranks items for questions, and never fails on odd input."""

from __future__ import annotations

import pytest

from actions.kb import query
from common.canonical import LANGUAGES


def top(matches) -> str | None:
    """The ref of the best match, or None."""
    return matches[0].item.ref if matches else None


RESOLVE_EN = [
    ("measure 9", "section:9"),
    ("the ninth measure", "section:9"),
    ("§9", "section:9"),
    ("tell me about section 6.1", "section:6.1"),
    ("what about measure 11?", "section:11"),
    ("publicity", "section:9"),
    ("Silk Road", "route:southern_silk_road"),
    ("silk raod", "route:southern_silk_road"),
    ("and the Red routes?", "route:red_tourism"),
    ("the Tibet-Qiang-Yi corridor", "route:tibet_qiang_yi"),
    ("Three Kingdoms", "route:three_kingdoms"),
    ("the Wuxi example", "fact:wuxi_example"),
    ("smart industy", "section:6"),
    ("what is the tax rate", "fact:out_of_scope"),
]

RESOLVE_ZH = [
    ("第九条措施", "section:9"),
    ("措施9", "section:9"),
    ("第十二项措施", "section:12"),
    ("丝绸之路", "route:southern_silk_road"),
    ("三国", "route:three_kingdoms"),
    ("藏羌彝文化产业走廊是什么", "route:tibet_qiang_yi"),
    ("红色旅游线路", "route:red_tourism"),
    ("巴蜀文化", "route:ba_shu"),
    ("古蜀", "route:ancient_shu"),
    ("宣传", "section:9"),
    ("智慧产业", "section:6"),
    ("无锡的例子", "fact:wuxi_example"),
    ("签证怎么办", "fact:out_of_scope"),
]


@pytest.mark.parametrize(("text", "expected"), RESOLVE_EN + RESOLVE_ZH)
def test_resolve_names(text: str, expected: str) -> None:
    assert top(query.resolve(text)) == expected


@pytest.mark.parametrize(
    ("text", "kinds", "expected"),
    [
        ("silk road", ["section"], None),
        ("publicity", "route", None),
        ("measure 9", ["section", "route"], "section:9"),
        ("Шёлковый путь", ["route"], "route:southern_silk_road"),
    ],
)
def test_resolve_respects_kinds(text: str, kinds, expected: str | None) -> None:
    assert top(query.resolve(text, kinds=kinds)) == expected


def test_bare_number_is_a_weaker_section_match() -> None:
    named, bare = query.resolve("measure 9")[0], query.resolve("9")[0]
    assert named.item.ref == bare.item.ref == "section:9"
    assert bare.score < named.score


def test_typo_scores_below_exact() -> None:
    assert query.resolve("silk raod")[0].score < query.resolve("silk road")[0].score


RANK_EN = [
    ("how are investors protected?", "fact:investor_protection"),
    ("what does the government do to support the old areas", "fact:government_support"),
    ("how many consumers buy cultural products online", "fact:online_ordering"),
    ("how can we market our products abroad", "section:9"),
    ("what about environmental protection and sustainability", "section:4"),
    ("which technologies does the smart industry use", "section:6"),
    ("what are the trends in cultural consumption", "section:7"),
    ("how can a place stand out from the others", "section:10"),
    ("can we cooperate with foreign cultural institutions", "opening:foreign_cooperation"),
    ("what is the conclusion of the paper", "section:13"),
    ("I want to make documentaries and films", "opening:film_tv"),
]

RANK_ZH = [
    ("如何保护投资者的利益", "fact:investor_protection"),
    ("政府提供哪些支持", "fact:government_support"),
    ("有多少消费者在网上购买文化产品", "fact:online_ordering"),
    ("怎样在海外做营销推广", "section:9"),
    ("环境保护和可持续发展", "section:4"),
    ("智慧产业用了哪些技术", "fact:smart_technologies"),
    ("论文的结论是什么", "section:13"),
    ("人才培训怎么做", "opening:talent_training"),
    ("如何与外国文化机构合作", "opening:foreign_cooperation"),
    ("如何避免同质化竞争", "section:10"),
]


@pytest.mark.parametrize(("text", "expected"), RANK_EN + RANK_ZH)
def test_rank_questions(text: str, expected: str) -> None:
    ranked = query.rank(text)
    refs = [m.item.ref for m in ranked[:2]]
    assert expected in refs, [(m.item.ref, m.score) for m in ranked[:4]]


def test_rank_scores_are_sorted_and_bounded() -> None:
    scores = [m.score for m in query.rank("investment in film and technology in the old districts")]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


ORDINALS = [
    ("the second one", 2),
    ("number 3", 3),
    ("tell me more about the first", 1),
    ("the 12th", 12),
    ("第二个", 2),
    ("第十二个", 12),
    ("第3个", 3),
    ("второй", 2),
    ("вторую, пожалуйста", 2),
    ("девятая мера", 9),
    ("二つ目", 2),
    ("3番目", 3),
    ("十一番目", 11),
    ("두 번째", 2),
    ("두번째 거", 2),
    ("열두 번째", 12),
    ("der zweite", 2),
    ("die dritte Maßnahme", 3),
    ("le deuxième", 2),
    ("la première", 1),
    ("el segundo", 2),
    ("la novena medida", 9),
]


@pytest.mark.parametrize(("text", "expected"), ORDINALS)
def test_parse_ordinal(text: str, expected: int) -> None:
    assert query.parse_ordinal(text) == expected


@pytest.mark.parametrize("text", ["hello", "Silk Road", "我想投资", "", "🙂"])
def test_parse_ordinal_without_position(text: str) -> None:
    assert query.parse_ordinal(text) is None


LANGUAGE_REQUESTS = [
    ("answer in German", "de"),
    ("can you speak French?", "fr"),
    ("English please", "en"),
    ("Deutsch", "de"),
    ("in English please", "en"),
    ("tell me about Chinese culture in English", "en"),
    ("in German, please", "de"),
    ("answer in German from now on", "de"),
    ("en français s'il vous plaît", "fr"),
    ("по-английски пожалуйста", "en"),
    ("用德语回答", "de"),
    ("用中文", "zh"),
    ("请说英语", "en"),
    ("по-французски", "fr"),
    ("отвечай на английском", "en"),
    ("日本語で答えて", "ja"),
    ("ドイツ語でお願いします", "de"),
    ("한국어로 대답해 주세요", "ko"),
    ("영어로", "en"),
    ("antworte bitte auf Englisch", "en"),
    ("auf Deutsch", "de"),
    ("réponds en espagnol", "es"),
    ("en français", "fr"),
    ("responde en inglés", "en"),
    ("en español por favor", "es"),
]


@pytest.mark.parametrize(("text", "expected"), LANGUAGE_REQUESTS)
def test_parse_language(text: str, expected: str) -> None:
    assert query.parse_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm from Germany",
        "tell me about Chinese investment",
        "Chinese culture",
        "I am interested in Chinese culture",
        "Ich interessiere mich auf Deutsch Kultur nicht",
        "what is measure 9",
        "中国的文化产业",
        "",
    ],
)
def test_parse_language_ignores_mere_mentions(text: str) -> None:
    assert query.parse_language(text) is None


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("I like history and nature", "interest", ["history", "ecology"]),
        ("revolutionary heritage", "interest", ["revolutionary_heritage"]),
        ("我喜欢历史和民族文化", "interest", ["history", "ethnic_cultures"]),
        ("film and TV, and some technology", "sector", ["technology", "media"]),
        ("影视和旅游", "sector", ["tourism", "media"]),
        ("I like histroy", "interest", ["history"]),
        ("nothing in particular", "sector", []),
    ],
)
def test_parse_tags(text: str, kind: str, expected: list[str]) -> None:
    assert query.parse_tags(text, kind) == expected


ODD_INPUTS = ["", "   ", "🙂🙂🙂", "?!", "a" * 10_000, "silk road " * 1_000, "\x00\x01", None, 42, ["list"]]


@pytest.mark.parametrize("text", ODD_INPUTS)
def test_odd_input_never_raises(text) -> None:
    assert isinstance(query.resolve(text), list)
    assert isinstance(query.rank(text), list)
    assert query.parse_ordinal(text) in (None, *range(1, 100))
    assert query.parse_language(text) in (None, *LANGUAGES)
    assert isinstance(query.parse_tags(text, "interest"), list)


def test_warm_up_builds_every_language() -> None:
    query.warm_up()
    assert query.rank("Silk Road", "en")[0].item.ref == "route:southern_silk_road"


def test_empty_and_emoji_give_nothing() -> None:
    assert query.resolve("") == [] and query.rank("🙂") == []
