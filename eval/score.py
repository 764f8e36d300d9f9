"""Scores the held-out questions through the running Rasa REST channel.

Usage (from the repo root, with `make run` serving Rasa on 127.0.0.1:5005):
    .venv/rasa/bin/python eval/score.py                      # all languages, table + eval/results.json
    .venv/rasa/bin/python eval/score.py --langs de,fr -v     # some languages, print every reply
    .venv/rasa/bin/python eval/score.py --min-accuracy 0.95  # exit 1 if any language's all-ok < 95 %
    .venv/rasa/bin/python eval/score.py --check-overlap      # only list questions found in data/nlu/
Environment: RASA_URL (default http://127.0.0.1:5005). Each question goes to
POST /webhooks/rest/webhook with a fresh sender id and no metadata. See eval/README.md for the checks.
Exit codes: 0 ok, 1 --min-accuracy missed, 2 server unreachable.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import unicodedata
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from questions import (  # noqa: E402
    HELDOUT_DIR,
    LANGUAGES,
    NLU_DIR,
    REPO_ROOT,
    UNREAD_DIRS,
    Conversation,
    Question,
    load_conversations,
    load_heldout,
    load_training_texts,
    other_heldout_texts,
    split_by_overlap,
)

from common.scripts import CYRILLIC, HAN, HANGUL, KANA, chars  # noqa: E402  (questions put the repo root on the path)

DEFAULT_URL = "http://127.0.0.1:5005"
RESULTS_PATH = Path(__file__).resolve().parent / "results.json"
PAPER_META = REPO_ROOT / "actions" / "kb" / "data" / "paper.yml"
UI_DIR = REPO_ROOT / "actions" / "i18n"
# Replies that do not answer: a "did you mean", "say it in other words" or "I could not understand".
NON_ANSWER_KEYS = ("fallback.did_you_mean", "fallback.rephrase", "fallback.give_up")
SMALLTALK_ALIKE = {"greet": ("greet", "help"), "help": ("help", "greet")}
_CITATION_GROUP = re.compile(r"[(（]([^()（）]*§[^()（）]*)[)）]")
_SECTION_RANGE = re.compile(r"§\s*(\d+)\s*[-–—~〜]\s*§?\s*(\d+)")
_SECTION_ID = re.compile(r"§\s*(\d+(?:\.\d+)?)")
_URL_OR_EMAIL = re.compile(r"https?://\S+|\S+@\S+")
MIN_LATIN_LETTERS = 12
MIN_LINGUA_CONFIDENCE = 0.5


# ---------------------------------------------------------------- talking to Rasa


def post_message(url: str, sender: str, text: str, timeout: float) -> list[dict]:
    """Sends one user message to the REST channel exactly as an API client without metadata would."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        f"{url.rstrip('/')}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8") or "[]")


def server_is_up(url: str, timeout: float = 5.0) -> bool:
    """True if the Rasa server answers GET / (so a dead server reads as one error, not 200 failures)."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def fresh_sender(run_id: str, index: int) -> str:
    """A sender id never used before, so no earlier turn (or language choice) leaks into this one."""
    return f"eval-{run_id}-{index}"


# ---------------------------------------------------------------- reading a reply


def reply_texts(messages: list[dict]) -> list[str]:
    """The texts the user would read (message texts only)."""
    return [m["text"] for m in messages if isinstance(m.get("text"), str)]


def visible_text(messages: list[dict]) -> str:
    """Everything the user sees: message texts plus button titles (lists may name items on buttons)."""
    parts = reply_texts(messages)
    for message in messages:
        parts += [str(b.get("title", "")) for b in message.get("buttons") or []]
    return "\n".join(parts)


def language_marker(messages: list[dict]) -> str | None:
    """The `custom.language` of the turn's closing custom-only message (CONTRACTS: Gateway ⇄ Rasa)."""
    for message in reversed(messages):
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("language"):
            return str(custom["language"])
    return None


