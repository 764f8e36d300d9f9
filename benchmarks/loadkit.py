"""Shared parts of the load benchmarks (stock_rasa.py, load_gateway.py).

The pure parts (percentiles, summaries, tables, goal verdicts) need only the standard library and are
unit-tested in tests/benchmarks; the load runners import aiohttp when called (run them with
.venv/gateway/bin/python, whose aiohttp is current).
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Ports the project and its tests use by default; a benchmark never takes them for itself.
RESERVED_PORTS = frozenset({5005, 5055, 5105, 5155, 5205, 5255, 8080})

# The goals of issue 12, item 1: project / stock.
GOALS = (
    # (key, label, comparison, bound)
    ("p50_ms", "p50", "<=", 1.2),
    ("msg_per_s", "throughput", ">=", 0.9),
    ("rss_mib", "Rasa RSS", "<=", 1.1),
)


# ---------------------------------------------------------------- pure parts


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty sequence (same rule as bench.py)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= share <= 1:
        raise ValueError(f"share must be in 0..1, got {share}")
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Phase:
    """What one phase of load produced: latencies of the successful turns, failures by kind, wall time."""

    seconds: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    wall_s: float = 0.0

    @property
    def errors(self) -> int:
        return sum(self.failures.values())

    def summary(self) -> dict:
        """p50/p95/mean in ms, completed turns per second of wall time, error count and kinds."""
        out: dict = {
            "n": len(self.seconds),
            "errors": self.errors,
            "failures": dict(self.failures),
            "wall_s": round(self.wall_s, 2),
        }
        if self.seconds:
            out["p50_ms"] = round(1000 * percentile(self.seconds, 0.50), 1)
            out["p95_ms"] = round(1000 * percentile(self.seconds, 0.95), 1)
            out["mean_ms"] = round(1000 * sum(self.seconds) / len(self.seconds), 1)
        out["msg_per_s"] = round(len(self.seconds) / self.wall_s, 1) if self.wall_s > 0 else None
        return out


def ratio(project: float | None, stock: float | None) -> float | None:
    """project / stock, or None when either is missing or stock is zero."""
    if project is None or stock is None or stock == 0:
        return None
    return project / stock


def verdict(value: float | None, comparison: str, bound: float) -> str:
    """'met', 'not met', or 'n/a' when the value could not be measured."""
    if value is None:
        return "n/a"
    ok = value <= bound if comparison == "<=" else value >= bound
    return "met" if ok else "not met"


def goal_rows(project: dict, stock: dict) -> list[dict]:
    """One row per goal of issue 12 (p50, throughput, RSS, zero errors) with ratio and verdict."""
    rows = []
    for key, label, comparison, bound in GOALS:
        r = ratio(project.get(key), stock.get(key))
        rows.append(
            {
                "goal": f"{label} {comparison} {bound:g}x stock",
                "ratio": r,
                "verdict": verdict(r, comparison, bound),
            }
        )
    errors = project.get("errors")
    rows.append(
        {
            "goal": "zero errors (project)",
            "ratio": None,
            "errors": errors,
            "verdict": "n/a" if errors is None else "met" if errors == 0 else "not met",
        }
    )
    return rows


def fmt(value, unit: str = "", digits: int = 1) -> str:
    """A cell: 'n/a' for None, numbers rounded, an optional unit."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        value = f"{value:.{digits}f}"
    return f"{value}{unit}"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured Markdown table (cells already formatted or formatted with str())."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def side_by_side(results: dict[str, dict], concurrency: int) -> str:
    """The stock-vs-project table: one row per target (results: name -> combined summary)."""
    header = [
        "",
        "p50",
        "p95",
        f"p50 at {concurrency}",
        f"p95 at {concurrency}",
        f"msg/s at {concurrency} concurrent",
        "Rasa RSS",
        "errors",
    ]
    rows = [
        [
            name,
            fmt(r.get("p50_ms"), " ms"),
            fmt(r.get("p95_ms"), " ms"),
            fmt(r.get("conc_p50_ms"), " ms"),
            fmt(r.get("conc_p95_ms"), " ms"),
            fmt(r.get("msg_per_s")),
            fmt(r.get("rss_mib"), " MB", 0),
            fmt(r.get("errors")),
        ]
        for name, r in results.items()
    ]
    return markdown_table(header, rows)


def goals_table(project: dict, stock: dict) -> str:
    """The goal verdicts as a table."""
    rows = [
        [g["goal"], fmt(g["errors"], " errors") if "errors" in g else fmt(g["ratio"], "x", 2), g["verdict"]]
        for g in goal_rows(project, stock)
    ]
    return markdown_table(["goal (issue 12)", "project / stock", "verdict"], rows)


def levels_table(results: dict[int, dict]) -> str:
    """The gateway load table: one row per number of concurrent visitors."""
    split = any("rasa_p50_ms" in r for r in results.values())
    header = ["visitors", "turns", "p50", "p95", "msg/s", "errors", "error kinds", "session p50"]
    if split:
        header += ["of which Rasa p50 / p95", "gateway's own p50"]
    rows = []
    for visitors, r in results.items():
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(r.get("failures", {}).items())) or "-"
        row = [
            visitors,
            r.get("n", 0),
            fmt(r.get("p50_ms"), " ms"),
            fmt(r.get("p95_ms"), " ms"),
            fmt(r.get("msg_per_s")),
            r.get("errors", 0),
            kinds,
            fmt(r.get("session_p50_ms"), " ms"),
        ]
        if split:
            rasa, total = r.get("rasa_p50_ms"), r.get("p50_ms")
            own = None if rasa is None or total is None else max(0.0, total - rasa)
            row += [f"{fmt(rasa, ' ms')} / {fmt(r.get('rasa_p95_ms'), ' ms')}", fmt(own, " ms")]
        rows.append(row)
    return markdown_table(header, rows)


