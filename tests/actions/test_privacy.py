"""'Forget me': leads deleted by the action, the conversation by the tracker store as Rasa saves it."""

from __future__ import annotations

import json
import sqlite3

from actions import leads, privacy
from actions.i18n import ui
from actions.settings import get_settings
from tests.actions.conftest import make_tracker, run, slot_events, texts


def store_lead(sender: str) -> None:
    leads.save_lead(
        get_settings().leads_path,
        leads.Lead(
            name="Anna",
            email="anna@example.com",
            sector="media",
            involvement="capital",
            country="Austria",
            language="en",
            channel="web",
            sender=sender,
        ),
    )


def test_forget_me_asks_for_confirmation_first(kb):
    store_lead("web:test-session")
    messages, _ = run(privacy.ActionForgetMe(), make_tracker("Lösche meine Daten", "forget_me"))
    assert texts(messages) == [ui("forget.confirm", "de")]
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert messages[-1]["custom"] == {"language": "de"}
    assert len(leads.leads_of(get_settings().leads_path, "web:test-session")) == 1


def test_yes_deletes_only_this_senders_leads_and_marks_the_reply_forgotten(kb, domain):
    store_lead("web:test-session")
    store_lead("telegram:7")
    messages, events = run(
        privacy.ActionForgetMe(), make_tracker("/affirm", "affirm", slots={"language": "es"}), domain
    )
    assert texts(messages) == [ui("forget.done", "es")]
    assert messages[-1]["custom"] == {"language": "es", "forgotten": True}
    assert leads.leads_of(get_settings().leads_path, "web:test-session") == []
    assert len(leads.leads_of(get_settings().leads_path, "telegram:7")) == 1
    assert slot_events(events)["contact_email"] is None


def test_no_keeps_everything(kb):
    store_lead("web:test-session")
    messages, _ = run(privacy.ActionForgetMe(), make_tracker("/deny", "deny"))
    assert texts(messages) == [ui("forget.kept", "en")]
    assert "forgotten" not in messages[-1]["custom"]
    assert len(leads.leads_of(get_settings().leads_path, "web:test-session")) == 1


# --- the stored conversation, with Rasa's own SQL tracker store on a real SQLite file -------------


def conversation_turn(text: str, intent: str, action: str, reply: str, custom: dict | None = None) -> list:
    """The events one turn adds to a tracker, as Rasa's processor appends them."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    events = [
        UserUttered(text, {"name": intent, "confidence": 1.0}),
        ActionExecuted(action),
        BotUttered(reply),
    ]
    if custom:
        events.append(BotUttered(None, {"custom": custom}))
    return events + [ActionExecuted("action_listen")]


def stored_rows(path, sender: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


async def save_turns(store, rasa_domain, sender: str, turns: list[list]) -> None:
    """Saves after each turn, like Rasa does at the end of every message."""
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = await store.retrieve(sender) or DialogueStateTracker.from_events(
        sender,
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        rasa_domain.slots,
    )
    for turn in turns:
        for event in turn:
            tracker.update(event)
        await store.save(tracker)


def make_store(cls, rasa_domain, path):
    return cls(rasa_domain, dialect="sqlite", db=str(path))


async def test_rows_deleted_by_an_action_come_back_with_rasas_save(rasa_domain, tmp_path):
    """Why the store does the deleting: a plain SQLTrackerStore writes the whole turn back."""
    from rasa.core.tracker_store import SQLTrackerStore

    path = tmp_path / "tracker.sqlite3"
    store = make_store(SQLTrackerStore, rasa_domain, path)
    await save_turns(
        store, rasa_domain, "web:a", [conversation_turn("hi", "greet", "action_smalltalk", "Hello")]
    )
    tracker = await store.retrieve("web:a")
    with sqlite3.connect(path) as db:  # what an action deleting "its" rows would do mid-turn
        db.execute("DELETE FROM events WHERE sender_id = 'web:a'")
    for event in conversation_turn("/affirm", "affirm", "action_forget_me", "Done", {"forgotten": True}):
        tracker.update(event)
    await store.save(tracker)
    assert stored_rows(path, "web:a") == len(tracker.events)


async def test_forgotten_conversation_is_deleted_for_good_and_others_stay(rasa_domain, tmp_path):
    from rasa_server.tracker_store import ForgetfulSQLTrackerStore

    path = tmp_path / "tracker.sqlite3"
    store = make_store(ForgetfulSQLTrackerStore, rasa_domain, path)
    chat = [
        conversation_turn("hi", "greet", "action_smalltalk", "Hello"),
        conversation_turn("delete my data", "forget_me", "action_forget_me", "Sure?"),
    ]
    await save_turns(store, rasa_domain, "web:a", chat)
    await save_turns(store, rasa_domain, "web:b", chat[:1])
    kept = stored_rows(path, "web:b")
    assert stored_rows(path, "web:a") > 0 and kept > 0

    await save_turns(
        store,
        rasa_domain,
        "web:a",
        [
            conversation_turn(
                "/affirm", "affirm", "action_forget_me", "Done", {"language": "en", "forgotten": True}
            )
        ],
    )
    assert stored_rows(path, "web:a") == 0
    assert await store.retrieve("web:a") is None
    assert stored_rows(path, "web:b") == kept

    await save_turns(
        store, rasa_domain, "web:a", [conversation_turn("hello", "greet", "action_smalltalk", "Hi")]
    )
    with sqlite3.connect(path) as db:
        said = db.execute(
            "SELECT data FROM events WHERE sender_id = 'web:a' AND type_name = 'user'"
        ).fetchall()
    assert [json.loads(data)["text"] for (data,) in said] == ["hello"]


async def test_the_marker_counts_only_in_the_turn_being_saved(rasa_domain, tmp_path):
    from rasa_server.tracker_store import ForgetfulSQLTrackerStore, forgotten_in_latest_turn

    turns = [
        conversation_turn("/affirm", "affirm", "action_forget_me", "Done", {"forgotten": True}),
        conversation_turn("hi", "greet", "action_smalltalk", "Hello"),
    ]
    assert forgotten_in_latest_turn(turns[0])
    assert not forgotten_in_latest_turn(turns[0] + turns[1])
    path = tmp_path / "tracker.sqlite3"
    store = make_store(ForgetfulSQLTrackerStore, rasa_domain, path)
    await save_turns(
        store,
        rasa_domain,
        "web:c",
        [conversation_turn("hi", "greet", "action_smalltalk", "Hello", {"forgotten": False})],
    )
    assert stored_rows(path, "web:c") > 0
