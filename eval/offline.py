"""Offline run of the real actions on cached NLU parses: a threshold tried in 30 s, not a retrain.

    .venv/rasa/bin/python eval/offline.py parse            # once per trained model (about a minute)
    .venv/rasa/bin/python eval/offline.py run [SET ...]    # default: the tuning sets

`parse` loads models/advisor.tar.gz in-process and stores every tuning-set question's intent ranking;
`run` sends each single question's cached parse to the action the rules would run (the intent's
answering action, `action_best_guess` for nlu_fallback) and checks the reply as eval/score.py does
(citations, facts, the honest out-of-scope reply, the right small talk). Conversations and the
policies are not simulated: confirm a choice with eval/score.py against the running services.
Never point it at the headline set: its failures are not to be read.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from questions import DEV_DIRS, REPO_ROOT, UNREAD_DIRS, load_heldout  # noqa: E402

PARSES = REPO_ROOT / "var" / "cache" / "offline-parses.json"
CHECKED = ("answer", "out_of_scope", "smalltalk")


def tuning_questions(names: list[str]) -> list:
    """Single questions of the named sets (default: every tuning set)."""
    dirs = [REPO_ROOT / "eval" / n for n in names] if names else list(DEV_DIRS)
    return [q for d in dirs for q in load_heldout(d)]


def parse(questions: list) -> None:
    """Stores the trained model's intent ranking for every question."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(REPO_ROOT / "models" / "advisor.tar.gz"))

    async def parse_all() -> dict:
        out = {}
        for q in questions:
            result = await agent.parse_message(q.text)
            out[q.text] = {"intent": result["intent"], "intent_ranking": result["intent_ranking"][:10]}
        return out

    PARSES.parent.mkdir(parents=True, exist_ok=True)
    PARSES.write_text(json.dumps(asyncio.run(parse_all()), ensure_ascii=False), encoding="utf-8")
    print(f"{len(questions)} parses -> {PARSES}")


def reply_text(question, parsed: dict, domain: dict) -> str | None:
    """The text the action answering this parse says, or None when no answering action applies."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions import best_guess
    from actions.dialogue import ActionOutOfScope

    intent = parsed["intent"]["name"]
    if intent == "nlu_fallback":
        action = best_guess.ActionBestGuess()
    elif intent == "out_of_scope":
        action = ActionOutOfScope()
    elif intent in best_guess.ANSWER_ACTIONS:
        action = best_guess.ANSWER_ACTIONS[intent]()
    else:
        return None
    latest = {**parsed, "text": question.text, "entities": [], "metadata": {}}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": question.text, "parse_data": latest, "metadata": {}},
    ]
    tracker = Tracker("offline", {}, latest, events, False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, domain))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def right(question, text: str) -> bool:
    """The single-question checks of eval/score.py, on the reply text alone."""
    import score

    ui, cited = score.ui_strings(question.lang), score.cited_sections(text)
    if question.expect == "out_of_scope":
        return ui["out_of_scope"][:30] in text
    if question.expect == "smalltalk":
        wanted = ui.get(f"smalltalk.{question.intent}") or ui["smalltalk.help"]
        return wanted.split("{")[0][:25] in text and not cited
    facts = all(any(alt.lower() in text.lower() for alt in f.split("|")) for f in question.facts)
    return set(question.sections) <= cited and facts and ui["fallback.did_you_mean"][:20] not in text


def run(questions: list, verbose: bool) -> float:
    """Share of the cached questions answered right, per language too."""
    from rasa.shared.core.domain import Domain

    os.environ.setdefault("ADVISOR_DATA_DIR", tempfile.mkdtemp())
    domain = Domain.load(str(REPO_ROOT / "domain")).as_dict()
    parses = json.loads(PARSES.read_text(encoding="utf-8"))
    good, total = collections.Counter(), collections.Counter()
    for q in questions:
        if q.expect not in CHECKED or q.text not in parses:
            continue
        text = reply_text(q, parses[q.text], domain)
        ok = text is not None and right(q, text)
        good[q.lang] += ok
        total[q.lang] += 1
        if verbose and not ok:
            print(f"  [{q.lang}] {q.text[:70]!r} intent={parses[q.text]['intent']['name']}")
    share = sum(good.values()) / max(1, sum(total.values()))
    per_lang = {lang: round(good[lang] / total[lang], 3) for lang in total}
    print(f"{sum(good.values())}/{sum(total.values())} = {share:.3f} {per_lang}")
    return share


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=("parse", "run"))
    p.add_argument("sets", nargs="*", help="eval/<name> sets (default: the tuning sets)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    if {d.name for d in UNREAD_DIRS} & set(args.sets):
        p.error("the unread sets are never run offline: their failures are not to be read")
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    questions = tuning_questions(args.sets)
    if args.command == "parse":
        parse(questions)
    else:
        run(questions, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
