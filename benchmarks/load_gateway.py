"""Load test through the gateway's web chat API, as the widget uses it, at 1, 16 and 64 concurrent visitors.

Usage (from the repo root; the whole stack must be running, e.g. `make run`):
    .venv/gateway/bin/python benchmarks/load_gateway.py --url http://127.0.0.1:8080
    .venv/gateway/bin/python benchmarks/load_gateway.py --levels 1:30,16:15,64:5

Each visitor does what the widget does: `POST /api/v1/session` for the demo site (with the gateway's own
Origin, like the demo page), then `POST /api/v1/chat` with `"start": "greet"` (the widget's greeting),
then questions until it has sent its messages; afterwards (not timed) `DELETE /api/v1/session` deletes
the conversation unless --keep-sessions. One unreported visitor warms up first (--warmup turns). A level `V:M` is V visitors at once, M chat turns each. Reported
per level: p50/p95 of the chat turns, completed turns per second of wall time, and failures by kind
(`http 429 …` rate limited, `http 503 busy` beyond RASA_MAX_CONCURRENT, `http 503 rasa` Rasa did not answer
within RASA_TIMEOUT, `timeout`, ...). Writes benchmarks/load_results.json.

Per stage: with the gateway's analytics database (--analytics-db, or $ADVISOR_DATA_DIR/analytics.sqlite3,
read-only, SQLite only) the table adds the p50/p95 of the time the gateway waited for Rasa in the same
turns (Rasa NLU + policies + action server round trips + tracker store); the rest of a turn's p50 is the
gateway's own (validation, rate limits, session store, history writes, HTTP).

Rate limits: the gateway's defaults (WIDGET_RATE_IP=120/minute per IP, WIDGET_RATE_NEW_SESSION=60/hour per
IP, WIDGET_RATE_SESSION=30/minute per conversation) are meant for the internet and throttle a load test
from one address within seconds. Raise them only for the gateway you benchmark, in its environment, e.g.

    WIDGET_RATE_IP=100000/minute WIDGET_RATE_NEW_SESSION=100000/hour WIDGET_RATE_SESSION=1000/minute \
        GATEWAY_PORT=8481 ... python3 scripts/services.py run

The defaults in the code stay as they are; with them, this tool reports the 429s it gets as errors.
RASA_MAX_CONCURRENT (default 32) is left as configured: at 64 visitors the turns beyond it get the
gateway's "busy" 503 at once, which is reported, not hidden.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadkit import Phase, levels_table, parse_levels, percentile, timed  # noqa: E402

RESULTS_PATH = Path(__file__).resolve().parent / "load_results.json"
QUESTIONS = (
    "What does measure 9 say?",
    "Which cultural routes are there?",
    "How can foreign companies invest?",
    "Tell me about red tourism",
    "Was sagt Maßnahme 9?",
    "有哪些文化旅游路线？",
    "thanks",
)


async def visitor(
    session,
    base: str,
    v: int,
    messages: int,
    turns: Phase,
    sessions: Phase,
    created: list[str],
    language: str,
) -> None:
    """One widget visitor: a session, the greeting, then questions; failures end the visitor early."""
    headers = {"Origin": base, "Accept": "application/json", "Accept-Language": language}
    box: dict = {}

    async def create() -> str | None:
        async with session.post(
            f"{base}/api/v1/session", json={"site": "demo", "language": language}, headers=headers
        ) as resp:
            if resp.status != 201:
                return f"http {resp.status}"
            box["id"] = (await resp.json())["session_id"]
            return None

    await timed(sessions, create)
    if "id" not in box:
        turns.failures["no session"] += messages
        return
    created.append(box["id"])
    for m in range(messages):
        body = {"session_id": box["id"], "language": language}
        if m == 0:
            body["start"] = "greet"
        else:
            body["text"] = QUESTIONS[(v + m) % len(QUESTIONS)]

        async def chat(body: dict = body) -> str | None:
            async with session.post(f"{base}/api/v1/chat", json=body, headers=headers) as resp:
                if resp.status != 200:
                    return await failure_kind(resp)
                data = await resp.json()
                return None if data.get("messages") else "empty reply"

        await timed(turns, chat)


async def failure_kind(resp) -> str:
    """'http 503 busy', 'http 503 rasa', 'http 429 …': the status and the API's own error code if any."""
    try:
        code = (await resp.json(content_type=None))["error"]["code"]
    except Exception:  # noqa: BLE001 - not the API's JSON error: the status alone
        return f"http {resp.status}"
    return f"http {resp.status} {code}"


async def delete_sessions(session, base: str, ids: list[str]) -> int:
    """Deletes the benchmark's conversations (a few at a time); returns how many failed."""
    failed = 0
    gate = asyncio.Semaphore(4)

    async def one(sid: str) -> None:
        nonlocal failed
        async with gate:
            try:
                async with session.delete(
                    f"{base}/api/v1/session", headers={"Origin": base, "Authorization": f"Bearer {sid}"}
                ) as resp:
                    failed += resp.status != 200
            except Exception:  # noqa: BLE001 - counted, the run's numbers are already taken
                failed += 1

    await asyncio.gather(*(one(sid) for sid in ids))
    return failed