def cited_sections(text: str) -> set[str]:
    """Section ids cited as "(§9)", "(§6, §6.2)", "（§4）" or a range "(§1–§12)"."""
    cited: set[str] = set()
    for group in _CITATION_GROUP.findall(unicodedata.normalize("NFKC", text)):
        for start, end in _SECTION_RANGE.findall(group):
            cited.update(str(n) for n in range(int(start), int(end) + 1))
        cited.update(_SECTION_ID.findall(group))
    return cited


def has_citation(text: str) -> bool:
    """True if the text carries any section sign at all."""
    return "§" in text


def digit_runs(text: str) -> set[str]:
    """Numbers written in the text (NFKC folds full-width digits)."""
    return set(re.findall(r"\d+", unicodedata.normalize("NFKC", text)))


# ---------------------------------------------------------------- reply language from the text


_SCRIPTS = {"hangul": chars(HANGUL), "kana": chars(KANA), "han": chars(HAN), "cyrillic": chars(CYRILLIC)}


def _script_counts(text: str) -> dict[str, int]:
    """Letters per script: hangul, kana, han, cyrillic, latin."""
    counts = dict.fromkeys((*_SCRIPTS, "latin"), 0)
    for char in text:
        script = next((name for name, pattern in _SCRIPTS.items() if pattern.match(char)), None)
        if script:
            counts[script] += 1
        elif char.isalpha() and ord(char) < 0x0250:
            counts["latin"] += 1
    return counts


@lru_cache(maxsize=1)
def _latin_detector():
    """lingua restricted to the four Latin-script languages of the project (built once, ~1 s)."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH
    ).build()


def _detect_latin(text: str) -> str | None:
    """en/de/fr/es by lingua, or None when lingua is not confident."""
    values = _latin_detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_LINGUA_CONFIDENCE:
        return None
    return values[0].language.iso_code_639_1.name.lower()


def _leaf_strings(node) -> list[str]:
    """Every string inside a YAML tree."""
    if isinstance(node, dict):
        return [s for value in node.values() for s in _leaf_strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _leaf_strings(value)]
    return [node] if isinstance(node, str) else []


@lru_cache(maxsize=1)
def bibliographic_quotes(path: Path = PAPER_META) -> tuple[str, ...]:
    """Names, affiliations, funders and references as the paper prints them (never translated, by design)."""
    try:
        import yaml

        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, ValueError):
        return ()
    quoted = [s for key in ("authors", "grants", "references") for s in _leaf_strings(doc.get(key))]
    return tuple(sorted({s for s in quoted if len(s) >= 4}, key=len, reverse=True))


def strip_quotes(text: str) -> str:
    """Removes citations, URLs, e-mails and verbatim bibliographic quotes: none of them tells the language."""
    text = _URL_OR_EMAIL.sub(" ", _CITATION_GROUP.sub(" ", text))
    for quote in bibliographic_quotes():
        text = text.replace(quote, " ")
    return text


def detect_reply_language(text: str) -> str | None:
    """Independent language check of the reply text: script rules for ko/ja/zh/ru, lingua for en/de/fr/es."""
    clean = strip_quotes(text)
    counts = _script_counts(clean)
    total = sum(counts.values())
    if total == 0:
        return None
    if counts["hangul"] / total >= 0.2:
        return "ko"
    if counts["kana"] / total >= 0.05:
        return "ja"
    if counts["han"] / total >= 0.2:
        return "zh"
    if counts["cyrillic"] / total >= 0.5:
        return "ru"
    if counts["latin"] < MIN_LATIN_LETTERS:
        return None
    return _detect_latin(clean)


# ---------------------------------------------------------------- the three checks


@dataclass
class Verdict:
    """Outcome of one question: the three checks and why any of them failed."""

    lang: str
    text: str
    intent: str
    expect: str
    marker: str | None = None
    detected: str | None = None
    cited: list[str] = field(default_factory=list)
    language_ok: bool = False
    citation_ok: bool = False
    facts_ok: bool = False
    understood: bool = True
    reasons: list[str] = field(default_factory=list)
    reply: str = ""
    seconds: float = 0.0

    @property
    def all_ok(self) -> bool:
        return self.language_ok and self.citation_ok and self.facts_ok and self.understood


def check_language(q: Question, messages: list[dict], v: Verdict) -> None:
    """Reply language right by the marker AND by the text itself."""
    v.marker = language_marker(messages)
    v.detected = detect_reply_language("\n".join(reply_texts(messages)))
    v.language_ok = v.marker == q.lang and v.detected == q.lang
    if v.marker != q.lang:
        v.reasons.append(f"marker={v.marker} want {q.lang}")
    if v.detected != q.lang:
        v.reasons.append(f"text looks {v.detected or 'undetermined'} want {q.lang}")


@lru_cache(maxsize=None)
def ui_strings(lang: str) -> dict:
    """The assistant's UI strings in one language (to recognise non-answers and the out-of-scope reply)."""
    import yaml

    return yaml.safe_load((UI_DIR / f"{lang}.yml").read_text(encoding="utf-8")) or {}


