"""Action tests run on real rasa_sdk trackers, the real KB and the real domain (no Rasa server)."""

from __future__ import annotations

import asyncio
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.kb import get_kb
from actions.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Each test gets its own data dir (leads database) and freshly read settings."""
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ADVISOR_STAFF_CONTACT", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def kb():
    return get_kb()


@lru_cache(maxsize=1)
def load_rasa_domain():
    """Rasa's own Domain object of the assistant's domain folder, loaded once."""
    from rasa.shared.core.domain import Domain

    with warnings.catch_warnings():
        # Rasa 3.6 warns about removed auto-fill on every domain load, and its schema validator
        # (pykwalify) loads its extensions with importlib's deprecated load_module(). That warning is
        # attributed to importlib itself, so a module filter in pytest.ini could only silence it for
        # every caller; here it is silenced for this one call.
        warnings.filterwarnings("ignore", message="Slot auto-fill has been removed")
        warnings.filterwarnings("ignore", message=r"the load_module\(\) method is deprecated")
        return Domain.load(str(ROOT / "domain"))


@lru_cache(maxsize=1)
def real_domain() -> dict[str, Any]:
    """The assistant's real domain, as Rasa sends it to the action server with every action call."""
    return load_rasa_domain().as_dict()


@pytest.fixture(scope="session")
def rasa_domain():
    """Rasa's own Domain object, for tests that drive Rasa's tracker store on a real file."""
    return load_rasa_domain()


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The assistant's real domain, as Rasa sends it to the action server."""
    return real_domain()


def make_tracker(
    text: str = "",
    intent: str | None = None,
    entities: dict[str, str] | None = None,
    slots: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    active_loop: str | None = None,
    intent_ranking: list[dict[str, Any]] | None = None,
    extra_events: list[dict[str, Any]] | None = None,
    sender: str = "web:test-session",
) -> Tracker:
    """A tracker whose latest event is the user's message, as Rasa would send it."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9} if intent else {},
        "intent_ranking": intent_ranking or ([{"name": intent, "confidence": 0.9}] if intent else []),
        "entities": [{"entity": name, "value": value} for name, value in (entities or {}).items()],
        "metadata": metadata or {},
    }
    user_event = {
        "event": "user",
        "text": text,
        "parse_data": latest,
        "metadata": metadata or {},
        "input_channel": "rest",
    }
    events = [{"event": "action", "name": "action_listen"}, user_event] + (extra_events or [])
    return Tracker(
        sender_id=sender,
        slots=dict(slots or {}),
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(action, tracker: Tracker, domain: dict[str, Any] | None = None):
    """Runs one action with the real domain (or the one given); returns (messages, events) as Rasa
    would receive them."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, real_domain() if domain is None else domain))
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The last value each SlotSet event gives a slot."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
