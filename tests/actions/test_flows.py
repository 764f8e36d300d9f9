"""Route recommender, investor profile and the consented contact lead."""

from __future__ import annotations

import pytest

from actions import flows, leads
from actions.settings import get_settings
from tests.actions.conftest import make_tracker, run, slot_events, texts


def form_answer(form: str, slot: str, text: str, intent: str = "inform", entities=None, slots=None, **kwargs):
    """The tracker a validation action sees: the answer extracted as the slot candidate."""
    value = True if intent == "affirm" else False if intent == "deny" else text
    return make_tracker(
        text,
        intent,
        entities=entities,
        active_loop=form,
        slots={"requested_slot": slot, slot: value, **(slots or {})},
        extra_events=[{"event": "slot", "name": slot, "value": value}],
        **kwargs,
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I like history and ethnic culture", ["history", "ethnic_cultures"]),
        ("我对红色革命历史感兴趣", None),
    ],
)
def test_interests_are_read_from_free_text(kb, domain, text, expected):
    messages, events = run(flows.ValidateRouteForm(), form_answer("route_form", "interests", text), domain)
    interests = slot_events(events)["interests"]
    assert interests
    if expected:
        assert set(expected) <= set(interests)
    assert messages == []


def test_interest_button_sets_that_interest(kb, domain):
    tracker = form_answer(
        "route_form", "interests", '/inform{"item":"interest:ecology"}', entities={"item": "interest:ecology"}
    )
    _, events = run(flows.ValidateRouteForm(), tracker, domain)
    assert slot_events(events)["interests"] == ["ecology"]


def test_unmatched_interest_is_explained_in_the_users_language_and_asked_again(kb, domain):
    tracker = form_answer("route_form", "interests", "Ich mag Schnitzel und Bier", slots={"language": "de"})
    messages, events = run(flows.ValidateRouteForm(), tracker, domain)
    assert texts(messages) == [kb.ui("form.invalid_interests", "de")]
    assert slot_events(events)["interests"] is None


def test_interest_question_lists_every_interest_as_a_button(kb):
    messages, _ = run(flows.ActionAskInterests(), make_tracker("推荐一条路线", "recommend_route"))
    assert texts(messages) == [kb.ui("form.ask_interests", "zh")]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        f'/inform{{"item": "interest:{tag}"}}' for tag in kb.tags("interest")
    ]
    assert [b["title"] for b in messages[0]["buttons"]] == [
        kb.tag_label(t, "zh") for t in kb.tags("interest")
    ]
    assert messages[-1]["custom"] == {"language": "zh"}


def test_recommendations_give_reasons_and_citations(kb):
    tracker = make_tracker(
        "ethnic cultures", "inform", slots={"interests": ["ethnic_cultures"], "language": "en"}
    )
    messages, events = run(flows.ActionRecommendRoutes(), tracker)
    answer = texts(messages)[0]
    route = kb.get("route", "tibet_qiang_yi")
    assert answer.startswith(kb.ui("recommend.intro", "en"))
    assert kb.ui("recommend.reason", "en", interests=kb.tag_label("ethnic_cultures", "en")) in answer
    assert f"{kb.text(route, 'summary', 'en')} {kb.citation(route)}" in answer
    recommended = slot_events(events)["last_list"]
    assert "route:tibet_qiang_yi" in recommended
    assert all("ethnic_cultures" in kb.by_ref(ref).tags for ref in recommended)
    assert slot_events(events)["interests"] is None


def test_best_fitting_route_comes_first(kb):
    tracker = make_tracker("x", "inform", slots={"interests": ["history", "literature"]})
    _, events = run(flows.ActionRecommendRoutes(), tracker)
    assert slot_events(events)["last_list"][0] == "route:three_kingdoms"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("film and TV", "media"),
        ("影视和纪录片", "media"),
    ],
)
def test_sector_from_text(kb, domain, text, expected):
    _, events = run(flows.ValidateInvestorForm(), form_answer("investor_form", "sector", text), domain)
    assert expected in slot_events(events)["sector"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'd put in capital", "capital"),
        ("Beteiligung an einem Unternehmen", "shares"),
        ("合作", "cooperation"),
        ("the fourth one", "expertise"),
        ('/inform{"item":"involvement:shares"}', "shares"),
    ],
)
def test_involvement_from_text_ordinal_or_button(kb, domain, text, expected):
    entities = {"item": text.split('"')[3]} if text.startswith("/") else None
    tracker = form_answer("investor_form", "involvement", text, entities=entities)
    _, events = run(flows.ValidateInvestorForm(), tracker, domain)
    assert slot_events(events)["involvement"] == expected


@pytest.mark.parametrize(
    "text, country",
    [
        ("  Germany ", "Germany"),
        ("I'm from Germany", "Germany"),
        ("je viens de France", "France"),
        ("我来自德国", "德国"),
        ("ドイツから来ました", "ドイツ"),
        ("Я из России", "России"),
    ],
)
def test_country_is_stored_without_its_framing(kb, domain, text, country):
    _, events = run(flows.ValidateInvestorForm(), form_answer("investor_form", "country", text), domain)
    assert slot_events(events)["country"] == country


