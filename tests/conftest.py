"""What every test run shares, in both environments (.venv/gateway and .venv/rasa): the network guard
(tests/network_guard.py), and the `integration` and `browser` markers (pytest.ini) given here, by rule,
so that a new test cannot miss the marker that `-m "not integration and not browser"` relies on.

Standard library and pytest only: the Rasa environment has no aiohttp test plugin, the gateway's no Rasa.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import network_guard

TESTS = Path(__file__).resolve().parent
# Directories whose every test needs servers no test fakes: the real trained Rasa and action server
# (started by scripts/run_tests.sh) or real PostgreSQL and Redis (tests/servers.py).
INTEGRATION_DIRS = (TESTS / "integration", TESTS / "scale")
# The fixture every browser test drives headless Chromium through (tests/bot/web/test_widget_browser.py,
# tests/bot/staff/test_console_browser.py).
BROWSER_FIXTURE = "browser"


def pytest_configure(config: pytest.Config) -> None:
    """Installed for the whole run, so collection and session fixtures are guarded too."""
    network_guard.install()


def pytest_unconfigure(config: pytest.Config) -> None:
    network_guard.uninstall()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if any(Path(item.path).is_relative_to(directory) for directory in INTEGRATION_DIRS):
            item.add_marker(pytest.mark.integration)
        if BROWSER_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _only_this_machine():
    """Fails a test that reached (or tried to reach) beyond this machine, caught or not; a refusal in a
    session fixture's setup is reported by the first test that used it."""
    yield
    network_guard.fail_on_attempts()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A refusal after the last test (a session fixture's teardown) still fails the run."""
    attempts = network_guard.take_attempts()
    if attempts:
        print("\nnetwork guard: reached beyond this machine after the last test: " + "; ".join(attempts))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
