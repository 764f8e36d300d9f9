"""The staff console's plain-SQL view of the leads table (actions/lead_schema.py) and the action
server's SQLAlchemy table (actions/leads.py) are the same table, whichever creates it."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from actions import lead_schema, leads


def _lead(sender: str) -> leads.Lead:
    return leads.Lead("Anna", "anna@example.org", "film_tv", "invest", "Germany", "de", "web", sender)


def test_console_schema_first_then_action_server(tmp_path):
    path = tmp_path / "leads.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.executescript(lead_schema.SCHEMA)
    row_id = leads.save_lead(path, _lead("web:a"))
    assert [lead.email for lead in leads.leads_of(path, "web:a")] == ["anna@example.org"]
    with closing(sqlite3.connect(path)) as db, db:
        assert db.execute("DELETE FROM leads WHERE id = ? RETURNING id", (row_id,)).fetchall() == [(row_id,)]
    assert leads.leads_of(path, "web:a") == []


def test_action_server_first_then_console(tmp_path):
    path = tmp_path / "leads.sqlite3"
    leads.save_lead(path, _lead("web:b"))
    with closing(sqlite3.connect(path)) as db:
        db.executescript(lead_schema.SCHEMA)  # IF NOT EXISTS: a no-op on the action server's table
        rows = db.execute(f"SELECT {', '.join(lead_schema.COLUMNS)} FROM leads").fetchall()
    assert rows[0][:2] == ("Anna", "anna@example.org")
    assert leads.spreadsheet_safe("=1") == "'=1"