def _contains_ui(text: str, lang: str, key: str) -> bool:
    """True if the reply holds the UI string `key` (its text up to the first placeholder)."""
    wanted = str(ui_strings(lang).get(key) or "").split("{")[0].strip()
    return bool(wanted) and wanted in text


def check_strict(q: Question, text: str, v: Verdict) -> None:
    """A non-answer is wrong whatever else the reply holds; out-of-scope must be the honest reply;
    small talk must be the small talk that was asked for (a greeting for a greeting, thanks for thanks)."""
    if any(_contains_ui(text, q.lang, key) for key in NON_ANSWER_KEYS):
        v.understood = False
        v.reasons.append("did-you-mean / not understood")
    if q.expect == "out_of_scope" and not _contains_ui(text, q.lang, "out_of_scope"):
        v.understood = False
        v.reasons.append("not the out-of-scope reply")
    if q.expect == "smalltalk" and ui_strings(q.lang).get(f"smalltalk.{q.intent}"):
        alike = SMALLTALK_ALIKE.get(q.intent, (q.intent,))
        if not any(_contains_ui(text, q.lang, f"smalltalk.{name}") for name in alike):
            v.understood = False
            v.reasons.append(f"not the {q.intent} reply")


def check_citation(q: Question, text: str, v: Verdict) -> None:
    """Answers cite every expected section; small talk and out-of-scope cite nothing and invent no number.

    `text` is the message texts only: button titles are navigation ("The 12 measures"), not claims.
    """
    v.cited = sorted(cited_sections(text), key=lambda s: [int(p) for p in s.split(".")])
    if q.expect == "answer":
        missing = [s for s in q.sections if s not in v.cited]
        v.citation_ok = not missing
        if missing:
            v.reasons.append(f"missing §{',§'.join(missing)} (cited {v.cited or 'none'})")
        return
    if q.expect == "cited":
        v.citation_ok = bool(v.cited)
        if not v.cited:
            v.reasons.append("no citation")
        return
    if q.expect == "any":
        v.citation_ok = True
        return
    invented = sorted(digit_runs(text) - digit_runs(q.text)) if q.expect == "out_of_scope" else []
    v.citation_ok = not has_citation(text) and not invented
    if has_citation(text):
        v.reasons.append(f"{q.expect} reply carries a citation")
    if invented:
        v.reasons.append(f"out_of_scope reply has numbers {invented}")


def fact_present(fact: str, text: str) -> bool:
    """A fact "a|b" is present if any alternative occurs (NFKC, case-insensitive)."""
    haystack = unicodedata.normalize("NFKC", text).casefold()
    return any(unicodedata.normalize("NFKC", alt).casefold() in haystack for alt in fact.split("|"))