def test_country_must_be_a_short_name(kb, domain):
    messages, events = run(
        flows.ValidateInvestorForm(),
        form_answer("investor_form", "country", "12345", slots={"language": "es"}),
        domain,
    )
    assert texts(messages) == [kb.ui("form.invalid_country", "es")]
    assert slot_events(events)["country"] is None


def test_investor_matches_fit_the_sector_cite_and_leave_the_turn_to_the_contact_form(kb):
    tracker = make_tracker(
        "Deutschland",
        "inform",
        slots={"sector": ["media"], "involvement": "capital", "country": "Deutschland", "language": "de"},
    )
    messages, events = run(flows.ActionInvestorMatches(), tracker)
    answer = texts(messages)[0]
    assert answer.startswith(
        kb.ui(
            "investor.intro",
            "de",
            sectors=kb.tag_label("media", "de"),
            involvement=kb.ui("involvement.capital", "de"),
            country="Deutschland",
        )
    )
    matched = slot_events(events)["last_list"]
    assert matched and all("media" in kb.by_ref(ref).tags for ref in matched)
    for ref in matched:
        assert kb.citation(kb.by_ref(ref)) in answer
    assert not any(m.get("custom") for m in messages)


def test_consent_question_has_yes_and_no(kb):
    messages, _ = run(flows.ActionAskConsent(), make_tracker("x", "inform", slots={"language": "fr"}))
    assert texts(messages) == [kb.ui("form.ask_consent", "fr")]
    assert [(b["title"], b["payload"]) for b in messages[0]["buttons"]] == [
        (kb.ui("button.yes", "fr"), "/affirm"),
        (kb.ui("button.no", "fr"), "/deny"),
    ]


def test_no_to_consent_ends_the_contact_form(kb, domain):
    _, events = run(
        flows.ValidateContactForm(), form_answer("contact_form", "consent", "no", intent="deny"), domain
    )
    assert slot_events(events) == {"consent": False, "requested_slot": None}


def test_yes_to_consent_asks_for_the_name_next(kb, domain):
    _, events = run(
        flows.ValidateContactForm(), form_answer("contact_form", "consent", "yes", intent="affirm"), domain
    )
    assert slot_events(events) == {"consent": True}


def test_name_and_email_are_validated(kb, domain):
    for text, name in [
        ("my name is Anna Schmidt", "Anna Schmidt"),
        ("Soyeon", "Soyeon"),
        ("Яна", "Яна"),
        ("我叫王伟", "王伟"),
        ("山田と申します", "山田"),
    ]:
        _, events = run(
            flows.ValidateContactForm(),
            form_answer("contact_form", "contact_name", text, slots={"consent": True}),
            domain,
        )
        assert slot_events(events)["contact_name"] == name
    messages, events = run(
        flows.ValidateContactForm(),
        form_answer("contact_form", "contact_name", "R2D2", slots={"consent": True}),
        domain,
    )
    assert texts(messages) == [kb.ui("form.invalid_contact_name", "en")]
    messages, events = run(
        flows.ValidateContactForm(),
        form_answer(
            "contact_form", "contact_email", "anna at example", slots={"consent": True, "language": "ja"}
        ),
        domain,
    )
    assert texts(messages) == [kb.ui("form.invalid_contact_email", "ja")]
    assert slot_events(events)["contact_email"] is None
    _, events = run(
        flows.ValidateContactForm(),
        form_answer("contact_form", "contact_email", "my email is anna@example.com", slots={"consent": True}),
        domain,
    )
    assert slot_events(events)["contact_email"] == "anna@example.com"


def test_a_name_answer_does_not_switch_the_language(kb):
    tracker = make_tracker(
        "Hans Müller",
        "inform",
        active_loop="contact_form",
        slots={"requested_slot": "contact_name", "language": "ko"},
    )
    messages, _ = run(flows.ActionAskContactEmail(), tracker)
    assert texts(messages) == [kb.ui("form.ask_contact_email", "ko")]


def test_lead_is_stored_with_language_and_channel_after_consent(kb):
    slots = {
        "consent": True,
        "contact_name": "Anna",
        "contact_email": "anna@example.com",
        "sector": ["media", "tourism"],
        "involvement": "capital",
        "country": "Austria",
        "language": "de",
    }
    tracker = make_tracker(
        "anna@example.com",
        "inform",
        slots=slots,
        sender="telegram:42",
        metadata={"channel": "telegram", "language": "de"},
    )
    messages, events = run(flows.ActionSaveLead(), tracker)
    assert texts(messages) == [kb.ui("lead.saved", "de", name="Anna")]
    stored = leads.leads_of(get_settings().leads_path, "telegram:42")
    assert [
        (lead.name, lead.email, lead.sector, lead.involvement, lead.country, lead.language, lead.channel)
        for lead in stored
    ] == [("Anna", "anna@example.com", "media,tourism", "capital", "Austria", "de", "telegram")]
    assert all(value is None for name, value in slot_events(events).items() if name in flows.CONTACT_SLOTS)


def test_nothing_is_stored_without_consent(kb):
    slots = {"consent": False, "contact_name": "Anna", "contact_email": "anna@example.com"}
    messages, _ = run(flows.ActionSaveLead(), make_tracker("no", "deny", slots=slots))
    assert texts(messages) == [kb.ui("lead.declined", "en")]
    assert leads.leads_of(get_settings().leads_path, "web:test-session") == []
