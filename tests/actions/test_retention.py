"""Privacy on the Rasa side: retention of tracker events and leads while the action server runs,
"forget me" that deletes the stored conversation itself and never says done when it failed, and
leads that cannot flood staff or carry control characters."""

from __future__ import annotations

import base64
import dataclasses
import sqlite3
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone

from actions import analytics_texts, contact, leads, privacy, retention
from actions.i18n import ui
from actions.settings import get_settings
from tests.actions.conftest import make_tracker, run, texts
from tests.actions.test_privacy import (
    conversation_turn,
    make_store,
    save_turns,
    store_lead,
    stored_rows,
)

DAY = 86400


async def arun(action, tracker, domain):
    """`run` for tests that are coroutines themselves (the Rasa store is async)."""
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker, domain)
    return dispatcher.messages


def refuse_deletes(path, table: str) -> None:
    """Fault injection on the real database: every delete from `table` fails, as on a broken disk."""
    with sqlite3.connect(path) as db:
        db.execute(
            f"CREATE TRIGGER refuse BEFORE DELETE ON {table} BEGIN SELECT RAISE(ABORT, 'disk says no'); END"
        )


def age_events(path, sender: str, days: float) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE events SET timestamp = timestamp - ? WHERE sender_id = ?", (days * DAY, sender))


async def tracker_with(rasa_domain, path, conversations: dict[str, int]):
    from rasa_server.tracker_store import ForgetfulSQLTrackerStore

    store = make_store(ForgetfulSQLTrackerStore, rasa_domain, path)
    for sender, turns in conversations.items():
        await save_turns(
            store,
            rasa_domain,
            sender,
            [conversation_turn("hi", "greet", "action_smalltalk", "Hello")] * turns,
        )
    return store


