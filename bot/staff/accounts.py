"""Staff accounts (argon2 hashes), failed-login lockout and the audit log, in `staff.sqlite3`.

Accounts are created only on the command line (`python -m bot.staff add-user`), so there is no
default user and no default password anywhere. Lockout state lives in the database, not in memory,
so restarting the gateway does not reset a brute-force attempt.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.sqlite import SQLite

ROLES = ("admin", "viewer")
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
    password_hash TEXT NOT NULL,
    telegram_chat_id INTEGER,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
);
"""


class AccountError(ValueError):
    """A bad user name, role or password given on the command line; the message says which."""


class LoginResult(Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password: the same answer for both
    LOCKED = "locked"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    telegram_chat_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class Lockout:
    failures: int
    minutes: int


def check_new_account(name: str, role: str, password: str) -> None:
    if not USERNAME.match(name):
        raise AccountError("the user name must be 2-64 characters of A-Z a-z 0-9 _ . @ -")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")


class Accounts:
    """The account store; every method is async except the `*_sync` ones the command line uses."""

    def __init__(self, path: Path, lockout: Lockout = Lockout(5, 15)) -> None:
        self.db = SQLite(path, _SCHEMA)
        self.lockout = lockout
        self.hasher = PasswordHasher()
        # verified against when the user does not exist, so "no such user" takes as long as "wrong password"
        self._dummy_hash = self.hasher.hash("not a password of anyone")

    # --- command line ---------------------------------------------------------------------
    def add_user_sync(self, name: str, role: str, password: str) -> None:
        check_new_account(name, role, password)
        if self.db.run_sync("SELECT 1 FROM users WHERE name = ?", (name,)):
            raise AccountError(f"the user {name!r} exists already (use set-password to change it)")
        self.db.run_sync(
            "INSERT INTO users (name, role, password_hash, created) VALUES (?, ?, ?, ?)",
            (name, role, self.hasher.hash(password), time.time()),
        )

    def set_password_sync(self, name: str, password: str) -> None:
        check_new_account(name, "viewer", password)
        rows = self.db.run_sync(
            "UPDATE users SET password_hash = ?, failures = 0, locked_until = 0 WHERE name = ? RETURNING name",
            (self.hasher.hash(password), name),
        )
        if not rows:
            raise AccountError(f"there is no user {name!r}")

    def remove_user_sync(self, name: str) -> None:
        if not self.db.run_sync("DELETE FROM users WHERE name = ? RETURNING name", (name,)):
            raise AccountError(f"there is no user {name!r}")

    def set_telegram_sync(self, name: str, chat_id: int) -> None:
        if not self.db.run_sync(
            "UPDATE users SET telegram_chat_id = ? WHERE name = ? RETURNING name", (chat_id, name)
        ):
            raise AccountError(f"there is no user {name!r}")

    def users_sync(self) -> list[User]:
        rows = self.db.run_sync("SELECT name, role, telegram_chat_id FROM users ORDER BY name")
        return [User(*row) for row in rows]

    # --- the console ----------------------------------------------------------------------
    async def get(self, name: str) -> User | None:
        rows = await self.db.run("SELECT name, role, telegram_chat_id FROM users WHERE name = ?", (name,))
        return User(*rows[0]) if rows else None

    async def login(self, name: str, password: str) -> tuple[LoginResult, User | None]:
        """Checks a password; counts failures and locks the account after too many in a row."""
        rows = await self.db.run("SELECT password_hash, locked_until FROM users WHERE name = ?", (name,))
        if not rows:
            self._verify(self._dummy_hash, password)
            return LoginResult.WRONG, None
        password_hash, locked_until = rows[0]
        if locked_until > time.time():
            return LoginResult.LOCKED, None
        if not self._verify(password_hash, password):
            return await self._failed(name), None
        await self.db.run("UPDATE users SET failures = 0, locked_until = 0 WHERE name = ?", (name,))
        if self.hasher.check_needs_rehash(password_hash):
            await self.db.run(
                "UPDATE users SET password_hash = ? WHERE name = ?", (self.hasher.hash(password), name)
            )
        return LoginResult.OK, await self.get(name)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def _failed(self, name: str) -> LoginResult:
        until = time.time() + self.lockout.minutes * 60
        rows = await self.db.run(
            "UPDATE users SET failures = CASE WHEN failures + 1 >= ? THEN 0 ELSE failures + 1 END,"
            " locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE 0 END WHERE name = ? RETURNING locked_until",
            (self.lockout.failures, self.lockout.failures, until, name),
        )
        return LoginResult.LOCKED if rows and rows[0][0] > 0 else LoginResult.WRONG

    # --- audit log ------------------------------------------------------------------------
    async def audit(self, user: str, action: str, **detail: Any) -> None:
        """Who did what and when (logins, deletions, broadcasts), kept for accountability."""
        await self.db.run(
            "INSERT INTO audit (at, user, action, detail) VALUES (?, ?, ?, ?)",
            (time.time(), user, action, json.dumps(detail, ensure_ascii=False, default=str)),
        )

    async def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        rows = await self.db.run(
            "SELECT at, user, action, detail FROM audit ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [
            {"at": at, "user": user, "action": action, "detail": json.loads(detail)}
            for at, user, action, detail in rows
        ]
