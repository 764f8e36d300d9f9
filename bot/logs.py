"""The gateway's logging: one format, secrets never written, chatty HTTP libraries quiet.

Standard library only: the launcher (scripts/services.py, run by the system python3) redacts the
services' output with `redact` too.

httpx logs every request URL at INFO, and a Telegram Bot API URL carries the bot token
(`https://api.telegram.org/bot<token>/sendMessage`), so a plain INFO log leaks the token on every
call. The HTTP libraries are held at WARNING, and every handler's formatter redacts anything shaped
like a bot token plus the configured secrets' values, in the message and in tracebacks alike.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET_LOGGERS = ("httpx", "httpcore", "hpack")
SECRET_VARIABLES = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "RASA_API_TOKEN", "WIDGET_SENDER_KEY")
BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")
REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    """A formatter whose output never contains a bot token or one of the given secret values."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """The text with bot tokens and the given secret values replaced."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return BOT_TOKEN.sub(REDACTED, text)


def configure_logging(env: dict[str, str] | None = None, level: int = logging.INFO) -> None:
    """Root logging for `python -m bot`: INFO, one format, every handler redacting, HTTP libraries quiet."""
    env = dict(os.environ if env is None else env)
    logging.basicConfig(level=level, format=FORMAT)
    secrets = [env.get(name, "").strip() for name in SECRET_VARIABLES]
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(FORMAT, secrets))
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