async def test_forget_me_deletes_the_stored_conversation_itself(
    rasa_domain,
    tmp_path,
    monkeypatch,
    kb,
    domain,
):
    path = tmp_path / "tracker.sqlite3"
    await tracker_with(rasa_domain, path, {"web:test-session": 2, "web:other": 1})
    monkeypatch.setenv("TRACKER_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    store_lead("web:test-session")
    messages = await arun(privacy.ActionForgetMe(), make_tracker("/affirm", "affirm"), domain)
    assert texts(messages) == [ui("forget.done", "en")]
    assert messages[-1]["custom"]["forgotten"] is True
    assert stored_rows(path, "web:test-session") == 0 and stored_rows(path, "web:other") > 0


async def test_a_forget_me_that_fails_says_so_and_claims_nothing(
    rasa_domain,
    tmp_path,
    monkeypatch,
    kb,
    domain,
):
    path = tmp_path / "tracker.sqlite3"
    await tracker_with(rasa_domain, path, {"web:test-session": 1})
    monkeypatch.setenv("TRACKER_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    refuse_deletes(path, "events")
    messages = await arun(
        privacy.ActionForgetMe(), make_tracker("/affirm", "affirm", slots={"language": "de"}), domain
    )
    assert texts(messages) == [ui("forget.failed", "de")]
    assert "forgotten" not in messages[-1]["custom"]
    assert stored_rows(path, "web:test-session") > 0


def test_a_failing_leads_database_is_retried_then_reported(kb, domain):
    store_lead("web:test-session")
    refuse_deletes(get_settings().leads_path, "leads")
    messages, _ = run(privacy.ActionForgetMe(), make_tracker("/affirm", "affirm"), domain)
    assert texts(messages) == [ui("forget.failed", "en")]
    assert len(leads.leads_of(get_settings().leads_path, "web:test-session")) == 1


def gateway_questions(data_dir, questions: dict[str, str]) -> None:
    """The gateway's analytics store as bot/analytics.py leaves it: its key file, and question texts
    under the pseudonym of their sender (the full schema is checked from the gateway's side, in
    tests/bot/staff/test_forget.py)."""
    key = bytes(range(32))
    (data_dir / analytics_texts.KEY_FILE).write_text(base64.urlsafe_b64encode(key).decode("ascii"))
    derived = analytics_texts.pseudonym_key(key)
    with closing(sqlite3.connect(data_dir / analytics_texts.DB_FILE)) as db, db:
        db.execute(
            "CREATE TABLE unanswered (id INTEGER PRIMARY KEY, text TEXT NOT NULL, sender_key TEXT NOT NULL)"
        )
        db.executemany(
            "INSERT INTO unanswered (text, sender_key) VALUES (?, ?)",
            [(text, analytics_texts.pseudonym(derived, sender)) for text, sender in questions.items()],
        )


def gateway_texts(data_dir) -> list[str]:
    with closing(sqlite3.connect(data_dir / analytics_texts.DB_FILE)) as db:
        return [text for (text,) in db.execute("SELECT text FROM unanswered ORDER BY id")]


def test_forget_me_deletes_the_senders_question_texts_kept_for_staff(kb, domain):
    data_dir = get_settings().data_dir
    gateway_questions(data_dir, {"what about a visa?": "web:test-session", "and taxes?": "web:other"})
    messages, _ = run(privacy.ActionForgetMe(), make_tracker("/affirm", "affirm"), domain)
    assert texts(messages) == [ui("forget.done", "en")]
    assert gateway_texts(data_dir) == ["and taxes?"]


def test_a_forget_me_whose_question_texts_cannot_be_deleted_says_so(kb, domain):
    data_dir = get_settings().data_dir
    gateway_questions(data_dir, {"what about a visa?": "web:test-session"})
    refuse_deletes(data_dir / analytics_texts.DB_FILE, "unanswered")
    messages, _ = run(privacy.ActionForgetMe(), make_tracker("/affirm", "affirm"), domain)
    assert texts(messages) == [ui("forget.failed", "en")]
    assert "forgotten" not in messages[-1]["custom"]
    assert gateway_texts(data_dir) == ["what about a visa?"]


def test_with_retries_tries_again_after_a_database_error():
    attempts = []

    def flaky() -> int:
        attempts.append(1)
        if len(attempts) < 3:
            raise sqlite3.OperationalError("database is locked")
        return 7

    assert retention.with_retries(flaky, pause=0) == 7 and len(attempts) == 3


async def test_idle_conversations_and_ended_sessions_past_retention_are_pruned(rasa_domain, tmp_path):
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    path = tmp_path / "tracker.sqlite3"
    store = await tracker_with(rasa_domain, path, {"web:idle": 2, "web:active": 2, "web:recent": 1})
    age_events(path, "web:idle", 40)
    age_events(path, "web:active", 40)
    # web:active came back today: a new session, whose events Rasa counts, must stay
    tracker = await store.retrieve("web:active")
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        *conversation_turn("hello again", "greet", "action_smalltalk", "Welcome back"),
    ]:
        tracker.update(event)
    await store.save(tracker)
    before = {s: stored_rows(path, s) for s in ("web:idle", "web:active", "web:recent")}

    assert retention.prune_tracker(f"sqlite:///{path}", 30) > 0
    assert stored_rows(path, "web:idle") == 0
    assert 0 < stored_rows(path, "web:active") < before["web:active"]
    assert stored_rows(path, "web:recent") == before["web:recent"]
    # Rasa's store still works on the pruned conversation and writes nothing twice
    kept = stored_rows(path, "web:active")
    tracker = await store.retrieve("web:active")
    tracker.update(conversation_turn("bye", "goodbye", "action_smalltalk", "Bye")[0])
    await store.save(tracker)
    assert stored_rows(path, "web:active") == kept + 1


def test_old_leads_are_pruned_and_recent_ones_kept():
    path = get_settings().leads_path
    store_lead("web:new")
    old = dataclasses.replace(
        leads.leads_of(path, "web:new")[0],
        sender="web:old",
        created_at=(datetime.now(timezone.utc) - timedelta(days=200)).isoformat(),
    )
    leads.save_lead(path, old)
    assert leads.prune_leads(path, 180) == 1
    assert leads.leads_of(path, "web:old") == [] and len(leads.leads_of(path, "web:new")) == 1


async def test_the_sweeper_prunes_while_the_action_server_runs(rasa_domain, tmp_path, monkeypatch):
    path = tmp_path / "tracker.sqlite3"
    await tracker_with(rasa_domain, path, {"web:idle": 1})
    monkeypatch.setenv("TRACKER_URL", f"sqlite:///{path}")
    monkeypatch.setenv("RETENTION_SWEEP_SECONDS", "1")
    get_settings.cache_clear()
    stop = retention.start_sweeper(get_settings())
    try:
        age_events(path, "web:idle", 40)  # after the first sweep: only a later one can find it
        deadline = time.monotonic() + 30  # generous bound: a sweep every second
        while stored_rows(path, "web:idle") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stored_rows(path, "web:idle") == 0
    finally:
        stop.set()


def test_a_sender_leaves_at_most_a_few_leads_a_day(kb):
    slots = {"consent": True, "contact_name": "Anna", "contact_email": "anna@example.com"}
    for _ in range(get_settings().leads_per_day):
        messages, _ = run(contact.ActionSaveLead(), make_tracker("yes", "affirm", slots=slots))
        assert texts(messages) == [ui("lead.saved", "en", name="Anna")]
    messages, _ = run(contact.ActionSaveLead(), make_tracker("yes", "affirm", slots=slots))
    assert texts(messages) == [ui("lead.limit", "en")]
    assert len(leads.leads_of(get_settings().leads_path, "web:test-session")) == get_settings().leads_per_day


def test_lead_fields_lose_control_and_format_characters():
    path = get_settings().leads_path
    lead = leads.Lead(
        "Anna\u202e nhoJ\x1b[31m", "a@b.example", None, None, "Aus\x00tria\n", "en", "web", "web:x"
    )
    leads.save_lead(path, lead)
    stored = leads.leads_of(path, "web:x")[0]
    assert stored.name == "Anna nhoJ [31m" and stored.country == "Aus tria"


def test_an_export_would_never_write_a_formula():
    assert [
        leads.spreadsheet_safe(v) for v in ('=HYPERLINK("x")', "+1 555", "-2", "@SUM(A1)", "Anna", None)
    ] == ['\'=HYPERLINK("x")', "'+1 555", "'-2", "'@SUM(A1)", "Anna", ""]
