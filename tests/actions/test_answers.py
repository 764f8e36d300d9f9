"""Answer actions render the real KB in the reply language, cite sections and offer drill-downs."""

from __future__ import annotations

import json
import re

import pytest

from actions import answers, best_guess, rendering
from actions.follow_up import ActionSelectItem
from actions.i18n import ui
from actions.smalltalk import ActionSmalltalk
from tests.actions.conftest import make_tracker, run, slot_events, texts

CITATION_AT_END = re.compile(r"\(§\d+(\.\d+)?(, §\d+(\.\d+)?)*\)$")


def closing(messages):
    """The custom language message that must close every turn."""
    return messages[-1]["custom"]


def assert_full_answer(kb, messages, item, lang: str) -> None:
    """One message about `item`: its title, its summary, each key point as a bullet, and its citation
    once, at the very end. Built here from the KB's data, not by actions.rendering (under test)."""
    (reply,) = texts(messages)
    title, summary, *bullets = reply.splitlines()
    points = kb.points(item, lang)
    assert title == kb.text(item, "title", lang)
    assert summary == kb.text(item, "summary", lang)
    assert points and kb.citation(item).startswith("(§")
    assert bullets == [f"• {point}" for point in points[:-1]] + [f"• {points[-1]} {kb.citation(item)}"]


def test_measure_by_button_in_german_renders_the_kb_and_cites_it(kb):
    tracker = make_tracker(
        '/measure_info{"item":"section:9"}',
        "measure_info",
        entities={"item": "section:9"},
        slots={"language": "de"},
    )
    messages, events = run(answers.ActionMeasureInfo(), tracker)
    section = kb.get("section", "9")
    assert_full_answer(kb, messages, section, "de")
    assert texts(messages)[0].startswith("Öffentlichkeitsarbeit stärken, um den Einfluss zu vergrößern\n")
    assert "30 %" in texts(messages)[0]  # the paper's figure, in German typography
    assert closing(messages) == {"language": "de"}
    assert slot_events(events) == {
        "last_item": "section:9",
        "language": "de",
        "language_explicit": False,
        "language_from_user": False,
    }


@pytest.mark.parametrize(
    "text, section",
    [
        ("what about measure 11?", "11"),
        ("the ninth measure", "9"),
        ("Erzähl mir von Maßnahme 4", "4"),
        ("第十项措施是什么", "10"),
    ],
)
def test_measure_by_number_or_ordinal_in_any_language(kb, text, section):
    messages, _ = run(answers.ActionMeasureInfo(), make_tracker(text, "measure_info"))
    assert texts(messages)[0].endswith(f"(§{section})")


