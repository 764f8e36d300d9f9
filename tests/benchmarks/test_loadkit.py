"""The pure parts of the load benchmarks: percentiles, summaries, tables, goal verdicts (no timing)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import loadkit  # noqa: E402
from loadkit import (  # noqa: E402
    Phase,
    fmt,
    goal_rows,
    goals_table,
    levels_table,
    markdown_table,
    parse_levels,
    percentile,
    ratio,
    side_by_side,
    verdict,
)


def test_percentile_nearest_rank():
    values = [5, 1, 4, 2, 3]
    assert percentile(values, 0.5) == 3
    assert percentile(values, 0.95) == 5
    assert percentile(values, 0) == 1
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile([7.0], 0.5) == 7.0


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1], 1.5)


def test_phase_summary_counts_failures_and_throughput():
    phase = Phase(seconds=[0.01, 0.02, 0.03, 0.04], wall_s=2.0)
    phase.failures["http 503"] += 2
    s = phase.summary()
    assert s["n"] == 4 and s["errors"] == 2 and s["failures"] == {"http 503": 2}
    assert s["p50_ms"] == 20.0 and s["p95_ms"] == 40.0
    assert s["msg_per_s"] == 2.0


def test_phase_summary_without_successes():
    s = Phase(wall_s=0).summary()
    assert s["n"] == 0 and "p50_ms" not in s and s["msg_per_s"] is None


def test_ratio_and_verdict():
    assert ratio(60, 30) == 2
    assert ratio(None, 30) is None and ratio(1, 0) is None
    assert verdict(1.2, "<=", 1.2) == "met"
    assert verdict(1.21, "<=", 1.2) == "not met"
    assert verdict(0.9, ">=", 0.9) == "met"
    assert verdict(0.5, ">=", 0.9) == "not met"
    assert verdict(None, "<=", 1.2) == "n/a"


def test_goal_rows_follow_issue_12():
    stock = {"p50_ms": 30.0, "msg_per_s": 29.6, "rss_mib": 1338.0, "errors": 0}
    project = {"p50_ms": 58.0, "msg_per_s": 15.4, "rss_mib": 1400.0, "errors": 0}
    rows = {r["goal"]: r for r in goal_rows(project, stock)}
    assert rows["p50 <= 1.2x stock"]["verdict"] == "not met"
    assert rows["throughput >= 0.9x stock"]["verdict"] == "not met"
    assert rows["Rasa RSS <= 1.1x stock"]["verdict"] == "met"
    assert rows["zero errors (project)"]["verdict"] == "met"
    assert goal_rows({**project, "errors": 3}, stock)[-1]["verdict"] == "not met"
    assert goal_rows({}, stock)[0]["verdict"] == "n/a"


def test_tables_are_markdown():
    assert markdown_table(["a", "b"], [[1, "x"]]) == "| a | b |\n|---|---|\n| 1 | x |"
    table = side_by_side({"stock": {"p50_ms": 30.0, "rss_mib": 1338.4, "errors": 0}, "project": {}}, 16)
    lines = table.splitlines()
    assert len(lines) == 4 and "msg/s at 16 concurrent" in lines[0]
    assert "30.0 ms" in lines[2] and "1338 MB" in lines[2] and "n/a" in lines[3]
    assert all(line.count("|") == lines[0].count("|") for line in lines)
    goals = goals_table({"p50_ms": 36.0}, {"p50_ms": 30.0})
    assert "1.20x" in goals and "| met |" in goals
    assert "| zero errors (project) | n/a | n/a |" in goals
    assert "| 0 errors | met |" in goals_table({"errors": 0}, {})
    levels = levels_table({64: {"n": 300, "p50_ms": 1.5, "errors": 20, "failures": {"http 503": 20}}})
    assert "http 503: 20" in levels and levels.splitlines()[2].startswith("| 64 | 300 |")
    assert "Rasa" not in levels
    split = levels_table({1: {"n": 3, "p50_ms": 50.0, "rasa_p50_ms": 42.0, "rasa_p95_ms": 60.0}})
    assert "42.0 ms / 60.0 ms" in split and "| 8.0 ms |" in split


def test_fmt():
    assert fmt(None) == "n/a"
    assert fmt(1.234, " ms") == "1.2 ms"
    assert fmt(3) == "3"


def test_parse_levels():
    assert parse_levels("1:30, 16:15,64:5") == [(1, 30), (16, 15), (64, 5)]
    for bad in ("", "16", "0:5", "a:b", "4:-1"):
        with pytest.raises(ValueError):
            parse_levels(bad)


def test_free_port_avoids_project_defaults():
    for _ in range(5):
        assert loadkit.free_port() not in loadkit.RESERVED_PORTS


def test_the_listening_process_is_found_while_it_opens_and_closes_descriptors(monkeypatch):
    """A descriptor that vanishes between the listing and its readlink must not hide the process."""
    real_readlink = os.readlink

    def flaky_readlink(path, *args, **kwargs):
        if str(path).endswith("/fd/0"):
            raise FileNotFoundError(path)  # closed in the meantime
        return real_readlink(path, *args, **kwargs)

    monkeypatch.setattr(loadkit.os, "readlink", flaky_readlink)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert loadkit.pid_listening_on(server.getsockname()[1]) == os.getpid()
