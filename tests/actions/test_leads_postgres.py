"""Leads in a real PostgreSQL (DATABASE_URL), as several action servers share them: saving,
reading and forgetting behave as with SQLite. The server is private to this module (tests/servers.py)."""

from __future__ import annotations

import pytest

from actions import leads
from tests import servers


@pytest.fixture(scope="module")
def database_url():
    server = servers.start_postgres()
    yield server.url
    leads._engine.cache_clear()  # close nothing lazily against a stopped server
    servers.discard(server)


def lead(sender: str, name: str = "Ada") -> leads.Lead:
    return leads.Lead(name, "ada@example.org", "film_tv", "investor", "DE", "de", "web", sender)


def test_leads_round_trip_and_forget_in_postgresql(database_url):
    first = leads.save_lead(database_url, lead("web:pg-1"))
    second = leads.save_lead(database_url, lead("web:pg-1", "Grace"))
    leads.save_lead(database_url, lead("telegram:9"))
    assert second > first
    assert [found.name for found in leads.leads_of(database_url, "web:pg-1")] == ["Ada", "Grace"]
    assert leads.delete_leads(database_url, "web:pg-1") == 2
    assert leads.leads_of(database_url, "web:pg-1") == []
    assert len(leads.leads_of(database_url, "telegram:9")) == 1


def test_settings_put_leads_where_the_database_is(monkeypatch, database_url):
    from actions.settings import Settings

    assert Settings.from_env({"DATABASE_URL": database_url}).leads_db == database_url
    assert str(Settings.from_env({"ADVISOR_DATA_DIR": "/srv/a"}).leads_db) == "/srv/a/leads.sqlite3"