def test_measure_six_offers_its_subsections(kb):
    messages, events = run(
        answers.ActionMeasureInfo(), make_tracker("tell me about measure 6", "measure_info")
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ['/measure_info{"item": "section:6.1"}', '/measure_info{"item": "section:6.2"}']
    assert slot_events(events)["last_list"] == ["section:6.1", "section:6.2"]


@pytest.mark.parametrize(
    "text, entities",
    [("/measure_info", None), ('/measure_info{"item": "section:99"}', {"item": "section:99"})],  # start code
)
def test_unknown_measure_asks_which_with_the_list(kb, text, entities):
    messages, events = run(answers.ActionMeasureInfo(), make_tracker(text, "measure_info", entities=entities))
    assert texts(messages)[0].startswith(ui("measure.unknown", "en"))
    assert len(messages[0]["buttons"]) == 12
    assert len(slot_events(events)["last_list"]) == 12


def test_list_of_measures_is_numbered_cited_and_clickable(kb):
    messages, events = run(answers.ActionListMeasures(), make_tracker("列出所有措施", "list_measures"))
    lines = texts(messages)[0].splitlines()
    assert lines[0] == ui("measures.intro", "zh")
    assert lines[1] == f"1. {kb.text(kb.get('section', '1'), 'title', 'zh')} (§1)"
    assert lines[12].startswith("12. ") and lines[12].endswith("(§12)")
    buttons = messages[0]["buttons"]
    assert json.loads(buttons[8]["payload"].removeprefix("/measure_info")) == {"item": "section:9"}
    assert slot_events(events)["last_list"] == [f"section:{n}" for n in range(1, 13)]
    assert closing(messages) == {"language": "zh"}


def test_the_second_one_picks_from_the_last_list(kb):
    shown = [r.ref for r in kb.items("route")]
    messages, events = run(
        ActionSelectItem(), make_tracker("the second one", "select_item", slots={"last_list": shown})
    )
    assert_full_answer(kb, messages, kb.items("route")[1], "en")
    assert slot_events(events)["last_item"] == shown[1]


def test_the_three_kingdoms_one_picks_by_name_within_the_last_list(kb):
    shown = [r.ref for r in kb.items("route")]
    messages, events = run(
        ActionSelectItem(),
        make_tracker("tell me more about the Three Kingdoms one", "select_item", slots={"last_list": shown}),
    )
    assert slot_events(events)["last_item"] == "route:three_kingdoms"
    assert texts(messages)[0].endswith(kb.citation(kb.get("route", "three_kingdoms")))


def test_picking_without_a_list_says_so_with_the_menu(kb):
    messages, _ = run(ActionSelectItem(), make_tracker("the third one", "select_item"))
    assert texts(messages) == [ui("select.no_list", "en")]
    assert [b["payload"] for b in messages[0]["buttons"]][0] == "/list_measures"


def test_ordinal_beyond_the_list_asks_again_with_the_list(kb):
    shown = ["section:6.1", "section:6.2"]
    messages, _ = run(
        ActionSelectItem(), make_tracker("the fifth one", "select_item", slots={"last_list": shown})
    )
    assert texts(messages)[0].startswith(ui("select.unknown", "en"))
    assert len(messages[0]["buttons"]) == 2


@pytest.mark.parametrize(
    "text, route",
    [
        ("and the Red routes?", "red_tourism"),
        ("Расскажи про Южный шёлковый путь", "southern_silk_road"),
        ("三国文化线路", "three_kingdoms"),
    ],
)
def test_route_by_name(kb, text, route):
    _, events = run(answers.ActionRouteInfo(), make_tracker(text, "route_info"))
    assert slot_events(events)["last_item"] == f"route:{route}"


def test_route_button_with_an_unknown_id_still_finds_the_route(kb):
    tracker = make_tracker('/route_info{"item":"route:silk"}', "route_info", entities={"item": "route:silk"})
    _, events = run(answers.ActionRouteInfo(), tracker)
    assert slot_events(events)["last_item"] == "route:southern_silk_road"


def test_list_routes_has_a_button_per_route(kb):
    messages, _ = run(
        answers.ActionListRoutes(), make_tracker("which cultural routes are there", "list_routes")
    )
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        rendering.item_payload(route) for route in kb.items("route")
    ]


def test_openings_list_and_one_opening(kb):
    messages, _ = run(
        answers.ActionInvestmentOpenings(), make_tracker("what can I invest in", "investment_openings")
    )
    buttons = messages[0]["buttons"]
    assert len(buttons) == len(kb.items("opening")) + 1
    assert buttons[-1] == {"title": ui("button.investor_profile", "en"), "payload": "/investor_profile"}
    opening = kb.items("opening")[0]
    messages, _ = run(
        answers.ActionInvestmentOpenings(),
        make_tracker(rendering.item_payload(opening), "investment_openings", entities={"item": opening.ref}),
    )
    assert_full_answer(kb, messages, opening, "en")


@pytest.mark.parametrize("intent", best_guess.TOPIC_INTENTS)
def test_every_topic_paragraph_ends_with_its_citation(kb, intent):
    messages, _ = run(answers.ActionAnswerTopic(), make_tracker("?", intent, slots={"language": "fr"}))
    answer = texts(messages)[0]
    for paragraph in answer.split("\n\n"):
        assert CITATION_AT_END.search(paragraph), paragraph
    expected = {sid for item in kb.topic_items(intent) for sid in item.cites}
    assert expected == set(re.findall(r"§([\d.]+)", answer))


def test_publicity_answer_cites_section_nine_and_the_online_figure(kb):
    messages, _ = run(answers.ActionAnswerTopic(), make_tracker("how to market abroad", "publicity"))
    assert "(§9)" in texts(messages)[0]
    assert "30%" in texts(messages)[0]


@pytest.mark.parametrize("intent", ["greet", "goodbye", "thank", "help", "bot_challenge", "affirm", "deny"])
def test_smalltalk_has_no_citation(kb, intent):
    messages, _ = run(ActionSmalltalk(), make_tracker("?", intent, slots={"language": "ko"}))
    assert texts(messages) == [ui(f"smalltalk.{intent}", "ko")]
    assert "§" not in texts(messages)[0]
    assert closing(messages) == {"language": "ko"}


