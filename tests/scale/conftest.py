"""Real PostgreSQL and Redis servers for the scale-out tests, private to this test session.

Started once per session on free ports under a temporary directory (tests/servers.py) and stopped
afterwards. Tests that stop a server (the fault tests) start it again before they finish, through
`restarted`, so later tests find it running.
"""

from __future__ import annotations

import contextlib

import pytest

from tests import servers

# One WIDGET_SENDER_KEY for every gateway of the session: they share one PostgreSQL, which refuses a
# gateway whose key differs from the first one's (as in production).
SENDER_KEY = "scale-test-sender-key-0123456789abcdef"


@pytest.fixture(scope="session")
def postgres():
    server = servers.start_postgres()
    yield server
    servers.discard(server)


@pytest.fixture(scope="session")
def redis():
    server = servers.start_redis()
    yield server
    servers.discard(server)


@contextlib.contextmanager
def stopped(server):
    """The server is down inside the block and running again after it, whatever the block does."""
    server.stop()
    try:
        yield
    finally:
        if not server.running():
            server.start()


@pytest.fixture(scope="session")
def stack(postgres, redis):
    """Two Rasa instances and one action server on the session's PostgreSQL and Redis."""
    from tests.scale.stack import start_stack

    running = start_stack(postgres, redis)
    yield running
    running.stop()