def parse_levels(spec: str) -> list[tuple[int, int]]:
    """'1:30,16:15,64:5' -> [(1, 30), (16, 15), (64, 5)]: visitors and messages per visitor."""
    levels = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        visitors, _, messages = part.partition(":")
        try:
            v, m = int(visitors), int(messages)
        except ValueError:
            raise ValueError(f"level must look like VISITORS:MESSAGES, got {part!r}") from None
        if v < 1 or m < 1:
            raise ValueError(f"visitors and messages must be >= 1, got {part!r}")
        levels.append((v, m))
    if not levels:
        raise ValueError("no levels given")
    return levels


# ---------------------------------------------------------------- processes and ports


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, never one of the project's default ports."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port
    raise RuntimeError("no free port found")


def listening_socket_inodes(port: int) -> set[str]:
    """Inodes of TCP sockets listening on the port (IPv4 and IPv6), from /proc/net."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A = LISTEN
                inodes.add(fields[9])
    return inodes


def pid_listening_on(port: int) -> int | None:
    """The process holding the listening socket of the port, found through /proc/<pid>/fd."""
    targets = {f"socket:[{inode}]" for inode in listening_socket_inodes(port)}
    if not targets:
        return None
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and targets & _fd_links(proc):
            return int(proc.name)
    return None


def _fd_links(proc: Path) -> set[str]:
    """What the process's open descriptors point to. A descriptor closed between the listing and its
    readlink is skipped alone: a busy process (Rasa under load) opens and closes them all the time, and
    giving up on the whole process then made the lookup miss the very process it was after."""
    links = set()
    try:
        fds = list((proc / "fd").iterdir())
    except OSError:  # gone, or not ours to read
        return links
    for fd in fds:
        try:
            links.add(os.readlink(fd))
        except OSError:
            continue
    return links


def rss_mib(pid: int | None) -> float | None:
    """Resident set size of the process in MiB (VmRSS), None when it cannot be read."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- load runners (aiohttp)

Turn = Callable[..., Awaitable[str | None]]  # returns None on success, else a failure kind


async def timed(phase: Phase, turn: Callable[[], Awaitable[str | None]]) -> None:
    """Runs one turn, adding its latency (success) or its failure kind to the phase."""
    started = time.monotonic()
    try:
        failure = await turn()
    except asyncio.TimeoutError:
        failure = "timeout"
    except Exception as exc:  # noqa: BLE001 - any transport error is one failed turn
        failure = type(exc).__name__
    if failure is None:
        phase.seconds.append(time.monotonic() - started)
    else:
        phase.failures[failure] += 1


async def rest_turn(session, url: str, sender: str, text: str) -> str | None:
    """One message through Rasa's REST channel: None if answered, else why not."""
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as resp:
        if resp.status != 200:
            return f"http {resp.status}"
        body = await resp.json(content_type=None)
        return None if isinstance(body, list) and body else "empty reply"


async def rest_load(
    url: str,
    texts: Sequence[str],
    sequential: int,
    clients: int,
    messages: int,
    timeout: float,
    run_id: str,
    warmup: int = 3,
) -> dict:
    """Warm-up turns (not measured), N sequential first messages (fresh senders), then C concurrent clients
    x M messages each."""
    import aiohttp

    limit = aiohttp.TCPConnector(limit=clients + 4)
    async with aiohttp.ClientSession(
        connector=limit, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as session:
        for i in range(warmup):  # not measured: first use of the model's components, connection set-up
            await timed(
                Phase(), lambda i=i: rest_turn(session, url, f"bench-{run_id}-w{i}", texts[i % len(texts)])
            )
        seq = Phase()
        started = time.monotonic()
        for i in range(sequential):
            await timed(
                seq, lambda i=i: rest_turn(session, url, f"bench-{run_id}-s{i}", texts[i % len(texts)])
            )
        seq.wall_s = time.monotonic() - started

        conc = Phase()

        async def client(c: int) -> None:
            for m in range(messages):
                await timed(
                    conc,
                    lambda m=m: rest_turn(session, url, f"bench-{run_id}-c{c}", texts[(c + m) % len(texts)]),
                )

        started = time.monotonic()
        await asyncio.gather(*(client(c) for c in range(clients)))
        conc.wall_s = time.monotonic() - started
    s, c = seq.summary(), conc.summary()
    return {
        "p50_ms": s.get("p50_ms"),
        "p95_ms": s.get("p95_ms"),
        "conc_p50_ms": c.get("p50_ms"),
        "conc_p95_ms": c.get("p95_ms"),
        "msg_per_s": c.get("msg_per_s"),
        "errors": seq.errors + conc.errors,
        "failures": dict(seq.failures + conc.failures),
        "sequential": s,
        "concurrent": c,
    }
