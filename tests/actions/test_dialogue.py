"""Language change, hand-off, out of scope, the localized two-stage fallback and cancelling."""

from __future__ import annotations

from actions import dialogue
from actions.i18n import ui
from tests.actions.conftest import make_tracker, run, slot_events, texts


def test_answer_in_german_switches_and_remembers_the_choice(kb):
    messages, events = run(
        dialogue.ActionChangeLanguage(),
        make_tracker("answer in German", "change_language", slots={"language": "en"}),
    )
    assert texts(messages) == [ui("language.changed", "de", name=kb.language_name("de", "de"))]
    assert slot_events(events) == {"language": "de", "language_explicit": True, "language_from_user": True}
    assert messages[-1]["custom"] == {"language": "de"}


def test_language_button_payload_switches(kb):
    tracker = make_tracker(
        '/change_language{"item":"language:ja"}', "change_language", entities={"item": "language:ja"}
    )
    messages, events = run(dialogue.ActionChangeLanguage(), tracker)
    assert texts(messages) == [ui("language.changed", "ja", name=kb.language_name("ja", "ja"))]
    assert slot_events(events)["language_explicit"] is True


def test_unnamed_language_offers_the_eight_languages(kb):
    messages, events = run(
        dialogue.ActionChangeLanguage(),
        make_tracker("/change_language", "change_language", slots={"language": "ru"}),
    )
    assert texts(messages) == [ui("language.ask", "ru")]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f'/change_language{{"item": "language:{code}"}}' for code in kb.languages
    ]
    assert slot_events(events)["language_explicit"] is False


def test_chosen_language_survives_a_short_message_in_another_language(kb):
    messages, _ = run(
        dialogue.ActionOutOfScope(),
        make_tracker("ok", "out_of_scope", slots={"language": "de", "language_explicit": True}),
    )
    assert messages[-1]["custom"]["language"] == "de"


def test_out_of_scope_is_honest_uncited_and_offers_a_person(kb):
    messages, _ = run(
        dialogue.ActionOutOfScope(),
        make_tracker("what is the tax rate for foreign companies", "out_of_scope"),
    )
    assert texts(messages) == [ui("out_of_scope", "en")]
    assert "§" not in texts(messages)[0] and "%" not in texts(messages)[0]
    assert messages[0]["buttons"][0]["payload"] == "/human_handoff"


def test_handoff_leaves_the_turn_open_for_the_contact_form(kb, monkeypatch):
    monkeypatch.setenv("ADVISOR_STAFF_CONTACT", "staff@example.org")
    messages, _ = run(dialogue.ActionHumanHandoff(), make_tracker("我想和真人谈谈", "human_handoff"))
    assert texts(messages) == [ui("human.intro_with_contact", "zh", contact="staff@example.org")]
    assert not any(m.get("custom") for m in messages)


def test_did_you_mean_offers_localized_intents_with_the_named_item(kb):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "measure_info", "confidence": 0.3},
        {"name": "publicity", "confidence": 0.1},
        {"name": "affirm", "confidence": 0.05},
    ]
    tracker = make_tracker("Maßnahme 9 bitte erklären wie", "nlu_fallback", intent_ranking=ranking)
    messages, _ = run(dialogue.ActionAskAffirmation(), tracker)
    assert texts(messages) == [ui("fallback.did_you_mean", "de")]
    buttons = messages[0]["buttons"]
    section = kb.get("section", "9")
    assert buttons == [
        {
            "title": dialogue.rendering.shorten(
                f"{ui('intent.measure_info', 'de')}: {kb.text(section, 'title', 'de')}"
            ),
            "payload": '/measure_info{"item": "section:9"}',
        },
        {"title": ui("intent.publicity", "de"), "payload": "/publicity"},
        {"title": ui("button.something_else", "de"), "payload": "/out_of_scope"},
    ]
    assert messages[-1]["custom"] == {"language": "de", "outcome": "did_you_mean", "topic": "measure_info"}


def test_rephrase_and_give_up_are_localized(kb):
    messages, _ = run(
        dialogue.ActionAskRephrase(), make_tracker("blorp", "nlu_fallback", slots={"language": "fr"})
    )
    assert texts(messages) == [ui("fallback.rephrase", "fr")]
    messages, events = run(
        dialogue.ActionDefaultFallback(), make_tracker("blorp", "nlu_fallback", slots={"language": "fr"})
    )
    assert texts(messages) == [ui("fallback.give_up", "fr")]
    assert events[0] == {"event": "rewind", "timestamp": None}
    assert messages[-1]["custom"] == {"language": "fr", "outcome": "fallback"}


def test_out_of_scope_names_the_nearest_topic_for_staff(kb):
    ranking = [
        {"name": "out_of_scope", "confidence": 0.6},
        {"name": "greet", "confidence": 0.2},
        {"name": "investor_protection", "confidence": 0.1},
    ]
    tracker = make_tracker("what is the corporate tax rate", "out_of_scope", intent_ranking=ranking)
    messages, _ = run(dialogue.ActionOutOfScope(), tracker)
    assert messages[-1]["custom"] == {
        "language": "en",
        "outcome": "out_of_scope",
        "topic": "investor_protection",
    }


def test_answered_turns_carry_no_outcome(kb):
    messages, _ = run(dialogue.ActionChangeLanguage(), make_tracker("answer in German", "change_language"))
    assert messages[-1]["custom"] == {"language": "de"}


def test_stop_cancels_a_running_form_and_forgets_its_answers(kb, domain):
    tracker = make_tracker(
        "отмена",
        "stop",
        active_loop="investor_form",
        slots={"requested_slot": "country", "sector": ["media"]},
    )
    messages, events = run(dialogue.ActionCancelForm(), tracker, domain)
    assert texts(messages) == [ui("form.cancelled", "ru")]
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    slots = slot_events(events)
    assert slots["requested_slot"] is None and slots["sector"] is None and slots["contact_email"] is None


def test_stop_without_a_form_says_there_is_nothing_to_cancel(kb):
    messages, events = run(dialogue.ActionCancelForm(), make_tracker("cancel", "stop"))
    assert texts(messages) == [ui("form.nothing_to_cancel", "en")]
    assert slot_events(events)["requested_slot"] is None
