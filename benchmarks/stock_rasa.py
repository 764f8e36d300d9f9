"""Stock Rasa reference: the same load against `rasa init`'s moodbot and the project's Rasa, one table.

Usage (from the repo root; the project's Rasa must be running, e.g. `make run`):
    .venv/gateway/bin/python benchmarks/stock_rasa.py --project-url http://127.0.0.1:5005
    .venv/gateway/bin/python benchmarks/stock_rasa.py --sequential 120 --clients 16 --messages 15
    .venv/gateway/bin/python benchmarks/stock_rasa.py --stock-dir /tmp/moodbot   # build once, reuse

What it does, bounded by timeouts at every step:
1. `rasa init --no-prompt` with the project's own .venv/rasa in a temp dir (the moodbot; init trains it),
   unless --stock-dir already holds a trained one;
2. starts it with `rasa run` (REST channel, no HTTP API, no action server) on a free port that is none of
   the project's defaults, with the same TensorFlow thread settings the launcher gives the project;
3. runs the same load against both (stock first): a few unmeasured warm-up messages, N sequential first messages, each from a fresh sender,
   then C concurrent clients x M messages, all through the REST channel with the same texts;
4. reads each Rasa's RSS (the process listening on its port) after its load;
5. prints the table side by side and the goals of issue 12 (p50 <= 1.2x stock, throughput at C
   concurrent >= 0.9x stock, RSS <= 1.1x stock, zero errors) marked met / not met;
6. stops the stock Rasa (its whole process group) and removes the temp dir, also on Ctrl-C or errors.
Writes benchmarks/stock_results.json. p50/p95 are of the sequential first messages, as in issue 12;
the concurrent phase's own p50/p95 are shown too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadkit import free_port, goals_table, pid_listening_on, rest_load, rss_mib, side_by_side  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
# VENV_DIR as in the Makefile and scripts/services.py
RASA_BIN = REPO_ROOT / os.environ.get("VENV_DIR", ".venv") / "rasa" / "bin" / "rasa"
RESULTS_PATH = Path(__file__).resolve().parent / "stock_results.json"
# Texts both bots understand (the moodbot's intents; greetings and small talk for the project).
TEXTS = ("hello", "I am feeling great", "I am sad", "yes", "no", "goodbye", "hi there", "very good")


def rasa_env() -> dict[str, str]:
    """The environment the launcher gives the project's Rasa, as far as it matters for speed."""
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    for name in ("TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(name, "2")
    return env


def build_stock(directory: Path, timeout: float) -> None:
    """`rasa init --no-prompt` into the directory (it trains the moodbot), unless a model is there."""
    if list((directory / "models").glob("*.tar.gz")):
        print(f"[stock] reusing the moodbot in {directory}", flush=True)
        return
    directory.mkdir(parents=True, exist_ok=True)
    print(f"[stock] rasa init --no-prompt in {directory} (trains the moodbot)", flush=True)
    started = time.monotonic()
    subprocess.run(
        [str(RASA_BIN), "init", "--no-prompt", "--init-dir", str(directory)],
        cwd=directory,
        env=rasa_env(),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    print(f"[stock] built in {time.monotonic() - started:.0f} s", flush=True)


def wait_up(url: str, proc: subprocess.Popen | None, timeout: float) -> None:
    """Waits until `GET /` answers (Rasa's health check) or raises."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"stock Rasa exited with {proc.returncode} before it was up")
        try:
            with urllib.request.urlopen(f"{url}/", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError(f"Rasa at {url} not up within {timeout:.0f} s")


def start_stock(directory: Path, port: int, log_path: Path) -> subprocess.Popen:
    """`rasa run` of the moodbot on 127.0.0.1:port in its own process group."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [
                str(RASA_BIN),
                "run",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--model",
                "models",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=directory,
            env=rasa_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop(proc: subprocess.Popen | None, timeout: float = 15) -> None:
    """SIGTERM to the stock Rasa's process group, SIGKILL if it lingers."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def measure(name: str, url: str, args: argparse.Namespace, run_id: str) -> dict:
    """The load against one Rasa, then the RSS of the process listening on its port."""
    print(
        f"[{name}] {args.sequential} sequential, then {args.clients} x {args.messages} concurrent at {url}",
        flush=True,
    )
    result = asyncio.run(
        rest_load(
            url,
            TEXTS,
            args.sequential,
            args.clients,
            args.messages,
            args.timeout,
            f"{run_id}-{name}",
            args.warmup,
        )
    )
    pid = pid_listening_on(urlparse(url).port or 80)
    result["rss_pid"], result["rss_mib"] = pid, rss_mib(pid)
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Stock Rasa (moodbot) vs the project's Rasa under the same load.")
    p.add_argument("--project-url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    p.add_argument("--sequential", type=int, default=120, help="sequential first messages (fresh senders)")
    p.add_argument("--clients", type=int, default=16, help="concurrent clients")
    p.add_argument("--messages", type=int, default=15, help="messages per concurrent client")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured messages to each Rasa first")
    p.add_argument("--build-timeout", type=float, default=1200.0, help="seconds for rasa init (training)")
    p.add_argument("--start-timeout", type=float, default=300.0, help="seconds for the stock Rasa to come up")
    p.add_argument(
        "--stock-dir", type=Path, help="build the moodbot here and keep it (default: a temp dir, removed)"
    )
    p.add_argument("--out", type=Path, default=RESULTS_PATH)
    args = p.parse_args(argv)
    if min(args.sequential, args.clients, args.messages) < 1:
        p.error("--sequential, --clients and --messages must be >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    project_url = args.project_url.rstrip("/")
    try:
        wait_up(project_url, None, 5)
    except (TimeoutError, RuntimeError):
        print(
            f"the project's Rasa is not answering at {project_url} (start it with `make run`, or pass "
            "--project-url)",
            file=sys.stderr,
        )
        return 2
    temp = None if args.stock_dir else Path(tempfile.mkdtemp(prefix="stock-rasa-"))
    directory = (args.stock_dir or temp / "moodbot").resolve()
    proc = None

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    try:
        build_stock(directory, args.build_timeout)
        port = free_port()
        stock_url = f"http://127.0.0.1:{port}"
        log_path = (temp or directory) / "stock-rasa.log"
        proc = start_stock(directory, port, log_path)
        print(f"[stock] rasa run on {stock_url} (pid {proc.pid}, log {log_path})", flush=True)
        wait_up(stock_url, proc, args.start_timeout)
        run_id = uuid.uuid4().hex[:8]
        results = {
            "stock Rasa (moodbot)": measure("stock", stock_url, args, run_id),
            "this project": measure("project", project_url, args, run_id),
        }
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (subprocess.SubprocessError, OSError, RuntimeError, TimeoutError) as exc:
        print(f"stock benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        stop(proc)
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)
    stock, project = results["stock Rasa (moodbot)"], results["this project"]
    print()
    print(
        f"{args.sequential} sequential first messages, then {args.clients} concurrent clients x "
        f"{args.messages} messages (REST channel); p50/p95 of the sequential ones"
    )
    print(side_by_side(results, args.clients))
    print()
    print(goals_table(project, stock))
    report = {
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sequential": args.sequential,
        "clients": args.clients,
        "messages": args.messages,
        "texts": list(TEXTS),
        "results": results,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    print(f"\nresults: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
