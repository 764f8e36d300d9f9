"""What the user most likely asked, where the intent classifier alone is unsure or a form is running.

Two places need it: a message whose intent is below the confidence threshold (`nlu_fallback`), and a
question asked in the middle of a form ("wait, what does measure 9 say?"). In both, answering from the
paper beats asking back: the classifier's best intent is taken when the meaning-based search of the KB
agrees with it, the closest KB item is answered when it is clearly close, and only then does the
assistant say "did you mean" with the likeliest topics as buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk.events import SlotSet

from actions import answers, form_answers, matching, rendering, routes
from actions.answers import semantic_index, show_item
from actions.follow_up import ActionSelectItem, follow_up_reply
from actions.i18n import has_ui
from actions.kb import Item, query
from actions.resolution import best_match, last_list, picked_from_list, referenced_item
from actions.retrieval import ItemHit
from actions.smalltalk import ActionSmalltalk
from actions.turn import SMALLTALK_INTENTS, AdvisorAction, DomainDict, EventType, Turn, form_slots

TOPIC_INTENTS = (
    "government_role",
    "investor_protection",
    "smart_industry",
    "publicity",
    "talent",
    "environment",
    "trends",
    "differentiation",
    "international_cooperation",
    "conclusion",
    "figures",
    "how_to_invest",
)
# intent -> the action that answers it; one registry for the fallback and for questions inside forms
# (data/rules/answers.yml and smalltalk.yml map the same intents to the same actions; a test checks).
ANSWER_ACTIONS: dict[str, type[AdvisorAction]] = {
    "list_measures": answers.ActionListMeasures,
    "measure_info": answers.ActionMeasureInfo,
    "list_routes": answers.ActionListRoutes,
    "route_info": answers.ActionRouteInfo,
    "investment_openings": answers.ActionInvestmentOpenings,
    "select_item": ActionSelectItem,
    "paper_info": answers.ActionPaperInfo,
    "recommend_route": routes.ActionRecommendRoutes,
    **{intent: answers.ActionAnswerTopic for intent in TOPIC_INTENTS},
    **{intent: ActionSmalltalk for intent in SMALLTALK_INTENTS},
}
ITEM_KINDS = {"measure_info": ("section",), "route_info": ("route",), "investment_openings": ("opening",)}
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "affirm", "deny", "inform", "select_item", "stop"}
MAX_SUGGESTIONS = 3  # "did you mean" buttons
# Thresholds chosen on eval/dev and the two earlier sets (36 unsure messages of 505): answering
# the classifier's best intent from 0.4, or one of its best two from 0.2 when the KB search agrees, or
# the closest item from similarity 0.45 answered 19 of them right where "did you mean" for all but
# the agreed ones answered 14; no out-of-scope question was answered (their closest item is <= 0.37).
LIKELY_CONFIDENCE = 0.6  # the classifier's best intent is answered from here (when the KB vote is not clear)
GUESS_MIN_CONFIDENCE = 0.2  # one of its best two counts as a guess from here, if the KB agrees
OUT_OF_SCOPE_MIN_CONFIDENCE = 0.4  # an unsure "out of scope" still gets the honest reply from here
RETRIEVAL_MIN_SIMILARITY = 0.45  # the closest KB item alone is answered from this similarity
AGREEMENT_DEPTH = 3  # the intent's items must be among this many closest KB items
# An unsure message whose vote of meaning, keywords and names (answers.voted_items) points at one KB item
# this clearly is answered with that item, before any unsure intent: with the KB's typical questions
# (asks/) the vote's top item is right for 90% of 587 one-section dev questions, the unsure classifier
# far less. On the dev sets' 805 single questions (tools: an offline run of the real actions on the
# cached NLU parse): 91.6% before; vote from 1.1 to 2.0 with LIKELY_CONFIDENCE 0.6: 93.4-93.5%.
STRONG_VOTE = 1.5
VOTED_KINDS = ["section", "fact", "route", "opening"]


@dataclass(frozen=True)
class Guess:
    """Either an intent to answer as if NLU had been sure, or one KB item to answer directly."""

    intent: str | None = None
    item: Item | None = None


def ranked_intents(turn: Turn) -> list[tuple[str, float]]:
    """The classifier's ranking without the fallback pseudo-intent."""
    ranking = turn.tracker.latest_message.get("intent_ranking") or []
    return [
        (e["name"], float(e.get("confidence") or 0))
        for e in ranking
        if e.get("name") not in (None, "nlu_fallback")
    ]


