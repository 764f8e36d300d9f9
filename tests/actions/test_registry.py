"""The action server, the domain and the UI strings agree with each other."""

from __future__ import annotations

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions import answers, best_guess, contact, form_answers, forms, investor, rendering, turn
from actions.i18n import STRINGS, has_ui, ui
from tests.actions.conftest import ROOT, make_tracker, run, texts

RASA_DEFAULT_OVERRIDES = {
    "action_default_ask_affirmation",
    "action_default_ask_rephrase",
    "action_default_fallback",
}


def test_every_domain_action_is_served_and_nothing_else(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain["actions"])
    assert RASA_DEFAULT_OVERRIDES <= set(executor.actions)


def test_every_form_slot_has_a_localized_question(domain):
    for form in domain["forms"].values():
        for slot in form["required_slots"]:
            assert f"action_ask_{slot}" in domain["actions"]


def test_every_suggestable_intent_has_a_did_you_mean_title(kb, domain):
    missing = [
        name
        for name in domain["intents"]
        if name not in best_guess.NOT_OFFERED and not has_ui(f"intent.{name}")
    ]
    assert missing == []


def test_every_involvement_has_a_label(kb):
    assert all(has_ui(f"involvement.{ident}") for ident in form_answers.involvement_ids())


def test_language_slot_values_are_the_kb_languages(kb, domain):
    assert tuple(domain["slots"]["language"]["values"]) == kb.languages


@pytest.mark.parametrize(
    "action, buttons",
    [
        (
            investor.ActionAskSector,
            lambda kb: [f'/inform{{"item": "sector:{t}"}}' for t in kb.tags("sector")],
        ),
        (
            investor.ActionAskInvolvement,
            lambda kb: [f'/inform{{"item": "involvement:{i}"}}' for i in form_answers.involvement_ids()],
        ),
        (investor.ActionAskCountry, lambda kb: []),
        (contact.ActionAskContactName, lambda kb: []),
    ],
)
def test_form_questions_are_localized_with_their_choices(kb, action, buttons):
    messages, events = run(action(), make_tracker("", "inform", slots={"language": "ru"}))
    assert texts(messages) == [ui(f"form.ask_{action.slot}", "ru")]
    assert [b["payload"] for b in messages[0].get("buttons") or []] == buttons(kb)
    assert messages[-1]["custom"] == {"language": "ru"}


def test_the_answer_registry_agrees_with_the_rules(domain):
    """Questions inside forms and best guesses are answered by the action the rules give the intent."""
    ruled = {}
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            if (
                len(steps) == 2
                and "intent" in steps[0]
                and "action" in steps[1]
                and not rule.get("condition")
            ):
                ruled[steps[0]["intent"]] = steps[1]["action"]
    registry = {intent: action().name() for intent, action in best_guess.ANSWER_ACTIONS.items()}
    assert {i: a for i, a in registry.items() if i in ruled} == {i: ruled[i] for i in registry if i in ruled}
    assert set(registry) <= set(ruled), "every registered intent has its rule"
    assert set(registry) <= set(domain["intents"])


def test_the_free_form_answers_are_form_slots_of_the_domain(domain):
    assert turn.FREE_FORM_SLOTS <= set(turn.form_slots(domain))


def test_every_topic_of_the_kb_is_answered_from_it(kb):
    """topics.yml holds only what an action reads: the topic intents' items, the measures, the paper."""
    topics = yaml.safe_load((ROOT / "actions" / "kb" / "data" / "topics.yml").read_text(encoding="utf-8"))
    read = {*best_guess.TOPIC_INTENTS, "list_measures", "paper_info"}
    assert set(topics) == read
    assert all(kb.topic_items(intent) for intent in read)


def test_the_assistants_strings_are_complete_in_every_language_of_the_kb(kb):
    STRINGS.validate()  # every language: English's keys and placeholders (as at the action server's start)
    assert tuple(STRINGS.tables) == kb.languages


def test_every_intent_the_actions_name_is_in_the_domain(domain):
    named = {
        *best_guess.TOPIC_INTENTS,
        *best_guess.ANSWER_ACTIONS,
        *best_guess.NOT_OFFERED,
        *best_guess.ITEM_KINDS,
        *turn.NOT_ANSWERS,
        *turn.NOT_TOPICS,
        *forms.FORM_ANSWER_INTENTS,
        *answers.PROFILE_OFFER_INTENTS,
        *answers.KB_ORDERED_TOPICS,
        *(intent for _, intent in answers.MENU),
        *rendering.INTENT_BY_KIND.values(),
    }
    assert named - set(domain["intents"]) == {"nlu_fallback"}  # Rasa's own, not the domain's
