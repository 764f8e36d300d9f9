"""Route suggestions: interests named up front or later, every route when none is named."""

from __future__ import annotations

import pytest

from actions import best_guess, routes
from actions.i18n import ui
from tests.actions.conftest import make_tracker, run, slot_events, texts


@pytest.mark.parametrize(
    "text, lang, route",
    [
        ("recommend me a route, I'm into ethnic minority culture", "en", "tibet_qiang_yi"),
        ("我对红色革命历史感兴趣，推荐条路线", "zh", "red_tourism"),
        ("Welche Route passt zu mir? Ich liebe die Drei Reiche", "de", "three_kingdoms"),
    ],
)
def test_an_interest_named_up_front_gets_suggestions_at_once(kb, text, lang, route):
    messages, events = run(routes.ActionRecommendRoutes(), make_tracker(text, "recommend_route"))
    answer = texts(messages)[0]
    assert answer.startswith(ui("recommend.intro", lang))
    assert f"route:{route}" in slot_events(events)["last_list"]
    assert kb.citation(kb.get("route", route)) in answer
    assert messages[-1]["custom"] == {"language": lang}


def test_no_interest_lists_every_route_with_a_line_and_the_interests_as_buttons(kb):
    messages, events = run(
        routes.ActionRecommendRoutes(), make_tracker("which route suits me?", "recommend_route")
    )
    answer = texts(messages)[0]
    assert answer.startswith(ui("recommend.overview", "en"))
    for route in kb.items("route"):
        assert kb.text(route, "title", "en") in answer
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f'/recommend_route{{"item": "interest:{tag}"}}' for tag in kb.tags("interest")
    ]
    assert slot_events(events)["last_list"] == [route.ref for route in kb.items("route")]


def test_an_interest_button_gets_its_routes(kb):
    tracker = make_tracker(
        '/recommend_route{"item":"interest:ecology"}',
        "recommend_route",
        entities={"item": "interest:ecology"},
    )
    _, events = run(routes.ActionRecommendRoutes(), tracker)
    assert all("ecology" in kb.by_ref(ref).tags for ref in slot_events(events)["last_list"])


@pytest.mark.parametrize(
    "text, lang",
    [
        ("a route for a fan of revolutionary history", "en"),
        ("un itinéraire pour un passionné d'histoire révolutionnaire", "fr"),
        ("una ruta para quien ama la historia revolucionaria", "es"),
        ("革命历史爱好者适合哪条路线", "zh"),
        ("革命の歴史が好きな人におすすめのルートは？", "ja"),
    ],
)
def test_revolutionary_history_leads_with_the_red_routes_not_every_history_route(kb, text, lang):
    """ "Revolutionary history" names one interest; "history" inside it must not pull in the ancient
    routes, and the route that is only about it comes before one that is also about nature."""
    messages, events = run(routes.ActionRecommendRoutes(), make_tracker(text, "recommend_route"))
    shown = slot_events(events)["last_list"]
    assert shown[0] == "route:red_tourism"
    assert all("revolutionary_heritage" in kb.by_ref(ref).tags for ref in shown)
    assert messages[-1]["custom"] == {"language": lang}


def test_best_fitting_route_comes_first(kb):
    ranked = routes.rank_by_tags(kb.items("route"), ["history", "literature"])
    assert ranked[0].id == "three_kingdoms"


def test_a_free_answer_after_the_overview_is_read_as_interests(kb):
    messages, events = run(best_guess.ActionFreeAnswer(), make_tracker("revolutionary history", "inform"))
    assert "route:red_tourism" in slot_events(events)["last_list"]
    assert "§2" in texts(messages)[0]


def test_a_free_answer_naming_a_sector_gets_the_openings_that_fit_and_is_kept(kb):
    messages, events = run(best_guess.ActionFreeAnswer(), make_tracker("film and TV", "inform"))
    shown = slot_events(events)["last_list"]
    assert shown and all("media" in kb.by_ref(ref).tags for ref in shown)
    assert slot_events(events)["sector"] == ["media"]
    assert [b["payload"] for b in messages[0]["buttons"][-2:]] == ["/investor_profile", "/human_handoff"]


def test_where_an_investor_is_based_is_taken_once_the_talk_is_about_investing(kb):
    tracker = make_tracker(
        "soy de México", "inform", slots={"sector": ["media"], "last_list": ["opening:film_tv"]}
    )
    messages, events = run(best_guess.ActionFreeAnswer(), tracker)
    assert slot_events(events)["country"] == "México"
    assert "México" in texts(messages)[0] and "(§9)" in texts(messages)[0]
