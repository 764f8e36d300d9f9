"""pytest.ini keeps the suites strict (issue 14, item 6): its warning filters stay narrow, the markers
a developer selects by exist, and every test has a time limit."""

from __future__ import annotations

import configparser
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("bot", "actions", "components", "tests", "eval", "benchmarks", "scripts")


def ini() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "pytest.ini", encoding="utf-8")
    return parser["pytest"]


def filters() -> list[str]:
    lines = ini()["filterwarnings"].splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_every_warning_is_an_error_unless_named_with_its_third_party_module():
    first, *ignores = filters()
    assert first == "error"
    assert ignores
    for line in ignores:
        action, message, category, module = line.split(":", 3)
        assert action == "ignore", line
        assert message.strip() and category.strip(), f"a filter names the warning it ignores: {line}"
        assert module.strip(), f"a filter names the module the warning comes from: {line}"
        assert not module.startswith(OUR_PACKAGES), f"our own warnings are fixed, not ignored: {line}"


def test_no_blanket_ignore_of_a_warning_category():
    for line in filters():
        action, _, rest = line.partition(":")
        message = rest.split(":", 1)[0]
        assert action == "error" or message.strip(), line


def test_strict_markers_and_config_and_a_default_timeout():
    options = ini()
    assert {"--strict-markers", "--strict-config"} <= set(options["addopts"].split())
    assert options["testpaths"].split() == ["tests"]
    assert int(options["timeout"]) >= 60


def test_the_selection_markers_are_registered(pytestconfig):
    registered = {re.split(r"[:(]", line, maxsplit=1)[0].strip() for line in pytestconfig.getini("markers")}
    assert {"browser", "integration", "slow", "timeout"} <= registered


def test_a_test_that_outlives_its_timeout_fails_with_its_stack(tmp_path):
    """pytest-timeout is installed in this environment and a test's own limit is honoured (a hung test
    must fail, not hold make test until CI's limit)."""
    (tmp_path / "test_hangs.py").write_text(
        "import time\nimport pytest\n\n\n@pytest.mark.timeout(1)\ndef test_hangs():\n    time.sleep(60)\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pytest.ini"), "--rootdir", str(tmp_path)]
    command += ["-p", "no:cacheprovider", str(tmp_path / "test_hangs.py")]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "Timeout (>1.0s) from pytest-timeout" in run.stdout and "time.sleep(60)" in run.stdout, run.stdout