def rasa_latencies(db: Path, since: float, until: float) -> list[float]:
    """Seconds the gateway waited for Rasa per web turn in the window, from its analytics table."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as conn:
        rows = conn.execute(
            "SELECT latency_ms FROM turns WHERE channel = 'web' AND at BETWEEN ? AND ?", (since, until)
        ).fetchall()
    return [ms / 1000 for (ms,) in rows]


async def run_level(
    base: str,
    visitors: int,
    messages: int,
    timeout: float,
    language: str,
    keep: bool,
    analytics: Path | None = None,
) -> dict:
    """V visitors at once, M turns each; the summary of their chat turns and session creations, and with
    the gateway's analytics database the share of each turn spent waiting for Rasa."""
    import aiohttp

    turns, sessions, created = Phase(), Phase(), []
    connector = aiohttp.TCPConnector(limit=visitors + 4)
    async with aiohttp.ClientSession(
        connector=connector, timeout=aiohttp.ClientTimeout(total=timeout)
    ) as http:
        started, since = time.monotonic(), time.time()
        await asyncio.gather(
            *(visitor(http, base, v, messages, turns, sessions, created, language) for v in range(visitors))
        )
        turns.wall_s = time.monotonic() - started
        result = turns.summary()
        result["session_p50_ms"] = sessions.summary().get("p50_ms")
        result["session_errors"] = sessions.errors
        if analytics is not None:  # read before the deletions below: "forget me" removes these rows
            try:
                waited = rasa_latencies(analytics, since - 1, time.time() + 1)
            except Exception as exc:  # noqa: BLE001 - optional figure
                print(f"[load] analytics not readable ({exc})", file=sys.stderr)
                waited = []
            if waited:
                result["rasa_p50_ms"] = round(1000 * percentile(waited, 0.5), 1)
                result["rasa_p95_ms"] = round(1000 * percentile(waited, 0.95), 1)
        if not keep and created:
            result["delete_failures"] = await delete_sessions(http, base, created)
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Load test through the gateway's web chat API.")
    p.add_argument("--url", default=os.environ.get("GATEWAY_URL", "http://127.0.0.1:8080"))
    p.add_argument(
        "--levels",
        default="1:30,16:15,64:5",
        help="VISITORS:MESSAGES, comma-separated (default 1:30,16:15,64:5)",
    )
    p.add_argument("--language", default="en")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    p.add_argument("--warmup", type=int, default=3, help="turns of one unreported visitor first")
    p.add_argument("--pause", type=float, default=2.0, help="seconds between levels")
    p.add_argument(
        "--analytics-db",
        type=Path,
        help="the gateway's analytics.sqlite3 (default $ADVISOR_DATA_DIR/analytics.sqlite3 if set): "
        "adds the time the gateway waited for Rasa per turn",
    )
    p.add_argument("--keep-sessions", action="store_true", help="do not delete the conversations afterwards")
    p.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = p.parse_args(argv)
    try:
        args.levels = parse_levels(args.levels)
    except ValueError as exc:
        p.error(str(exc))
    if any(v > 256 or v * m > 2000 for v, m in args.levels):
        p.error("a level is bounded to 256 visitors and 2000 turns")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = args.url.rstrip("/")
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/readyz", timeout=5) as resp:
            if resp.status != 200:
                raise OSError(resp.status)
    except OSError as exc:
        print(
            f"the gateway is not ready at {base} ({exc}); start the stack first (make run)", file=sys.stderr
        )
        return 2
    if args.warmup:
        print(f"[load] warm-up: 1 visitor x {args.warmup} turns (not reported)", flush=True)
        asyncio.run(run_level(base, 1, args.warmup, args.timeout, args.language, args.keep_sessions))
    analytics = args.analytics_db
    if analytics is None and os.environ.get("ADVISOR_DATA_DIR"):
        analytics = Path(os.environ["ADVISOR_DATA_DIR"]) / "analytics.sqlite3"
    if analytics is not None and not analytics.is_file():
        print(f"[load] no analytics database at {analytics}: no Rasa/gateway split", file=sys.stderr)
        analytics = None
    results: dict[int, dict] = {}
    for i, (visitors, messages) in enumerate(args.levels):
        if i:
            time.sleep(args.pause)
        print(f"[load] {visitors} visitors x {messages} turns at {base}", flush=True)
        results[visitors] = asyncio.run(
            run_level(base, visitors, messages, args.timeout, args.language, args.keep_sessions, analytics)
        )
    print()
    print(levels_table(results))
    if any(kind.startswith("http 429") for r in results.values() for kind in r.get("failures", {})):
        print(
            "\n429s: the gateway's rate limits throttled the run; see this script's docstring",
            file=sys.stderr,
        )
    report = {
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "url": base,
        "levels": [list(level) for level in args.levels],
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
