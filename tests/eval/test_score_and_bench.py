"""eval/score.py and benchmarks/bench.py against a fake Rasa REST server (127.0.0.1 only), in the Rasa
environment (the scorer's language check uses lingua): make test-rasa, no services needed.

The fake server answers every held-out question with a reply built from the question's own
expectations, except for a few questions whose reply is deliberately broken in one way each;
the tests check that the scorer passes the good replies and catches exactly the broken ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "eval"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402
import score  # noqa: E402
from questions import (  # noqa: E402
    LANGUAGES,
    UNREAD_DIRS,
    load_conversations,
    load_heldout,
    load_training_texts,
    normalize,
    other_heldout_texts,
    split_by_overlap,
)

FILLER = {
    "en": "Here is what the paper says about this question.",
    "de": "Hier ist, was die Studie zu dieser Frage sagt.",
    "fr": "Voici ce que dit l'article à propos de cette question.",
    "es": "Esto es lo que dice el artículo sobre esta pregunta.",
    "ru": "Вот что говорится в статье по этому вопросу.",
    "zh": "以下是论文对这个问题的说明。",
    "ja": "この質問について論文の内容は次のとおりです。",
    "ko": "이 질문에 대한 논문의 내용은 다음과 같습니다.",
}
# What the scorer sends: the headline set minus its near-copies of the earlier (frozen) sets, which it refuses
_OTHER_SETS = other_heldout_texts(score.HELDOUT_DIR)
QUESTIONS = split_by_overlap(load_heldout(), _OTHER_SETS)[0]
CONVERSATIONS = split_by_overlap(load_conversations(), _OTHER_SETS)[0]
BY_TEXT = {q.text: q for q in QUESTIONS}


def _first(lang: str, expect: str, need=lambda q: True):
    return next(q.text for q in QUESTIONS if q.lang == lang and q.expect == expect and need(q))


# one deliberately broken reply per failure kind: question text -> how it is broken
BROKEN = {
    _first("en", "answer"): "wrong_marker",
    _first("zh", "answer", lambda q: q.sections): "wrong_text_language",
    _first("ru", "answer", lambda q: q.sections): "no_citation",
    _first("ja", "answer", lambda q: q.facts): "no_fact",
    _first("ko", "out_of_scope"): "oos_number",
    _first("de", "smalltalk"): "smalltalk_cites",
    _first("fr", "answer"): "did_you_mean",
    _first("es", "out_of_scope"): "not_the_oos_reply",
}
BROKEN_CONVERSATION = next(c for c in CONVERSATIONS if c.lang == "es" and len(c.steps) >= 2)
# every conversation step by its message: typed text, or the payload of the fake "press" button
STEPS = {}
for _c in CONVERSATIONS:
    for _n, _step in enumerate(_c.steps):
        key = _step.text if _step.text is not None else f"/press_{_c.id}_{_n}"
        STEPS[key] = (_c, _n, _step)


def good_reply(
    lang: str,
    expect: str,
    sections,
    facts,
    intent: str = "",
    next_press: str | None = None,
    press_position: int = 1,
) -> list[dict]:
    """What a right reply looks like: text in the language, facts, citation, then the language marker."""
    ui = score.ui_strings(lang)
    if expect == "out_of_scope":
        body = ui["out_of_scope"]
    elif expect == "smalltalk":
        body = ui.get(f"smalltalk.{intent}") or ui["smalltalk.help"]
    else:
        body = FILLER[lang]
    facts_text = " ".join(f.split("|")[0] for f in facts)
    cite = f" (§{', §'.join(sections)})" if sections else (" (§1)" if expect == "cited" else "")
    message = {"recipient_id": "x", "text": f"{body} {facts_text}{cite}".strip()}
    if next_press:
        others = [{"title": f"#{n}", "payload": f"/other_{n}"} for n in range(1, press_position)]
        message["buttons"] = others + [{"title": "→", "payload": next_press}]
    return [message, {"recipient_id": "x", "custom": {"language": lang}}]


def question_reply(q) -> list[dict]:
    return good_reply(q.lang, q.expect, q.sections, q.facts, q.intent)


def broken_reply(q, how: str) -> list[dict]:
    """A right reply with exactly one defect."""
    reply = question_reply(q)
    if how == "wrong_marker":
        reply[1]["custom"]["language"] = "de"
    elif how == "wrong_text_language":
        reply[0]["text"] = FILLER["en"] + " " + " ".join(f.split("|")[0] for f in q.facts if f.isascii())
        reply[0]["text"] += f" (§{', §'.join(q.sections)})"
    elif how == "no_citation":
        reply[0]["text"] = reply[0]["text"].split(" (§")[0]
    elif how == "no_fact":
        reply[0]["text"] = FILLER[q.lang] + f" (§{', §'.join(q.sections) or '13'})"
    elif how == "oos_number":
        reply[0]["text"] += " 15%"
    elif how == "smalltalk_cites":
        reply[0]["text"] += " (§1)"
    elif how == "did_you_mean":
        reply[0]["text"] = score.ui_strings(q.lang)["fallback.did_you_mean"] + " " + reply[0]["text"]
    elif how == "not_the_oos_reply":
        reply[0]["text"] = FILLER[q.lang]
    return reply


def step_reply(conversation, n: int, step) -> list[dict]:
    """A right reply to a conversation turn, with a button to press when the next turn presses one."""
    following = conversation.steps[n + 1] if n + 1 < len(conversation.steps) else None
    press = f"/press_{conversation.id}_{n + 1}" if following is not None and following.press else None
    reply = good_reply(
        conversation.lang,
        step.expect,
        step.sections,
        step.facts,
        next_press=press,
        press_position=following.press if press else 1,
    )
    if conversation is BROKEN_CONVERSATION and n == 1:
        reply[1]["custom"]["language"] = "en"
    return reply


SENDERS = web.AppKey("senders", list)  # every sender id the fake server was sent, in order


async def webhook(request: web.Request) -> web.Response:
    """Fake REST channel: answers held-out questions and conversation turns, and 'ping' for latency."""
    body = await request.json()
    assert "metadata" not in body, "score.py must send no metadata"
    request.app[SENDERS].append(body["sender"])
    q = BY_TEXT.get(body["message"])
    if q is not None:
        how = BROKEN.get(q.text)
        return web.json_response(broken_reply(q, how) if how else question_reply(q))
    if body["message"] in STEPS:
        return web.json_response(step_reply(*STEPS[body["message"]]))
    return web.json_response([{"recipient_id": body["sender"], "text": "pong"}])


async def root(_request: web.Request) -> web.Response:
    """Like Rasa's GET /."""
    return web.Response(text="Hello from Rasa: 3.6.21")


