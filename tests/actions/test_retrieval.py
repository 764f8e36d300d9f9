"""Meaning-based search of the KB: cross-lingual ranking, the point asked, and the best guess."""

from __future__ import annotations

import pytest

from actions import answers, best_guess, retrieval
from actions.i18n import ui
from tests.actions.conftest import make_tracker, run, texts


@pytest.fixture(scope="module")
def index(kb, tmp_path_factory):
    return retrieval.get_index(kb, tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize(
    "question, ref",
    [
        ("레드 관광 루트 알려줘", "route:red_tourism"),
        ("there was some city that built tourism around classic novels, which one", "section:10"),
        ("what is this paper about", "fact:paper_overview"),
        ("Wie wird Innovation gefördert?", "section:5"),
    ],
)
def test_questions_land_near_the_item_that_answers_them_in_any_language(index, question, ref):
    assert ref in [hit.item.ref for hit in index.search(question, limit=3)]


def test_the_vectors_are_cached_by_the_kb_text(kb, tmp_path):
    first = retrieval.SemanticIndex(kb, tmp_path)
    assert list(tmp_path.glob("kb-vectors-*.npy"))
    again = retrieval.SemanticIndex(kb, tmp_path)
    assert (again.vectors == first.vectors).all()


def test_odd_input_gives_no_hits(index):
    assert index.search("") == [] and index.search("   ") == []


def test_the_closest_item_of_a_topic_comes_first(kb):
    tracker = make_tracker(
        "can high tech make old temples and ruins come to life for visitors?", "smart_industry"
    )
    messages, _ = run(answers.ActionAnswerTopic(), tracker)
    first = texts(messages)[0].split("\n\n")[0]  # the item answered in full, before the others in brief
    assert first.rstrip().endswith("(§6.2)"), first  # §6.2 itself or the opening it names


def test_an_answer_leads_with_the_point_asked(kb):
    section = kb.get("section", "12")
    tracker = make_tracker(
        "what could they learn from world famous tourist attractions", "international_cooperation"
    )
    messages, _ = run(answers.ActionAnswerTopic(), tracker)
    lines = texts(messages)[0].splitlines()
    assert lines[0] == kb.text(section, "title", "en")
    assert lines[1].startswith("➤ ") and lines[1][2:] in kb.points(section, "en")
    assert "reception" in lines[1]


def test_a_button_asks_no_point(kb):
    item = kb.get("section", "9")
    tracker = make_tracker(
        '/measure_info{"item":"section:9"}', "measure_info", entities={"item": "section:9"}
    )
    messages, _ = run(answers.ActionMeasureInfo(), tracker)
    assert "➤" not in texts(messages)[0]
    assert texts(messages)[0].startswith(kb.text(item, "title", "en"))


def test_an_unsure_question_is_answered_when_the_kb_agrees_with_the_classifier(kb):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.55},
        {"name": "differentiation", "confidence": 0.4},
        {"name": "trends", "confidence": 0.3},
    ]
    tracker = make_tracker(
        "a city that got famous through old novels?", "nlu_fallback", intent_ranking=ranking
    )
    messages, _ = run(best_guess.ActionBestGuess(), tracker)
    assert "§10" in texts(messages)[0]
    assert ui("fallback.did_you_mean", "en") not in texts(messages)[0]


def test_gibberish_still_asks_did_you_mean(kb):
    ranking = [{"name": "nlu_fallback", "confidence": 0.55}, {"name": "greet", "confidence": 0.1}]
    messages, _ = run(
        best_guess.ActionBestGuess(),
        make_tracker("asdkjh qwpoe zzkx", "nlu_fallback", intent_ranking=ranking),
    )
    assert texts(messages)[0] == ui("fallback.did_you_mean", "en")


def test_an_unsure_out_of_scope_question_gets_the_honest_reply(kb):
    ranking = [{"name": "nlu_fallback", "confidence": 0.55}, {"name": "out_of_scope", "confidence": 0.45}]
    messages, _ = run(
        best_guess.ActionBestGuess(),
        make_tracker("what's the tax rate?", "nlu_fallback", intent_ranking=ranking),
    )
    assert texts(messages)[0] == ui("out_of_scope", "en")
