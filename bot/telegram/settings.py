"""Telegram configuration, read from the environment captured at start-up (see README.md here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

from bot.settings import SettingsError, env_int, rate

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # the alphabet Telegram accepts for secret_token
_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


def _http_url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an absolute http(s) URL, got {value!r}")
    return value


@dataclass(frozen=True)
class TelegramSettings:
    """The connector's knobs; `enabled` is False (nothing starts) without TELEGRAM_BOT_TOKEN."""

    token: str = ""
    base_url: str = DEFAULT_BASE_URL
    webhook_url: str = ""
    webhook_path: str = DEFAULT_WEBHOOK_PATH
    webhook_secret: str = ""
    bot_username: str = ""
    max_retries: int = 3
    concurrent_updates: int = 32
    rate_chat: str = "20/minute"
    outreach_per_second: int = 25
    outreach_concurrency: int = 4
    outreach_max_attempts: int = 3

    @property
    def enabled(self) -> bool:
        return bool(self.token)

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "TelegramSettings":
        settings = cls(
            token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            base_url=env.get("TELEGRAM_BASE_URL", "").strip() or DEFAULT_BASE_URL,
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip(),
            webhook_path=env.get("TELEGRAM_WEBHOOK_PATH", "").strip() or DEFAULT_WEBHOOK_PATH,
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", "").strip(),
            bot_username=env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@"),
            max_retries=env_int(env, "TELEGRAM_MAX_RETRIES", cls.max_retries, minimum=0),
            concurrent_updates=env_int(env, "TELEGRAM_CONCURRENT_UPDATES", cls.concurrent_updates, minimum=1),
            rate_chat=rate(env, "TELEGRAM_RATE_CHAT", cls.rate_chat),
            outreach_per_second=env_int(env, "OUTREACH_MAX_PER_SECOND", cls.outreach_per_second, minimum=1),
            outreach_concurrency=env_int(env, "OUTREACH_CONCURRENCY", cls.outreach_concurrency, minimum=1),
            outreach_max_attempts=env_int(env, "OUTREACH_MAX_ATTEMPTS", cls.outreach_max_attempts, minimum=1),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        """Fails at start-up with a message naming the variable, never later at the first update."""
        if not self.enabled:
            return
        if not _TOKEN.match(self.token):
            raise SettingsError("TELEGRAM_BOT_TOKEN must look like '123456:ABC-def...'")
        _http_url("TELEGRAM_BASE_URL", self.base_url)
        if self.bot_username and not _USERNAME.match(self.bot_username):
            raise SettingsError(f"TELEGRAM_BOT_USERNAME is not a Telegram username: {self.bot_username!r}")
        if self.webhook_mode:
            self._validate_webhook()
        if self.outreach_per_second > 30:
            raise SettingsError("OUTREACH_MAX_PER_SECOND must be at most 30 (Telegram's broadcast limit)")

    def _validate_webhook(self) -> None:
        _http_url("TELEGRAM_WEBHOOK_URL", self.webhook_url)
        if not self.webhook_path.startswith("/"):
            raise SettingsError(f"TELEGRAM_WEBHOOK_PATH must start with '/', got {self.webhook_path!r}")
        if not self.webhook_secret:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set")
        if not _SECRET.match(self.webhook_secret):
            raise SettingsError(
                "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, '_' or '-'"
            )