class FakeRasa:
    """aiohttp server on 127.0.0.1, random port, in a background thread."""

    def __enter__(self) -> "FakeRasa":
        self.loop = asyncio.new_event_loop()
        self.app = web.Application()
        self.app[SENDERS] = []
        self.app.router.add_get("/", root)
        self.app.router.add_post("/webhooks/rest/webhook", webhook)
        self.runner = web.AppRunner(self.app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.run_until_complete(self.runner.cleanup())
        self.loop.close()


# ---------------------------------------------------------------- the unseen set meets the brief


@pytest.mark.parametrize("directory", UNREAD_DIRS, ids=lambda d: d.name)
def test_every_language_has_enough_questions_conversations_and_kinds(directory):
    """What every headline set's writers were asked for: in each language at least 40 entries, 10
    conversations of several kinds, questions on all thirteen sections, out-of-scope and small talk."""
    questions, conversations = load_heldout(directory), load_conversations(directory)
    for lang in LANGUAGES:
        mine = [q for q in questions if q.lang == lang]
        convs = [c for c in conversations if c.lang == lang]
        assert len(mine) + len(convs) >= 40, lang
        assert len(convs) >= 10, lang
        assert sum(q.expect == "out_of_scope" for q in mine) >= 2, lang
        assert any(q.expect == "smalltalk" for q in mine), lang
        cited = {s.split(".")[0] for q in mine for s in q.sections}
        assert {str(n) for n in range(1, 14)} <= cited, lang
        assert len({c.cls for c in convs}) >= 4, lang


def test_texts_are_unique():
    questions = load_heldout()
    assert len({normalize(q.text) for q in questions}) == len(questions)


def test_no_near_copy_in_training_data():
    """eval/decontaminate.py keeps the training data free of the headline set's texts (near-copies of
    the earlier, frozen sets are left out of QUESTIONS above: the scorer refuses them)."""
    known = load_training_texts()
    _, refused = split_by_overlap(load_heldout(), known)
    assert [q.text for q in refused] == []
    _, refused = split_by_overlap(load_conversations(), known)
    assert [c.id for c in refused] == []


# ---------------------------------------------------------------- the single checks on hand-made replies


def test_citations():
    assert score.cited_sections("x (§6, §6.2) y （§4）") == {"6", "6.2", "4"}
    assert score.cited_sections("(§1–§3)") == {"1", "2", "3"}
    assert score.cited_sections("§9 without brackets") == set()


@pytest.mark.parametrize("lang", sorted(FILLER))
def test_language_detection_of_fillers(lang):
    assert score.detect_reply_language(FILLER[lang] + " (§9) Wuxi") == lang


def test_bibliographic_quotes_do_not_decide_the_language():
    reply = (
        "Autores:\n• Liao Guoqiang — Sichuan University of Science & Engineering, Sichuan\n"
        "• Liao Yu — Chengdu Municipal Waterworks Co., Ltd, Sichuan\nReferencias:\n"
        + "\n".join(score.bibliographic_quotes())
        + "\nEste es el artículo sobre la industria cultural."
    )
    assert len(score.bibliographic_quotes()) > 5
    assert score.detect_reply_language(reply) == "es"


def test_short_latin_text_is_undetermined():
    assert score.detect_reply_language("OK (§9)") is None


def test_japanese_with_kanji_names_is_japanese():
    assert score.detect_reply_language("無錫市は三国志の文化で観光客を集めています。") == "ja"


def test_numbers_on_buttons_are_not_invented_figures():
    q = next(q for q in QUESTIONS if q.lang == "en" and q.expect == "out_of_scope")
    reply = [
        {
            "text": score.ui_strings("en")["out_of_scope"],
            "buttons": [{"title": "The 12 measures", "payload": "/list_measures"}],
        },
        {"custom": {"language": "en"}},
    ]
    assert score.score_question(q, reply).all_ok
    reply[0]["text"] += " It costs 140 dollars."
    assert not score.score_question(q, reply).citation_ok


def test_facts_alternatives_and_width():
    assert score.fact_present("Seidenstraße|Seidenstrasse", "die südliche SEIDENSTRASSE")
    assert score.fact_present("30", "超过３０%")
    assert not score.fact_present("Wuxi", "Suzhou")


# ---------------------------------------------------------------- score.main against the fake server


class ScoreRun:
    """One run of score.main over the whole set against the fake server, shared by the tests below."""

    def __init__(self, tmp: Path) -> None:
        self.out = tmp / "results.json"
        nlu = tmp / "nlu" / "en"
        nlu.mkdir(parents=True)
        self.copied = next(q.text for q in reversed(QUESTIONS) if q.lang == "en" and len(q.text) > 30)
        (nlu / "t.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: paper_info\n  examples: |\n    - {self.copied[:-2]}\n',
            encoding="utf-8",
        )
        with FakeRasa() as server:
            self.code = score.main(
                [
                    "--url",
                    server.url,
                    "--out",
                    str(self.out),
                    "--nlu-dir",
                    str(nlu.parent),
                    "--min-accuracy",
                    "0.99",
                ]
            )
            self.senders = list(server.app[SENDERS])
        self.results = json.loads(self.out.read_text(encoding="utf-8"))
        self.verdicts = {v["text"]: v for v in self.results["questions"]}
        self.conversations = {c["id"]: c for c in self.results["conversations"]}


@pytest.fixture(scope="module")
def scored(tmp_path_factory) -> ScoreRun:
    return ScoreRun(tmp_path_factory.mktemp("score"))


@pytest.mark.slow
def test_good_replies_pass(scored):
    for text, v in scored.verdicts.items():
        if text not in BROKEN:
            assert v["all_ok"], (text, v["reasons"])


@pytest.mark.slow
def test_each_broken_reply_fails_for_its_reason(scored):
    expected_failure = {
        "wrong_marker": "language_ok",
        "wrong_text_language": "language_ok",
        "no_citation": "citation_ok",
        "no_fact": "facts_ok",
        "oos_number": "citation_ok",
        "smalltalk_cites": "citation_ok",
        "did_you_mean": "understood",
        "not_the_oos_reply": "understood",
    }
    for text, how in BROKEN.items():
        v = scored.verdicts[text]
        assert not v[expected_failure[how]], (text, how, v)
        assert not v["all_ok"], text


@pytest.mark.slow
def test_conversations_pass_turn_by_turn_and_one_bad_turn_fails_the_conversation(scored):
    for cid, c in scored.conversations.items():
        assert c["all_ok"] == (cid != BROKEN_CONVERSATION.id), (cid, c["turns"])
    pressed = [t for c in scored.conversations.values() for t in c["turns"] if t["text"].startswith("[press")]
    assert pressed and all(t["all_ok"] for t in pressed if "/press_es" not in t["text"])


@pytest.mark.slow
def test_near_copy_of_training_data_is_refused(scored):
    assert scored.copied not in scored.verdicts
    assert {"lang": "en", "text": scored.copied} in scored.results["refused_as_near_copies"]


@pytest.mark.slow
def test_fresh_sender_per_question_and_per_conversation_and_exit_code(scored):
    turns = sum(len(c.steps) for c in CONVERSATIONS)
    assert len(set(scored.senders)) == len(scored.senders) - turns + len(CONVERSATIONS)
    assert scored.code == 1  # broken replies put some languages below 99 %


def test_unreachable_server_exits_2(tmp_path):
    out = tmp_path / "results.json"
    assert score.main(["--url", "http://127.0.0.1:9", "--out", str(out), "--langs", "en"]) == 2


# ---------------------------------------------------------------- the benchmark's measuring functions


def test_weighted_f1_matches_hand_computation():
    gold = ["a", "a", "b", "c"]
    predicted = ["a", "b", "b", "c"]
    # a: P=1 R=.5 F=2/3 (w2); b: P=.5 R=1 F=2/3 (w1); c: F=1 (w1) -> (4/3+2/3+1)/4 = .75
    assert bench.weighted_f1(gold, predicted) == pytest.approx(0.75)


def test_percentile_nearest_rank():
    values = [float(n) for n in range(1, 21)]
    assert bench.percentile(values, 0.5) == 10.0
    assert bench.percentile(values, 0.95) == 19.0


def test_latency_and_rss_of_listening_process():
    with FakeRasa() as server:
        latency = bench.measure_latency(server.url, ["ping"], 5, timeout=5)
        pid = bench.pid_listening_on(server.port)
    assert (latency["n"], latency["errors"]) == (5, 0)
    assert latency["p50_ms"] <= latency["p95_ms"]
    assert pid == os.getpid()
    assert bench.rss_mib(pid) > 1.0


def test_nlu_scores_per_language_with_a_fake_agent():
    class FakeAgent:
        """Predicts greet for everything, like a model that learned nothing else."""

        async def parse_message(self, text):
            return {"intent": {"name": "greet"}}

    questions = [q for q in QUESTIONS if q.lang in ("en", "de")]
    predicted, raw = asyncio.run(bench.predict_intents(FakeAgent(), [q.text for q in questions]))
    scores = bench.nlu_scores(questions, predicted, ("en", "de"), raw)
    assert scores["all"]["n"] == len(questions)
    en = [q for q in questions if q.lang == "en"]
    assert scores["en"]["accuracy"] == pytest.approx(round(sum(q.intent == "greet" for q in en) / len(en), 3))
    assert scores["de"]["f1"] < 0.1


def test_raw_intent_skips_the_fallback_label():
    parsed = {
        "intent": {"name": "nlu_fallback"},
        "intent_ranking": [{"name": "nlu_fallback"}, {"name": "trends"}, {"name": "talent"}],
    }
    assert bench.raw_intent(parsed) == "trends"


def test_latency_is_bounded():
    assert bench.MAX_LATENCY_MESSAGES == 500
