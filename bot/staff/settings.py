"""The staff console's configuration, read once at start-up from the environment captured in Settings.

| variable | default | meaning |
|---|---|---|
| `STAFF_SECRET_KEY` | *(unset: a random key kept in `$ADVISOR_DATA_DIR/staff_secret.key`)* | Fernet key (32 url-safe base64 bytes) that signs and encrypts the session cookie; set it when several gateways share logins |
| `STAFF_IDLE_MINUTES` | `30` | a session unused this long is logged out |
| `STAFF_SESSION_HOURS` | `12` | a session ends this long after login, used or not |
| `STAFF_LOGIN_RATE` | `10/minute` | login attempts per client IP (`limits` syntax) |
| `STAFF_LOCKOUT_FAILURES` | `5` | failed logins in a row that lock an account |
| `STAFF_LOCKOUT_MINUTES` | `15` | how long a locked account stays locked |
| `STAFF_COOKIE_SECURE` | `auto` | `auto`: the cookie is Secure when the request came over https (TLS to the gateway, or `X-Forwarded-Proto: https` from one of `WIDGET_TRUSTED_PROXIES`); `1` always; `0` never |
| `STAFF_LANGUAGE` | `en` | the console's language when the browser asks for none it has (`en` or `zh`) |
| `ANALYTICS_TEXT_RETENTION_DAYS` | `30` | unanswered questions' texts older than this are deleted (at start-up and every `RETENTION_SWEEP_SECONDS`) |
| `WIDGET_TRUSTED_PROXIES` | (none) | the gateway's reverse proxies (shared with the chat API): only from them are `X-Forwarded-For` (the login rate limit's client address) and `X-Forwarded-Proto` read |
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from bot.forwarded import IpNetwork, networks
from bot.settings import Settings, SettingsError, data_key, env_choice, env_int, rate

STAFF_LANGUAGES = ("en", "zh")
SECRET_FILE = "staff_secret.key"


def _fernet_key(raw: str, name: str) -> bytes:
    """The key as 32 bytes; a malformed one is a configuration error, never a silent random key."""
    try:
        key = base64.urlsafe_b64decode(raw.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        raise SettingsError(
            f'{name} must be 32 bytes in url-safe base64 (e.g. from `python -c "import '
            'cryptography.fernet as f; print(f.Fernet.generate_key().decode())"`)'
        )
    return key


@dataclass(frozen=True)
class StaffSettings:
    """Sessions, lockout and storage of the console; see the table in this module's docstring."""

    secret_key: str = ""
    idle_minutes: int = 30
    session_hours: int = 12
    login_rate: str = "10/minute"
    lockout_failures: int = 5
    lockout_minutes: int = 15
    cookie_secure: str = "auto"
    language: str = "en"
    text_retention_days: int = 30
    trusted_proxies: tuple[IpNetwork, ...] = ()
    data_dir: str = "var"
    database_url: str = ""  # the gateway's DATABASE_URL: the leads are then in PostgreSQL

    @classmethod
    def from_env(cls, env: Mapping[str, str], data_dir: str = "var") -> "StaffSettings":
        secret = env.get("STAFF_SECRET_KEY", "").strip()
        if secret:
            _fernet_key(secret, "STAFF_SECRET_KEY")
        return cls(
            secret_key=secret,
            idle_minutes=env_int(env, "STAFF_IDLE_MINUTES", cls.idle_minutes, minimum=1),
            session_hours=env_int(env, "STAFF_SESSION_HOURS", cls.session_hours, minimum=1),
            login_rate=rate(env, "STAFF_LOGIN_RATE", cls.login_rate),
            lockout_failures=env_int(env, "STAFF_LOCKOUT_FAILURES", cls.lockout_failures, minimum=1),
            lockout_minutes=env_int(env, "STAFF_LOCKOUT_MINUTES", cls.lockout_minutes, minimum=1),
            cookie_secure=env_choice(env, "STAFF_COOKIE_SECURE", cls.cookie_secure, ("auto", "0", "1")),
            language=env_choice(env, "STAFF_LANGUAGE", cls.language, STAFF_LANGUAGES),
            text_retention_days=env_int(
                env, "ANALYTICS_TEXT_RETENTION_DAYS", cls.text_retention_days, minimum=1
            ),
            trusted_proxies=networks(env, "WIDGET_TRUSTED_PROXIES"),
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL", "").strip(),
        )

    @classmethod
    def from_gateway(cls, settings: Settings) -> "StaffSettings":
        return cls.from_env(settings.env, data_dir=settings.data_dir)

    @property
    def accounts_db(self) -> Path:
        return Path(self.data_dir) / "staff.sqlite3"

    @property
    def leads_db(self) -> Path:
        """Written by the action server (actions/leads.py) unless DATABASE_URL puts the leads in
        PostgreSQL; the console reads and deletes."""
        return Path(self.data_dir) / "leads.sqlite3"

    def cookie_key(self) -> bytes:
        """STAFF_SECRET_KEY, else a random key created once and kept in the data folder, so logins
        survive a restart and no key is ever built into the code."""
        if self.secret_key:
            return _fernet_key(self.secret_key, "STAFF_SECRET_KEY")
        return data_key(self.data_dir, SECRET_FILE)
