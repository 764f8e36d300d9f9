"""Gateway configuration, read once from the environment at start-up (never at import)."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A configuration value is missing or malformed; the message names the variable."""


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int | None = None) -> int:
    """An integer variable (default when unset), at least `minimum`; the error names the variable."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = int(raw) if re.fullmatch(r"-?\d+", raw) else None
    if value is None or (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise SettingsError(f"{name} must be an integer{bound}, got {raw!r}")
    return value


def data_key(data_dir: str, name: str) -> bytes:
    """32 random bytes kept in `<data_dir>/<name>` (mode 0600), made on first use: a key that must
    survive restarts (session cookies, analytics pseudonyms) without ever being built into the code."""
    path = Path(data_dir) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.urlsafe_b64encode(os.urandom(32)).decode("ascii"))
    key = base64.urlsafe_b64decode(path.read_text().strip())
    if len(key) != 32:
        raise SettingsError(f"{path} must hold 32 bytes in url-safe base64; delete it to make a new one")
    return key


def env_choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a fixed set of words (default when unset); the error lists them."""
    raw = env.get(name, "").strip().lower() or default
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def rate(env: Mapping[str, str], name: str, default: str) -> str:
    """A rate in the `limits` library's syntax (`30/minute`); the error names the variable."""
    from limits import parse

    raw = env.get(name, "").strip() or default
    try:
        parse(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must look like '30/minute', got {raw!r}") from exc
    return raw


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc


def _urls(raw: str) -> tuple[str, ...]:
    """`http://a:5005, http://a:5006` → ("http://a:5005", "http://a:5006")."""
    return tuple(url.strip().rstrip("/") for url in raw.split(",") if url.strip())


def _action_server_url(env: Mapping[str, str]) -> str:
    """The action server's base URL: ACTION_SERVER_URL (the launcher sets it to `…/webhook`, as Rasa's
    endpoints.yml wants it) without that path, else ACTION_SERVER_HOST and ACTION_SERVER_PORT."""
    url = env.get("ACTION_SERVER_URL", "").strip().rstrip("/")
    if url:
        return url.removesuffix("/webhook")
    host = env.get("ACTION_SERVER_HOST", "").strip() or "127.0.0.1"
    return f"http://{host}:{env_int(env, 'ACTION_SERVER_PORT', 5055)}"


@dataclass(frozen=True)
class Settings:
    """Everything the gateway needs; see README "Configuration" for each variable."""

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_urls: tuple[str, ...] = ()  # several Rasa instances (RASA_URLS); empty: just rasa_url
    rasa_timeout: float = 20.0
    rasa_retry_after: float = 10.0
    action_server_url: str = "http://127.0.0.1:5055"
    default_language: str = "en"
    data_dir: str = "var"
    retention_sweep_seconds: int = 3600
    rasa_max_concurrent: int = 32
    database_url: str = ""  # PostgreSQL for web sessions and history; empty: SQLite in data_dir
    redis_url: str = ""  # Redis for rate limits and Telegram state; empty: in this process's memory
    env: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        settings = cls(
            host=env.get("GATEWAY_HOST", cls.host),
            port=env_int(env, "GATEWAY_PORT", cls.port),
            rasa_url=env.get("RASA_URL", cls.rasa_url).rstrip("/"),
            rasa_urls=_urls(env.get("RASA_URLS", "")),
            rasa_timeout=_float(env, "RASA_TIMEOUT", cls.rasa_timeout),
            rasa_retry_after=_float(env, "RASA_RETRY_AFTER", cls.rasa_retry_after),
            action_server_url=_action_server_url(env),
            default_language=env.get("DEFAULT_LANGUAGE", cls.default_language),
            data_dir=env.get("ADVISOR_DATA_DIR", cls.data_dir),
            retention_sweep_seconds=env_int(
                env, "RETENTION_SWEEP_SECONDS", cls.retention_sweep_seconds, minimum=1
            ),
            rasa_max_concurrent=env_int(env, "RASA_MAX_CONCURRENT", cls.rasa_max_concurrent, minimum=1),
            database_url=env.get("DATABASE_URL", "").strip(),
            redis_url=env.get("REDIS_URL", "").strip(),
            env=env,
        )
        settings.validate()
        return settings

    @property
    def rasa_instances(self) -> tuple[str, ...]:
        """Every Rasa the gateway may send a conversation to (RASA_URLS, else RASA_URL)."""
        return self.rasa_urls or (self.rasa_url,)

    def validate(self) -> None:
        from bot.i18n import LANGUAGES

        if not 0 < self.port < 65536:
            raise SettingsError(f"GATEWAY_PORT must be 1-65535, got {self.port}")
        if self.rasa_timeout <= 0:
            raise SettingsError("RASA_TIMEOUT must be positive")
        if self.rasa_retry_after <= 0:
            raise SettingsError("RASA_RETRY_AFTER must be positive")
        for url in self.rasa_instances:
            if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
                raise SettingsError(f"RASA_URL/RASA_URLS: {url!r} is not an http(s) URL")
        if self.database_url and urlsplit(self.database_url).scheme != "postgresql":
            raise SettingsError("DATABASE_URL must be a postgresql:// URL")
        if self.redis_url and urlsplit(self.redis_url).scheme not in ("redis", "rediss"):
            raise SettingsError("REDIS_URL must look like redis://host:6379/0")
        if self.default_language not in LANGUAGES:
            raise SettingsError(
                f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {self.default_language!r}"
            )