def check_facts(q: Question, text: str, v: Verdict) -> None:
    """Every fact of the question is in the reply."""
    missing = [f for f in q.facts if not fact_present(f, text)]
    v.facts_ok = not missing
    if missing:
        v.reasons.append(f"facts missing {missing}")


def score_question(q: Question, messages: list[dict]) -> Verdict:
    """Runs the three checks on one reply."""
    text = visible_text(messages)
    v = Verdict(q.lang, q.text, q.intent, q.expect, reply=text)
    if not reply_texts(messages):
        v.reasons.append("no text in reply")
    check_language(q, messages, v)
    check_citation(q, "\n".join(reply_texts(messages)), v)
    check_facts(q, text, v)
    check_strict(q, "\n".join(reply_texts(messages)), v)
    return v


def ask_and_score(url: str, q: Question, sender: str, timeout: float) -> Verdict:
    """Sends one question and scores the reply; a transport error fails the question with its reason."""
    started = time.monotonic()
    try:
        messages = post_message(url, sender, q.text, timeout)
    except (urllib.error.URLError, OSError, ValueError) as error:
        v = Verdict(q.lang, q.text, q.intent, q.expect, reasons=[f"request failed: {error}"])
    else:
        v = score_question(q, messages)
    v.seconds = round(time.monotonic() - started, 3)
    return v


def button_payload(messages: list[dict], number: int) -> str | None:
    """The payload of the n-th button (from 1) under the previous reply, as a press would send it."""
    buttons = [b for m in messages for b in m.get("buttons") or []]
    return str(buttons[number - 1].get("payload")) if 0 < number <= len(buttons) else None


@dataclass
class ConversationVerdict:
    """Outcome of one conversation: a verdict per turn; right only when every turn is."""

    lang: str
    id: str
    cls: str
    turns: list[Verdict] = field(default_factory=list)

    @property
    def all_ok(self) -> bool:
        return bool(self.turns) and all(t.all_ok for t in self.turns)


def run_conversation(url: str, c: Conversation, sender: str, timeout: float) -> ConversationVerdict:
    """Plays a conversation turn by turn in one sender; stops at a turn that cannot be sent."""
    cv = ConversationVerdict(c.lang, c.id, c.cls)
    previous: list[dict] = []
    for n, step in enumerate(c.steps, start=1):
        message = step.text if step.text is not None else button_payload(previous, step.press or 0)
        label = step.text if step.text is not None else f"[press {step.press}: {message}]"
        q = Question(c.lang, label, "", step.sections, step.facts, step.expect)
        if message is None:
            cv.turns.append(
                Verdict(c.lang, label, "", step.expect, reasons=[f"turn {n}: no button {step.press}"])
            )
            break
        started = time.monotonic()
        try:
            previous = post_message(url, sender, message, timeout)
        except (urllib.error.URLError, OSError, ValueError) as error:
            cv.turns.append(Verdict(c.lang, label, "", step.expect, reasons=[f"request failed: {error}"]))
            break
        verdict = score_question(q, previous)
        verdict.seconds = round(time.monotonic() - started, 3)
        cv.turns.append(verdict)
    return cv


# ---------------------------------------------------------------- reporting


def _percent(verdicts: list[Verdict], key: str) -> float:
    """Share of verdicts with `key` true, in percent (0 for none)."""
    return round(100.0 * sum(getattr(v, key) for v in verdicts) / len(verdicts), 1) if verdicts else 0.0


