"""Investor profile and the consented contact lead: answers, digressions, results, the lead."""

from __future__ import annotations

import pytest

from actions import contact, investor, leads
from actions.i18n import ui
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
        ("film and TV", "media"),
        ("影视和纪录片", "media"),
    ],
)
def test_sector_from_text(kb, domain, text, expected):
    _, events = run(investor.ValidateInvestorForm(), form_answer("investor_form", "sector", text), domain)
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
    _, events = run(investor.ValidateInvestorForm(), tracker, domain)
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
    _, events = run(investor.ValidateInvestorForm(), form_answer("investor_form", "country", text), domain)
    assert slot_events(events)["country"] == country


def test_country_must_be_a_short_name(kb, domain):
    messages, events = run(
        investor.ValidateInvestorForm(),
        form_answer("investor_form", "country", "12345", slots={"language": "es"}),
        domain,
    )
    assert texts(messages) == [ui("form.invalid_country", "es")]
    assert slot_events(events)["country"] is None


def test_investor_matches_fit_the_sector_cite_and_leave_the_turn_to_the_contact_form(kb):
    tracker = make_tracker(
        "Deutschland",
        "inform",
        slots={"sector": ["media"], "involvement": "capital", "country": "Deutschland", "language": "de"},
    )
    messages, events = run(investor.ActionInvestorMatches(), tracker)
    answer = texts(messages)[0]
    assert answer.startswith(
        ui(
            "investor.intro",
            "de",
            sectors=kb.tag_label("media", "de"),
            involvement=ui("involvement.capital", "de"),
            country="Deutschland",
        )
    )
    matched = slot_events(events)["last_list"]
    assert matched and all("media" in kb.by_ref(ref).tags for ref in matched)
    for ref in matched:
        assert kb.citation(kb.by_ref(ref)) in answer
    assert not any(m.get("custom") for m in messages)


def test_consent_question_has_yes_and_no(kb):
    messages, _ = run(contact.ActionAskConsent(), make_tracker("x", "inform", slots={"language": "fr"}))
    assert texts(messages) == [ui("form.ask_consent", "fr")]
    assert [(b["title"], b["payload"]) for b in messages[0]["buttons"]] == [
        (ui("button.yes", "fr"), "/affirm"),
        (ui("button.no", "fr"), "/deny"),
    ]
    assert messages[-1]["custom"] == {"language": "fr"}


def test_the_consent_question_after_a_handoff_marks_the_turn_for_staff(kb):
    ranking = [{"name": "human_handoff", "confidence": 0.8}, {"name": "how_to_invest", "confidence": 0.1}]
    tracker = make_tracker(
        "I want to talk to a person about investing", "human_handoff", intent_ranking=ranking
    )
    messages, _ = run(contact.ActionAskConsent(), tracker)
    assert messages[-1]["custom"] == {"language": "en", "outcome": "handoff", "topic": "how_to_invest"}


def test_no_to_consent_ends_the_contact_form(kb, domain):
    _, events = run(
        contact.ValidateContactForm(), form_answer("contact_form", "consent", "no", intent="deny"), domain
    )
    assert slot_events(events) == {"consent": False, "requested_slot": None}


def test_yes_to_consent_asks_for_the_name_next(kb, domain):
    _, events = run(
        contact.ValidateContactForm(), form_answer("contact_form", "consent", "yes", intent="affirm"), domain
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
            contact.ValidateContactForm(),
            form_answer("contact_form", "contact_name", text, slots={"consent": True}),
            domain,
        )
        assert slot_events(events)["contact_name"] == name
    messages, events = run(
        contact.ValidateContactForm(),
        form_answer("contact_form", "contact_name", "R2D2", slots={"consent": True}),
        domain,
    )
    assert texts(messages) == [ui("form.invalid_contact_name", "en")]
    messages, events = run(
        contact.ValidateContactForm(),
        form_answer(
            "contact_form", "contact_email", "anna at example", slots={"consent": True, "language": "ja"}
        ),
        domain,
    )
    assert texts(messages) == [ui("form.invalid_contact_email", "ja")]
    assert slot_events(events)["contact_email"] is None
    _, events = run(
        contact.ValidateContactForm(),
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
    messages, _ = run(contact.ActionAskContactEmail(), tracker)
    assert texts(messages) == [ui("form.ask_contact_email", "ko")]


def test_lead_is_stored_with_language_and_channel_after_consent(kb, domain):
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
    messages, events = run(contact.ActionSaveLead(), tracker)
    assert texts(messages) == [ui("lead.saved", "de", name="Anna")]
    stored = leads.leads_of(get_settings().leads_path, "telegram:42")
    assert [
        (lead.name, lead.email, lead.sector, lead.involvement, lead.country, lead.language, lead.channel)
        for lead in stored
    ] == [("Anna", "anna@example.com", "media,tourism", "capital", "Austria", "de", "telegram")]
    cleared = {name for name, value in slot_events(events).items() if value is None}
    assert cleared == {"consent", "contact_name", "contact_email", "sector", "involvement", "country"}


def test_nothing_is_stored_without_consent(kb):
    slots = {"consent": False, "contact_name": "Anna", "contact_email": "anna@example.com"}
    messages, _ = run(contact.ActionSaveLead(), make_tracker("no", "deny", slots=slots))
    assert texts(messages) == [ui("lead.declined", "en")]
    assert leads.leads_of(get_settings().leads_path, "web:test-session") == []


@pytest.mark.parametrize(
    "form, validation, slot, text, intent, section",
    [
        (
            "investor_form",
            investor.ValidateInvestorForm,
            "sector",
            "wait, what does measure 9 say?",
            "measure_info",
            "9",
        ),
        (
            "investor_form",
            investor.ValidateInvestorForm,
            "country",
            "Moment, was sagt Maßnahme 4?",
            "measure_info",
            "4",
        ),
        (
            "investor_form",
            investor.ValidateInvestorForm,
            "involvement",
            "智慧产业是什么意思？",
            "smart_industry",
            "6",
        ),
        ("contact_form", contact.ValidateContactForm, "consent", "что говорится о талантах?", "talent", "8"),
    ],
)
def test_a_question_inside_a_form_is_answered_with_its_citation_and_the_form_asks_again(
    kb, domain, form, validation, slot, text, intent, section
):
    messages, events = run(validation(), form_answer(form, slot, text, intent=intent), domain)
    assert messages and f"§{section}" in texts(messages)[0]
    assert slot_events(events)[slot] is None  # the pending question is asked again by the form
    assert not any(m.get("custom") for m in messages)  # the form's question closes the turn


def test_an_answer_that_reads_like_a_short_answer_fills_the_slot(kb, domain):
    tracker = form_answer("investor_form", "sector", "film and TV", intent="investment_openings")
    messages, events = run(investor.ValidateInvestorForm(), tracker, domain)
    assert "media" in slot_events(events)["sector"]
    assert messages == []


def test_the_opening_message_fills_what_it_names(kb, domain):
    tracker = make_tracker(
        "build my investor profile, I'd buy shares in film and TV",
        "investor_profile",
        active_loop="investor_form",
        slots={"requested_slot": None},
    )
    _, events = run(investor.ValidateInvestorForm(), tracker, domain)
    assert "media" in slot_events(events)["sector"]
    assert slot_events(events)["involvement"] == "shares"
