"""Issue 11, item 9: runtime and development dependencies in separate lock files, every pin with
hashes, installed with --require-hashes (scripts/setup_envs.sh)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
DEV_ONLY = {"pytest", "pytest-aiohttp", "pytest-asyncio", "pytest-timeout", "playwright", "ruff", "iniconfig"}
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+?)(?:\s*;.*?)?\s*\\?$")


def pins(lock: Path) -> dict[str, str]:
    """name -> version, checking that each pin is followed by at least one sha256 hash."""
    result: dict[str, str] = {}
    lines = lock.read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        match = PIN.match(line)
        if not match:
            continue
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        assert line.endswith("\\") and lines[index + 1].strip().startswith("--hash=sha256:"), (
            f"{lock.name}: {name} has no hash"
        )
        result[name] = match.group(2)
    return result


@pytest.mark.parametrize("env", ["gateway", "rasa"])
def test_the_runtime_lock_has_no_test_tools_and_the_dev_lock_adds_them_at_the_same_versions(env):
    runtime, dev = pins(REQUIREMENTS / f"{env}.lock"), pins(REQUIREMENTS / f"{env}-dev.lock")
    assert runtime and not DEV_ONLY & runtime.keys()
    assert "pytest" in dev
    assert {name: dev.get(name) for name in runtime} == runtime


def test_both_environments_test_with_the_same_pytest_and_timeout_plugin():
    """One pytest.ini and one tests/conftest.py serve both environments; with another pytest in each, an
    option or hook could mean one thing here and another there (and --strict-config would catch an
    unknown `timeout` key only in the environment that lacks pytest-timeout)."""
    gateway, rasa = pins(REQUIREMENTS / "gateway-dev.lock"), pins(REQUIREMENTS / "rasa-dev.lock")
    for tool in ("pytest", "pytest-timeout"):
        assert tool in gateway and gateway[tool] == rasa.get(tool), (tool, gateway.get(tool), rasa.get(tool))


def test_setup_installs_with_require_hashes():
    script = (ROOT / "scripts" / "setup_envs.sh").read_text(encoding="utf-8")
    assert '--require-hashes --no-deps -r "$lock"' in script
    assert "requirements/gateway$DEV.lock" in script and "ADVISOR_RUNTIME_ONLY" in script