def summarize(
    verdicts: list[Verdict],
    refused: list[Question],
    langs: tuple[str, ...],
    conversations: list[ConversationVerdict] = (),
    refused_conversations: list = (),
) -> dict:
    """Per-language counts and percentages: single questions, conversations, and both together."""
    summary = {}
    for lang in langs + ("all",):
        mine = [v for v in verdicts if lang in ("all", v.lang)]
        convs = [c for c in conversations if lang in ("all", c.lang)]
        both = len(mine) + len(convs)
        summary[lang] = {
            "n": len(mine),
            "refused": sum(1 for q in refused if lang in ("all", q.lang)),
            **{key: _percent(mine, key) for key in ("language_ok", "citation_ok", "facts_ok", "all_ok")},
            "conversations": len(convs),
            "conversations_refused": sum(1 for c in refused_conversations if lang in ("all", c.lang)),
            "conversations_ok": _percent(convs, "all_ok"),
            "overall_ok": round(
                100.0 * (sum(v.all_ok for v in mine) + sum(c.all_ok for c in convs)) / both, 1
            )
            if both
            else 0.0,
        }
    return summary


def summarize_classes(conversations: list[ConversationVerdict]) -> dict:
    """Share of right conversations per class (digression, interest up front, ...)."""
    classes = sorted({c.cls for c in conversations})
    return {
        cls: {
            "n": sum(c.cls == cls for c in conversations),
            "ok": _percent([c for c in conversations if c.cls == cls], "all_ok"),
        }
        for cls in classes
    }


def format_table(summary: dict) -> str:
    """Plain-text table, one row per language: single questions, conversations, both."""
    header = (
        f"{'lang':<5}{'n':>4}{'refused':>9}{'language ok':>13}{'citation ok':>13}{'facts ok':>10}"
        f"{'single ok':>11}{'convs':>7}{'conv ok':>9}{'overall':>9}"
    )
    rows = [header, "-" * len(header)]
    for lang, s in summary.items():
        rows.append(
            f"{lang:<5}{s['n']:>4}{s['refused']:>9}{s['language_ok']:>12.1f}%"
            f"{s['citation_ok']:>12.1f}%{s['facts_ok']:>9.1f}%{s['all_ok']:>10.1f}%"
            f"{s['conversations']:>7}{s['conversations_ok']:>8.1f}%{s['overall_ok']:>8.1f}%"
        )
    return "\n".join(rows)


def format_classes(classes: dict) -> str:
    """One line per conversation class."""
    return "\n".join(f"{cls:<26}{c['n']:>4}{c['ok']:>8.1f}%" for cls, c in classes.items())


def format_conversation_failures(conversations: list[ConversationVerdict], verbose: bool) -> str:
    """Each failed conversation with every turn (all of them with -v)."""
    lines = []
    for c in conversations:
        if c.all_ok and not verbose:
            continue
        lines.append(f"{'ok  ' if c.all_ok else 'FAIL'} [{c.lang}] conversation {c.id} ({c.cls})")
        for t in c.turns:
            reply = " ".join(t.reply.split())[:160]
            lines.append(
                f"   {'ok ' if t.all_ok else 'BAD'} {t.text!r} ({t.expect}): {'; '.join(t.reasons) or '-'}\n"
                f"         reply: {reply!r}"
            )
    return "\n".join(lines)


def format_failures(verdicts: list[Verdict], verbose: bool) -> str:
    """One line per failed question (every question with -v), with the reply shortened."""
    lines = []
    for v in verdicts:
        if v.all_ok and not verbose:
            continue
        status = "ok  " if v.all_ok else "FAIL"
        reply = " ".join(v.reply.split())[:160]
        lines.append(
            f"{status} [{v.lang}] {v.text!r} ({v.intent}): {'; '.join(v.reasons) or '-'}\n"
            f"      reply: {reply!r}"
        )
    return "\n".join(lines)


