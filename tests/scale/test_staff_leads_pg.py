"""The staff console's leads on PostgreSQL (DATABASE_URL): the same listing, filters, choices and
single-row deletion as on SQLite, on the table the action servers write (actions/leads.py)."""

from __future__ import annotations

from datetime import date

import asyncpg

from actions.lead_schema import COLUMNS
from bot.staff.leads import LeadFilter, Leads

CHANNEL = "stafftest"  # rows of this test only: the table is shared with the other scale tests


async def _insert(url: str, **fields: str) -> int:
    values = {
        "name": "Anna",
        "email": "anna@example.org",
        "sector": "film_tv",
        "involvement": "invest",
        "country": "Germany",
        "language": "de",
        "channel": CHANNEL,
        "sender": "web:pg",
        "created_at": "2026-03-02T10:00:00+00:00",
        **fields,
    }
    db = await asyncpg.connect(url)
    try:
        placeholders = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
        return await db.fetchval(
            f"INSERT INTO leads ({', '.join(COLUMNS)}) VALUES ({placeholders}) RETURNING id",
            *[values[column] for column in COLUMNS],
        )
    finally:
        await db.close()


async def test_console_lists_filters_and_deletes_leads_in_postgres(postgres, tmp_path):
    leads = Leads(tmp_path / "unused.sqlite3", postgres.url)
    await leads.db.open()  # creates the table when no action server has yet
    try:
        first = await _insert(postgres.url)
        second = await _insert(
            postgres.url, language="en", name="=HYPERLINK(1)", created_at="2026-03-05T08:00:00+00:00"
        )
        rows = await leads.list(LeadFilter(channel=CHANNEL))
        assert [row["id"] for row in rows] == [second, first]  # newest first
        assert [row["id"] for row in await leads.list(LeadFilter(channel=CHANNEL, language="de"))] == [first]
        window = LeadFilter(channel=CHANNEL, since=date(2026, 3, 4), until=date(2026, 3, 5))
        assert [row["id"] for row in await leads.list(window)] == [second]
        third = await _insert(postgres.url, sector="media,projects_finance")
        for sector, found in (("media", [third]), ("projects_finance", [third]), ("projectsXfinance", [])):
            assert [
                row["id"] for row in await leads.list(LeadFilter(channel=CHANNEL, sector=sector))
            ] == found
        choices = await leads.choices()
        assert CHANNEL in choices["channel"] and {"de", "en"} <= set(choices["language"])
        assert {"media", "projects_finance"} <= set(choices["sector"])
        assert await leads.delete(third) is True
        assert await leads.delete(first) is True
        assert await leads.delete(first) is False
        assert await leads.delete(second) is True
        assert await leads.list(LeadFilter(channel=CHANNEL)) == []
    finally:
        await leads.db.close()
    assert not (tmp_path / "unused.sqlite3").exists()