def test_greeting_in_spanish_answers_in_spanish_with_the_menu(kb):
    messages, events = run(ActionSmalltalk(), make_tracker("¡Hola!", "greet"))
    assert texts(messages) == [ui("smalltalk.greet", "es")]
    assert messages[0]["buttons"][0] == {
        "title": ui("button.list_measures", "es"),
        "payload": "/list_measures",
    }
    assert slot_events(events)["language"] == "es"


def test_paper_info_names_authors_affiliations_grants_and_references(kb):
    messages, _ = run(answers.ActionPaperInfo(), make_tracker("who wrote this paper", "paper_info"))
    overview, info, refs = texts(messages)
    assert overview.startswith(kb.text(kb.get("fact", "paper_overview"), "title", "en"))
    for author in kb.paper.authors:
        assert f"{author.name} — {author.affiliation}" in info
    for grant in kb.paper.grants:
        assert grant.number in info
    assert refs.count("\n[") == len(kb.paper.references)


@pytest.mark.parametrize("text, lang", [("这篇论文是谁写的", "zh"), ("この論文の著者は誰ですか", "ja")])
def test_paper_info_is_in_the_users_language_but_keeps_the_names_as_printed(kb, text, lang):
    messages, _ = run(answers.ActionPaperInfo(), make_tracker(text, "paper_info"))
    info = texts(messages)[1]
    for author in kb.paper.authors:
        assert f"{author.name} — {kb.paper.affiliation(author, lang)}" in info
        assert kb.paper.affiliation(author, lang) != author.affiliation
    for grant in kb.paper.grants:
        assert kb.paper.funder(grant, lang) in info


def test_a_failing_action_apologizes_in_the_users_language(kb, monkeypatch):
    def broken(intent):
        raise RuntimeError("boom")

    monkeypatch.setattr(kb, "topic_items", broken)
    messages, events = run(
        answers.ActionAnswerTopic(), make_tracker("Wie steht es um die Talente?", "talent")
    )
    assert texts(messages) == [ui("error.generic", "de")]
    assert closing(messages) == {"language": "de"}


def test_an_answer_without_sub_sections_leads_on_to_related_items_without_changing_the_list(kb):
    shown = ["route:ancient_shu", "route:three_kingdoms"]
    tracker = make_tracker("", "measure_info", slots={"last_list": shown}, entities={"item": "section:12"})
    messages, events = run(answers.ActionMeasureInfo(), tracker)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert any("opening:foreign_cooperation" in p for p in payloads)
    assert not [e for e in events if e.get("name") == "last_list"]  # "the second one" still picks a route


def test_an_opening_leads_back_to_the_section_that_names_it(kb):
    tracker = make_tracker("", "investment_openings", entities={"item": "opening:film_tv"})
    messages, _ = run(answers.ActionInvestmentOpenings(), tracker)
    assert any("section:9" in b["payload"] for b in messages[0]["buttons"])


@pytest.mark.parametrize(
    "text, intent, lang",
    [
        (
            "Welche Förderprogramme bietet die Provinz Yunnan für Filmproduktionen?",
            "investment_openings",
            "de",
        ),
        ("광둥성 문화산업 지원 정책은 어때요?", "government_role", "ko"),
        (
            "Quelles aides la province du Guangdong offre-t-elle aux studios d'animation ?",
            "nlu_fallback",
            "fr",
        ),
        ("广东的文化产业有哪些措施", "list_measures", "zh"),
    ],
)
def test_a_question_about_another_province_gets_the_honest_not_covered_reply(kb, text, intent, lang):
    """The paper is about Sichuan; answering Yunnan's subsidies with our openings would present as
    the paper's what it never says."""
    from actions.best_guess import ActionBestGuess

    action = {
        "investment_openings": answers.ActionInvestmentOpenings(),
        "government_role": answers.ActionAnswerTopic(),
        "nlu_fallback": ActionBestGuess(),
        "list_measures": answers.ActionListMeasures(),
    }[intent]
    messages, _ = run(action, make_tracker(text, intent))
    assert texts(messages)[0] == ui("out_of_scope", lang)
    assert "§" not in " ".join(texts(messages))


def test_a_question_naming_sichuan_beside_another_province_is_answered(kb):
    text = "compared with Guangdong, what can investors do in Sichuan's old base areas?"
    messages, _ = run(answers.ActionInvestmentOpenings(), make_tracker(text, "investment_openings"))
    assert "(§11)" in texts(messages)[0]