def write_results(
    path: Path,
    url: str,
    summary: dict,
    verdicts: list[Verdict],
    refused: list[Question],
    conversations: list[ConversationVerdict] = (),
    refused_conversations: list = (),
) -> None:
    """Machine-readable results for the README and later comparison."""
    doc = {
        "url": url,
        "run_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "summary": summary,
        "classes": summarize_classes(list(conversations)),
        "questions": [dict(asdict(v), all_ok=v.all_ok) for v in verdicts],
        "conversations": [
            {
                "lang": c.lang,
                "id": c.id,
                "class": c.cls,
                "all_ok": c.all_ok,
                "turns": [dict(asdict(t), all_ok=t.all_ok) for t in c.turns],
            }
            for c in conversations
        ],
        "refused_as_near_copies": [{"lang": q.lang, "text": q.text} for q in refused]
        + [{"lang": c.lang, "conversation": c.id} for c in refused_conversations],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def missed_languages(summary: dict, min_accuracy: float) -> list[str]:
    """Languages whose all-ok share is below the bar (given as 0.95 or 95)."""
    bar = min_accuracy * 100 if min_accuracy <= 1 else min_accuracy
    return [lang for lang, s in summary.items() if lang != "all" and s["n"] and s["overall_ok"] < bar]


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (see the module docstring)."""
    p = argparse.ArgumentParser(description="Score the held-out set through the Rasa REST channel.")
    p.add_argument("--url", default=os.environ.get("RASA_URL", DEFAULT_URL))
    p.add_argument("--langs", default=",".join(LANGUAGES), help="comma-separated language codes")
    p.add_argument("--heldout-dir", type=Path, default=HELDOUT_DIR)
    p.add_argument("--nlu-dir", type=Path, default=NLU_DIR, help="training data checked for overlap")
    p.add_argument("--out", type=Path, default=RESULTS_PATH)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    p.add_argument("--min-accuracy", type=float, default=None)
    p.add_argument("--check-overlap", action="store_true", help="only report overlap with training data")
    p.add_argument(
        "--keep-copies",
        action="store_true",
        help="score near-copies too (only to measure a model trained before the set existed)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="print every question and reply")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Loads, guards against training overlap, asks every question, prints and saves the scores."""
    args = parse_args(argv)
    langs = tuple(code for code in args.langs.split(",") if code)
    known = (
        set()
        if args.keep_copies
        else load_training_texts(args.nlu_dir) | other_heldout_texts(args.heldout_dir)
    )
    questions, refused = split_by_overlap(load_heldout(args.heldout_dir, langs), known)
    dialogues, refused_dialogues = split_by_overlap(load_conversations(args.heldout_dir, langs), known)
    for q in refused:
        print(f"REFUSED (near-copy of training data or another set) [{q.lang}] {q.text!r}", file=sys.stderr)
    for c in refused_dialogues:
        print(f"REFUSED conversation [{c.lang}] {c.id}", file=sys.stderr)
    if args.check_overlap:
        total = len(questions) + len(refused) + len(dialogues) + len(refused_dialogues)
        print(f"{len(refused) + len(refused_dialogues)} of {total} held-out entries are near-copies")
        return 0
    if not server_is_up(args.url):
        print(f"Rasa is not answering at {args.url} (start it with `make run`)", file=sys.stderr)
        return 2
    run_id = uuid.uuid4().hex[:8]
    verdicts = [
        ask_and_score(args.url, q, fresh_sender(run_id, i), args.timeout) for i, q in enumerate(questions)
    ]
    played = [
        run_conversation(args.url, c, fresh_sender(run_id, f"c{i}"), args.timeout)
        for i, c in enumerate(dialogues)
    ]
    summary = summarize(verdicts, refused, langs, played, refused_dialogues)
    if args.verbose or Path(args.heldout_dir).resolve() not in {d.resolve() for d in UNREAD_DIRS}:
        print(format_failures(verdicts, args.verbose))
        print(format_conversation_failures(played, args.verbose))
    else:  # the headline set's failures are not for reading: whoever reads them tunes on them
        print("(failures of an unread set are not printed; -v prints every question and reply)")
    print(format_table(summary))
    print(format_classes(summarize_classes(played)))
    write_results(args.out, args.url, summary, verdicts, refused, played, refused_dialogues)
    print(f"results: {args.out}")
    missed = missed_languages(summary, args.min_accuracy) if args.min_accuracy is not None else []
    if missed:
        print(f"below --min-accuracy {args.min_accuracy}: {', '.join(missed)}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
