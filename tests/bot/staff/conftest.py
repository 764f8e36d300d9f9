"""Staff console fixtures: the real gateway app on a temporary data folder, accounts made the way
the command line makes them, and leads written into the action server's table (actions/lead_schema.py;
the gateway's environment has no SQLAlchemy, so the rows go in as plain SQL)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any, Awaitable, Callable

import pytest

from actions.lead_schema import COLUMNS, SCHEMA
from bot.app import create_app
from bot.settings import Settings
from bot.staff.accounts import Accounts

ADMIN, ADMIN_PASSWORD = "ada", "correct horse battery"
VIEWER, VIEWER_PASSWORD = "vic", "viewer password 42"


def make_accounts(data_dir: Path) -> None:
    accounts = Accounts(data_dir / "staff.sqlite3")
    accounts.db.open_sync()
    try:
        accounts.add_user_sync(ADMIN, "admin", ADMIN_PASSWORD)
        accounts.add_user_sync(VIEWER, "viewer", VIEWER_PASSWORD)
    finally:
        accounts.db.close_sync()


def add_lead(data_dir: Path, **fields: Any) -> int:
    values = {
        "name": "Anna Schmidt",
        "email": "anna@example.org",
        "sector": "film_tv",
        "involvement": "invest",
        "country": "Germany",
        "language": "de",
        "channel": "web",
        "sender": "web:abc",
        "created_at": "2026-03-02T10:00:00+00:00",
        **fields,
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(data_dir / "leads.sqlite3")) as db, db:
        db.executescript(SCHEMA)
        cursor = db.execute(
            f"INSERT INTO leads ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [values[column] for column in COLUMNS],
        )
        return int(cursor.lastrowid)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "var"
    make_accounts(path)
    return path


@pytest.fixture
def staff_env(fake_rasa, data_dir) -> dict[str, str]:
    return {"RASA_URL": fake_rasa.url, "RASA_TIMEOUT": "2", "ADVISOR_DATA_DIR": str(data_dir)}


@pytest.fixture
def start(aiohttp_client, staff_env) -> Callable[..., Awaitable[Any]]:
    """A test client on the real gateway app; keyword arguments add environment variables."""

    async def run(**env: str) -> Any:
        return await aiohttp_client(create_app(Settings.from_env({**staff_env, **env})))

    return run


async def api_login(client: Any, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> str:
    """Logs a JSON client in; returns its CSRF token."""
    resp = await client.post("/staff/api/v1/login", json={"user": user, "password": password})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["csrf_token"]