def agrees(turn: Turn, intent: str, close: list[ItemHit]) -> bool:
    """True if the meaning-based search supports the intent (or the intent needs no KB item)."""
    if intent in SMALLTALK_INTENTS or intent in (
        "list_measures",
        "list_routes",
        "paper_info",
        "recommend_route",
    ):
        return True
    if intent in ITEM_KINDS:
        return referenced_item(turn, ITEM_KINDS[intent]) is not None or any(
            hit.item.kind in ITEM_KINDS[intent] for hit in close
        )
    topic = {item.ref for item in turn.kb.topic_items(intent)}
    return any(hit.item.ref in topic for hit in close)


def best_guess(turn: Turn) -> Guess | None:
    """The likeliest reading of an unsure message, or None when nothing is likely enough."""
    ranking = ranked_intents(turn)
    close = semantic_index(turn).search(turn.text, limit=AGREEMENT_DEPTH) if turn.text else []
    if ranking:
        intent, confidence = ranking[0]
        if intent == "out_of_scope" and confidence >= OUT_OF_SCOPE_MIN_CONFIDENCE:
            return Guess(intent="out_of_scope")
        if intent in ANSWER_ACTIONS and confidence >= LIKELY_CONFIDENCE:
            return Guess(intent=intent)
    voted = answers.voted_items(turn, VOTED_KINDS)
    if voted and voted[0][1] >= STRONG_VOTE:
        return Guess(item=voted[0][0])
    for intent, confidence in ranking[:2]:
        if intent in ANSWER_ACTIONS and confidence >= GUESS_MIN_CONFIDENCE and agrees(turn, intent, close):
            return Guess(intent=intent)
    if close and close[0].score >= RETRIEVAL_MIN_SIMILARITY:
        return Guess(item=close[0].item)
    return None


def answer_intent(turn: Turn, intent: str, domain: DomainDict) -> list[EventType]:
    """Answers as the intent's own action would (without closing the turn: the caller does)."""
    if intent == "out_of_scope":
        return answers.out_of_scope(turn)
    return ANSWER_ACTIONS[intent]().answer_as(turn, intent, domain)


def answer_guess(turn: Turn, guess: Guess, domain: DomainDict) -> list[EventType]:
    """Says the answer the guess points to."""
    if guess.intent:
        return answer_intent(turn, guess.intent, domain)
    assert guess.item is not None, "a Guess holds an intent or an item"
    return show_item(turn, guess.item)


def slot_values(events: list[EventType]) -> dict[str, Any]:
    """SlotSet events as a slot -> value dict (what a form validation returns)."""
    return {e["name"]: e["value"] for e in events if isinstance(e, dict) and e.get("event") == "slot"}


class ActionBestGuess(AdvisorAction):
    """Low NLU confidence: answer the likeliest question from the paper, else "did you mean"."""

    action_name = "action_best_guess"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        picked = picked_from_list(turn) if last_list(turn) and query.parse_ordinal(turn.text) else None
        if picked is not None:  # "la novena" after a list: an ordinal is not worth a "did you mean"
            return show_item(turn, picked)
        follow_up = follow_up_reply(turn)  # "why that one?", "any others?"
        if follow_up is not None:
            return follow_up
        if answers.about_elsewhere(turn):
            return answers.out_of_scope(turn)
        guess = best_guess(turn)
        if guess is None:
            return did_you_mean(turn)
        return answer_guess(turn, guess, domain)


