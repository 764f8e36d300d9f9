"""Benchmark: held-out NLU intent F1 per language, training and model load time, REST latency, Rasa RSS.

Usage (from the repo root, in .venv/rasa; latency and RSS need `make run` serving Rasa on 127.0.0.1:5005):
    .venv/rasa/bin/python benchmarks/bench.py                  # newest models/*.tar.gz, 40 latency messages
    .venv/rasa/bin/python benchmarks/bench.py --messages 100   # more latency samples (max 500)
    .venv/rasa/bin/python benchmarks/bench.py --train          # also time `rasa train` into a temp dir
    .venv/rasa/bin/python benchmarks/bench.py --skip-nlu       # only latency and RSS
Environment: RASA_URL (default http://127.0.0.1:5005). Writes benchmarks/results.json.
Columns are explained in eval/README.md. Held-out questions found verbatim in data/nlu/ are left out.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "eval"))
from questions import HELDOUT_DIR, LANGUAGES, Question, load_heldout, load_training_texts, split_by_overlap  # noqa: E402
from score import DEFAULT_URL, post_message, server_is_up  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadkit import pid_listening_on, rss_mib  # noqa: E402  (one /proc lookup for both benchmarks)

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import services  # noqa: E402  (the launcher, standard library only: how the model is trained)

RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
MAX_LATENCY_MESSAGES = 500


# ---------------------------------------------------------------- NLU quality


def weighted_f1(gold: list[str], predicted: list[str]) -> float:
    """Per-intent F1 averaged with the gold support as weight (sklearn's average="weighted")."""
    support = Counter(gold)
    predicted_count = Counter(predicted)
    hits = Counter(g for g, p in zip(gold, predicted, strict=True) if g == p)
    total = 0.0
    for label, n_gold in support.items():
        precision = hits[label] / predicted_count[label] if predicted_count[label] else 0.0
        recall = hits[label] / n_gold
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        total += f1 * n_gold
    return total / len(gold) if gold else 0.0


def newest_model(models_dir: Path) -> Path | None:
    """The most recently written model archive, as `rasa run` would pick it."""
    models = sorted(Path(models_dir).glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def quiet_rasa_logs() -> None:
    """Keeps the table readable: Rasa would otherwise log every parse at debug level."""
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)


def load_agent(model_path: Path):
    """Loads the model in-process (custom components resolve from the repo root)."""
    os.chdir(REPO_ROOT)
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    quiet_rasa_logs()
    from rasa.core.agent import Agent

    return Agent.load(str(model_path))


def raw_intent(parsed: dict) -> str:
    """The classifier's best intent before the FallbackClassifier relabels it nlu_fallback."""
    ranking = [r.get("name") for r in parsed.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    return ranking[0] if ranking else (parsed.get("intent") or {}).get("name") or "none"


async def predict_intents(agent, texts: list[str]) -> tuple[list[str], list[str]]:
    """(final, raw) intent of each text by the loaded model's NLU pipeline."""
    final, raw = [], []
    for text in texts:
        parsed = agent.parse_message(text)
        parsed = await parsed if inspect.isawaitable(parsed) else parsed
        final.append((parsed.get("intent") or {}).get("name") or "none")
        raw.append(raw_intent(parsed))
    return final, raw


def nlu_scores(
    questions: list[Question], predicted: list[str], langs: tuple[str, ...], raw: list[str] | None = None
) -> dict:
    """Weighted F1 and accuracy per language and overall (raw F1: before the fallback threshold)."""
    raw = raw or predicted
    scores = {}
    for lang in langs + ("all",):
        rows = [
            (q.intent, p, r)
            for q, p, r in zip(questions, predicted, raw, strict=True)
            if lang in ("all", q.lang)
        ]
        gold = [g for g, _, _ in rows]
        accuracy = sum(g == p for g, p, _ in rows) / len(rows) if rows else 0.0
        scores[lang] = {
            "n": len(rows),
            "f1": round(weighted_f1(gold, [p for _, p, _ in rows]), 3),
            "accuracy": round(accuracy, 3),
            "raw_f1": round(weighted_f1(gold, [r for _, _, r in rows]), 3),
        }
    return scores


# ---------------------------------------------------------------- training time


def time_training(timeout: float) -> float:
    """Seconds for a cold `rasa train` (empty cache, throw-away output; models/ and .rasa/ untouched)."""
    with tempfile.TemporaryDirectory(prefix="bench-train-") as out:
        env = dict(os.environ, RASA_CACHE_DIRECTORY=str(Path(out) / "cache"))
        started = time.monotonic()
        subprocess.run(
            services.train_command(Path(out)),
            cwd=REPO_ROOT,
            check=True,
            env=env,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )
        return time.monotonic() - started


# ---------------------------------------------------------------- latency and memory


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def measure_latency(url: str, texts: list[str], count: int, timeout: float) -> dict:
    """Round-trip seconds of `count` sequential REST messages, each from a fresh sender."""
    count = min(count, MAX_LATENCY_MESSAGES)
    run_id, seconds, errors = uuid.uuid4().hex[:8], [], 0
    for i in range(count):
        started = time.monotonic()
        try:
            post_message(url, f"bench-{run_id}-{i}", texts[i % len(texts)], timeout)
            seconds.append(time.monotonic() - started)
        except OSError:
            errors += 1
    if not seconds:
        return {"n": 0, "errors": errors}
    return {
        "n": len(seconds),
        "errors": errors,
        "p50_ms": round(1000 * percentile(seconds, 0.5), 1),
        "p95_ms": round(1000 * percentile(seconds, 0.95), 1),
        "mean_ms": round(1000 * statistics.mean(seconds), 1),
    }


# ---------------------------------------------------------------- report


def format_report(report: dict) -> str:
    """Human-readable table of everything measured."""
    lines = []
    nlu = report.get("nlu")
    if nlu:
        lines += [
            f"NLU intent F1 on the held-out set (model {nlu['model']})",
            f"{'lang':<5}{'n':>4}{'weighted F1':>13}{'accuracy':>10}{'raw F1':>9}",
        ]
        lines += [
            f"{lang:<5}{s['n']:>4}{s['f1']:>13.3f}{s['accuracy']:>10.3f}{s['raw_f1']:>9.3f}"
            for lang, s in nlu["scores"].items()
        ]
        lines.append("")
    lines.append(f"{'metric':<28}value")
    for key, label, unit in (
        ("train_s", "training time", "s"),
        ("load_s", "model load time", "s"),
        ("latency_p50_ms", "latency p50", "ms"),
        ("latency_p95_ms", "latency p95", "ms"),
        ("latency_n", "latency messages (errors)", ""),
        ("rss_mib", "Rasa RSS", "MiB"),
    ):
        value = report.get(key)
        shown = "n/a" if value is None else f"{value:.1f} {unit}" if isinstance(value, float) else str(value)
        if key == "latency_n" and value is not None:
            shown = f"{value} ({report.get('latency_errors', 0)})"
        lines.append(f"{label:<28}{shown}")
    if report.get("rss_pid"):
        lines.append(f"{'Rasa pid (port ' + str(report['port']) + ')':<28}{report['rss_pid']}")
    return "\n".join(lines)


def run_nlu(
    args: argparse.Namespace, questions: list[Question], langs: tuple[str, ...], report: dict
) -> None:
    """Loads the newest model, times the load and scores intents per language."""
    model = Path(args.model) if args.model else newest_model(REPO_ROOT / "models")
    if model is None:
        print("no model in models/: skipping NLU F1 and load time", file=sys.stderr)
        return
    started = time.monotonic()
    agent = load_agent(model)
    report["load_s"] = time.monotonic() - started
    predicted, raw = asyncio.run(predict_intents(agent, [q.text for q in questions]))
    report["nlu"] = {
        "model": model.name,
        "scores": nlu_scores(questions, predicted, langs, raw),
        "errors": [
            {"lang": q.lang, "text": q.text, "gold": q.intent, "predicted": p, "raw": r}
            for q, p, r in zip(questions, predicted, raw, strict=True)
            if q.intent != p
        ],
    }


def run_server_metrics(args: argparse.Namespace, questions: list[Question], report: dict) -> None:
    """Latency through the REST channel and the RSS of the process listening on its port."""
    port = urlparse(args.url).port or 80
    report["port"] = port
    pid = pid_listening_on(port)
    report["rss_pid"], report["rss_mib"] = pid, (rss_mib(pid) if pid else None)
    if not server_is_up(args.url):
        print(f"Rasa is not answering at {args.url}: skipping latency", file=sys.stderr)
        return
    latency = measure_latency(args.url, [q.text for q in questions], args.messages, args.timeout)
    report["latency_n"], report["latency_errors"] = latency["n"], latency["errors"]
    report["latency_p50_ms"], report["latency_p95_ms"] = latency.get("p50_ms"), latency.get("p95_ms")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(description="Benchmark the Rasa assistant.")
    p.add_argument("--url", default=os.environ.get("RASA_URL", DEFAULT_URL))
    p.add_argument("--langs", default=",".join(LANGUAGES))
    p.add_argument("--model", help="model archive (default: newest in models/)")
    p.add_argument("--messages", type=int, default=40, help=f"latency samples (max {MAX_LATENCY_MESSAGES})")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.add_argument("--train", action="store_true", help="also time `rasa train` (slow)")
    p.add_argument("--train-timeout", type=float, default=3600.0)
    p.add_argument("--skip-nlu", action="store_true")
    p.add_argument(
        "--heldout-dir", type=Path, default=HELDOUT_DIR, help="folder of <lang>.yml question files"
    )
    p.add_argument("--out", type=Path, default=RESULTS_PATH)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Runs the selected measurements, prints the table and writes benchmarks/results.json."""
    args = parse_args(argv)
    langs = tuple(code for code in args.langs.split(",") if code)
    questions, refused = split_by_overlap(load_heldout(args.heldout_dir, langs), load_training_texts())
    report: dict = {"run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "refused": len(refused)}
    if args.train:
        report["train_s"] = time_training(args.train_timeout)
    if not args.skip_nlu:
        run_nlu(args, questions, langs, report)
    run_server_metrics(args, questions, report)
    print(format_report(report))
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
