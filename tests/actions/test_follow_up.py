"""Short follow-ups on the last answer: "why that one?" explains it, "any others?" lists its kind."""

from __future__ import annotations

import pytest

from actions.best_guess import ActionBestGuess
from actions.follow_up import ActionSelectItem
from actions.i18n import ui
from actions.kb import query
from actions.smalltalk import ActionSmalltalk
from tests.actions.conftest import make_tracker, run, texts

AFTER_RECOMMENDATION = {"last_item": "route:ancient_shu", "last_list": ["route:ancient_shu", "route:ba_shu"]}


@pytest.mark.parametrize(
    "text, kind",
    [
        ("why that one?", "why"),
        ("¿por qué esa?", "why"),
        ("pourquoi tu me conseilles ça ?", "why"),
        ("为什么推荐这个", "why"),
        ("なんでそれ？", "why"),
        ("왜 그거예요?", "why"),
        ("还有别的选择吗", "others"),
        ("any other options?", "others"),
        ("und die anderen?", "others"),
        ("why do the old base areas matter so much for the development of western China?", None),
        ("what is the smart industry", None),
        ("/select_item", None),
    ],
)
def test_short_follow_ups_are_recognised_in_every_script(text, kind):
    assert query.parse_follow_up(text) == kind


@pytest.mark.parametrize(
    "action, intent",
    [(ActionSmalltalk(), "help"), (ActionBestGuess(), "nlu_fallback"), (ActionSelectItem(), "select_item")],
)
def test_why_after_a_recommendation_explains_the_route_shown(action, intent):
    tracker = make_tracker("¿por qué esa?", intent, slots={**AFTER_RECOMMENDATION, "language": "es"})
    messages, _ = run(action, tracker)
    reply = " ".join(texts(messages))
    assert "Shu" in reply and "(§2)" in reply


def test_any_others_after_a_recommendation_lists_every_route():
    tracker = make_tracker("还有别的选择吗", "nlu_fallback", slots={**AFTER_RECOMMENDATION, "language": "zh"})
    messages, events = run(ActionBestGuess(), tracker)
    shown = next(e["value"] for e in events if e.get("name") == "last_list")
    assert len(shown) == 7 and all(ref.startswith("route:") for ref in shown)


def test_a_why_with_nothing_shown_is_ordinary_small_talk(kb):
    messages, _ = run(ActionSmalltalk(), make_tracker("why?", "help"))
    assert texts(messages)[0].startswith(ui("smalltalk.help", "en")[:20])


def test_why_after_a_list_alone_explains_its_first_item():
    tracker = make_tracker(
        "pourquoi celle-là ?", "help", slots={"last_list": ["route:red_tourism"], "language": "fr"}
    )
    messages, _ = run(ActionSmalltalk(), tracker)
    assert "(§2)" in " ".join(texts(messages))


@pytest.mark.parametrize(
    "text, intent, lang, last, expected",
    [
        ("and the next one?", "list_measures", "en", "section:3", "section:4"),
        ("et la suivante ?", "nlu_fallback", "fr", "section:9", "section:10"),
        ("und die vorherige?", "measure_info", "de", "section:9", "section:8"),
        ("下一个呢", "help", "zh", "section:6.2", "section:7"),
        ("次は？", "select_item", "ja", "section:11", "section:12"),
        ("la siguiente", "route_info", "es", "route:red_tourism", "route:tibet_qiang_yi"),
    ],
)
def test_next_and_previous_after_an_answer_show_its_neighbour_in_paper_order(
    kb, text, intent, lang, last, expected
):
    from actions.answers import ActionListMeasures, ActionMeasureInfo, ActionRouteInfo

    action = {
        "list_measures": ActionListMeasures(),
        "nlu_fallback": ActionBestGuess(),
        "measure_info": ActionMeasureInfo(),
        "help": ActionSmalltalk(),
        "select_item": ActionSelectItem(),
        "route_info": ActionRouteInfo(),
    }[intent]
    messages, events = run(action, make_tracker(text, intent, slots={"last_item": last, "language": lang}))
    shown = kb.by_ref(expected)
    assert _last_item(events) == expected
    assert texts(messages)[0].startswith(kb.text(shown, "title", lang))
    assert kb.citation(shown) in texts(messages)[0]
    assert messages[-1]["custom"] == {"language": lang}


def _last_item(events: list) -> str:
    return next(e["value"] for e in events if e.get("name") == "last_item")


def test_a_longer_question_with_next_in_it_is_a_question_not_a_follow_up():
    from actions.answers import ActionAnswerTopic

    text = "what should foreign investors do next here?"
    tracker = make_tracker(text, "how_to_invest", slots={"last_item": "section:3"})
    _, events = run(ActionAnswerTopic(), tracker)
    assert _last_item(events) not in ("section:3", "section:4", "section:2")