def did_you_mean(turn: Turn) -> list[EventType]:
    """Asks back with the likeliest topics as buttons (and "something else")."""
    buttons = [suggestion_button(turn, name) for name in suggested_intents(turn)]
    buttons.append(rendering.button(turn.ui("button.something_else"), "out_of_scope"))
    turn.say(turn.ui("fallback.did_you_mean"), buttons)
    turn.unanswered("did_you_mean")
    return []


def suggested_intents(turn: Turn) -> list[str]:
    """The most likely intents NLU saw, those that make sense as a suggestion."""
    names = [name for name, _ in ranked_intents(turn)]
    offered = [name for name in names if name not in NOT_OFFERED and has_ui(f"intent.{name}")]
    return offered[:MAX_SUGGESTIONS]


def suggestion_button(turn: Turn, intent: str) -> dict[str, str]:
    """A button for one intent, with the item the user named when the intent takes one."""
    kinds = ITEM_KINDS.get(intent)
    item = best_match(turn, turn.text, kinds) if kinds else None
    if item is not None:
        title = f"{turn.ui(f'intent.{intent}')}: {turn.kb.text(item, 'title', turn.lang)}"
        return rendering.button(title, intent, item.ref)
    return rendering.button(turn.ui(f"intent.{intent}"), intent)


class ActionFreeAnswer(AdvisorAction):
    """A form-style answer with no form running ("revolutionary history", "film and TV", "I'm in
    Canada"): interests get route suggestions; what an investor volunteers (sector, way of taking part,
    and then where they are) is kept and answered with the openings that fit; anything else gets the
    best guess. Nothing the user states is ignored, and no form is forced on them."""

    action_name = "action_free_answer"

    def respond(self, turn: Turn, domain: DomainDict) -> list[EventType]:
        interests = routes.stated_interests(turn)
        if interests:
            return routes.recommend(turn, interests)
        volunteered = investor_details(turn)
        if volunteered:
            return show_volunteered(turn, volunteered, domain)
        guess = best_guess(turn)
        if guess is not None:
            return answer_guess(turn, guess, domain)
        country = investor_country(turn, domain)
        return show_volunteered(turn, {"country": country}, domain) if country else did_you_mean(turn)


def show_volunteered(turn: Turn, volunteered: dict[str, Any], domain: DomainDict) -> list[EventType]:
    """The openings that fit all the investor has told us, keeping what they just added."""
    return matching.show_matches(turn, {**current_profile(turn, domain), **volunteered}) + [
        SlotSet(slot, value) for slot, value in volunteered.items()
    ]


def current_profile(turn: Turn, domain: DomainDict) -> dict[str, Any]:
    """What the investor has told us so far in this conversation (the profile form's slots)."""
    slots = form_slots(domain, matching.PROFILE_FORM)
    return {slot: turn.tracker.get_slot(slot) for slot in slots if turn.tracker.get_slot(slot)}


def investor_details(turn: Turn) -> dict[str, Any]:
    """Sector or way of taking part named in the message."""
    details: dict[str, Any] = {}
    sectors = form_answers.parse_sectors(turn.text, turn.item, turn.kb.tags("sector"))
    if sectors:
        details["sector"] = sectors
    involvement = form_answers.parse_involvement_words(turn.text)
    if involvement:
        details["involvement"] = involvement
    return details


def investor_country(turn: Turn, domain: DomainDict) -> str | None:
    """Once the talk is about investing, a short answer nothing else explains is where the investor is
    based ("soy de México"); the caller asks this only after the best guess found nothing."""
    if turn.text.startswith("/") or len(turn.text.split()) > 4:
        return None
    talking_investment = current_profile(turn, domain) or any(
        ref.startswith("opening:") for ref in turn.tracker.get_slot("last_list") or []
    )
    return form_answers.parse_country(turn.text) if talking_investment else None
