"""The bot token never reaches a log: real PTB and httpx against the fake Bot API, logging as `python -m bot`."""

from __future__ import annotations

import logging

import pytest

from bot.logs import QUIET_LOGGERS, RedactingFormatter, configure_logging, redact
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange

CHAT = 777


@pytest.fixture
def log_file(tmp_path, bot_api):
    """The gateway's logging as configured in production, writing to a file under a data dir."""
    path = tmp_path / "var" / "logs" / "gateway.log"
    path.parent.mkdir(parents=True)
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {n: logging.getLogger(n).level for n in QUIET_LOGGERS})
    root.handlers = [logging.FileHandler(path, encoding="utf-8")]
    configure_logging({"TELEGRAM_BOT_TOKEN": bot_api.token})
    root.setLevel(logging.DEBUG)  # even the most talkative setting must not leak it
    logging.getLogger("httpx").setLevel(logging.INFO)  # as it was before: the formatter must catch it too
    yield path
    for handler in root.handlers:
        handler.close()
    root.handlers, root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_the_token_is_in_no_log_line_of_a_telegram_exchange(log_file, polling, bot_api):
    await exchange(bot_api, updates.text_update(CHAT, "hello"))
    logging.getLogger("bot").error(
        "failed calling %s", f"https://api.telegram.org/bot{bot_api.token}/sendMessage"
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = log_file.read_text(encoding="utf-8")
    assert "sendMessage" in written  # the exchange was logged ...
    assert bot_api.token not in written  # ... without the token
    assert bot_api.token.split(":", 1)[1] not in written


def test_http_libraries_are_quiet_by_default():
    configure_logging({})
    assert all(logging.getLogger(name).level == logging.WARNING for name in QUIET_LOGGERS)


def test_tracebacks_are_redacted_too():
    formatter = RedactingFormatter("%(message)s", ["s3cret-Token_42-long"])
    try:
        raise RuntimeError(
            "webhook secret s3cret-Token_42-long rejected for bot123456:AAbbCCddEEffGGhhIIjjKKll"
        )
    except RuntimeError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "boom", None, exc_info=__import__("sys").exc_info()
        )
    text = formatter.format(record)
    assert "s3cret-Token_42-long" not in text and "AAbbCCddEEffGGhhIIjjKKll" not in text
    assert redact("no secret here") == "no secret here"
