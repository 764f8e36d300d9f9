"""Self-check of eval/score.py and benchmarks/bench.py against a fake Rasa REST server (127.0.0.1 only).

Usage (from the repo root; needs no running services):
    .venv/rasa/bin/python eval/selftest.py        # unittest, exit code 0 when all pass
The fake server answers every held-out question with a reply built from the question's own
expectations, except for a few questions whose reply is deliberately broken in one way each;
the tests check that the scorer passes the good replies and catches exactly the broken ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import threading
import unittest
from pathlib import Path

from aiohttp import web

EVAL_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(EVAL_DIR))
sys.path.insert(0, str(EVAL_DIR.parent / "benchmarks"))
import bench  # noqa: E402
import score  # noqa: E402
from questions import (  # noqa: E402
    LANGUAGES,
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


async def webhook(request: web.Request) -> web.Response:
    """Fake REST channel: answers held-out questions and conversation turns, and 'ping' for latency."""
    body = await request.json()
    assert "metadata" not in body, "score.py must send no metadata"
    request.app["senders"].append(body["sender"])
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
        self.app["senders"] = []
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


class HeldoutSetTest(unittest.TestCase):
    """The unseen set meets the brief: size, coverage, kinds of questions and conversations."""

    def test_every_language_has_enough_questions_conversations_and_kinds(self):
        questions, conversations = load_heldout(), load_conversations()
        for lang in LANGUAGES:
            mine = [q for q in questions if q.lang == lang]
            convs = [c for c in conversations if c.lang == lang]
            self.assertGreaterEqual(len(mine) + len(convs), 40, lang)
            self.assertGreaterEqual(len(convs), 10, lang)
            self.assertGreaterEqual(sum(q.expect == "out_of_scope" for q in mine), 3, lang)
            self.assertIn("greet", {q.intent for q in mine}, lang)
            cited = {s for q in mine for s in q.sections}
            self.assertLessEqual({str(n) for n in range(1, 14)}, cited, lang)
            self.assertTrue(any("30" in f for q in mine for f in q.facts), lang)
            self.assertTrue(
                {"digression", "interest_up_front", "button_language"} <= {c.cls for c in convs}, lang
            )

    def test_texts_are_unique(self):
        questions = load_heldout()
        self.assertEqual(len({normalize(q.text) for q in questions}), len(questions))

    def test_no_near_copy_in_training_data(self):
        """eval/decontaminate.py keeps the training data free of the headline set's texts (near-copies of
        the earlier, frozen sets are left out of QUESTIONS above: the scorer refuses them)."""
        known = load_training_texts()
        _, refused = split_by_overlap(load_heldout(), known)
        self.assertEqual([q.text for q in refused], [])
        _, refused = split_by_overlap(load_conversations(), known)
        self.assertEqual([c.id for c in refused], [])


class CheckTest(unittest.TestCase):
    """The single checks on hand-made replies."""

    def test_citations(self):
        self.assertEqual(score.cited_sections("x (§6, §6.2) y （§4）"), {"6", "6.2", "4"})
        self.assertEqual(score.cited_sections("(§1–§3)"), {"1", "2", "3"})
        self.assertEqual(score.cited_sections("§9 without brackets"), set())

    def test_language_detection_of_fillers(self):
        for lang, text in FILLER.items():
            self.assertEqual(score.detect_reply_language(text + " (§9) Wuxi"), lang)

    def test_bibliographic_quotes_do_not_decide_the_language(self):
        reply = (
            "Autores:\n• Liao Guoqiang — Sichuan University of Science & Engineering, Sichuan\n"
            "• Liao Yu — Chengdu Municipal Waterworks Co., Ltd, Sichuan\nReferencias:\n"
            + "\n".join(score.bibliographic_quotes())
            + "\nEste es el artículo sobre la industria cultural."
        )
        self.assertGreater(len(score.bibliographic_quotes()), 5)
        self.assertEqual(score.detect_reply_language(reply), "es")

    def test_short_latin_text_is_undetermined(self):
        self.assertIsNone(score.detect_reply_language("OK (§9)"))

    def test_japanese_with_kanji_names_is_japanese(self):
        self.assertEqual(score.detect_reply_language("無錫市は三国志の文化で観光客を集めています。"), "ja")

    def test_numbers_on_buttons_are_not_invented_figures(self):
        q = next(q for q in QUESTIONS if q.lang == "en" and q.expect == "out_of_scope")
        reply = [
            {
                "text": score.ui_strings("en")["out_of_scope"],
                "buttons": [{"title": "The 12 measures", "payload": "/list_measures"}],
            },
            {"custom": {"language": "en"}},
        ]
        self.assertTrue(score.score_question(q, reply).all_ok)
        reply[0]["text"] += " It costs 140 dollars."
        self.assertFalse(score.score_question(q, reply).citation_ok)

    def test_facts_alternatives_and_width(self):
        self.assertTrue(score.fact_present("Seidenstraße|Seidenstrasse", "die südliche SEIDENSTRASSE"))
        self.assertTrue(score.fact_present("30", "超过３０%"))
        self.assertFalse(score.fact_present("Wuxi", "Suzhou"))


class ScoreEndToEndTest(unittest.TestCase):
    """score.main against the fake server: good replies pass, each broken one fails for its reason."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls.tmp.name) / "results.json"
        cls.nlu = Path(cls.tmp.name) / "nlu" / "en"
        cls.nlu.mkdir(parents=True)
        cls.copied = next(q.text for q in reversed(QUESTIONS) if q.lang == "en" and len(q.text) > 30)
        (cls.nlu / "t.yml").write_text(
            f'version: "3.1"\nnlu:\n- intent: paper_info\n  examples: |\n    - {cls.copied[:-2]}\n',
            encoding="utf-8",
        )
        with FakeRasa() as server:
            cls.code = score.main(
                [
                    "--url",
                    server.url,
                    "--out",
                    str(cls.out),
                    "--nlu-dir",
                    str(cls.nlu.parent),
                    "--min-accuracy",
                    "0.99",
                ]
            )
            cls.senders = list(server.app["senders"])
        cls.results = json.loads(cls.out.read_text(encoding="utf-8"))
        cls.verdicts = {v["text"]: v for v in cls.results["questions"]}
        cls.conversations = {c["id"]: c for c in cls.results["conversations"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_good_replies_pass(self):
        for text, v in self.verdicts.items():
            if text not in BROKEN:
                self.assertTrue(v["all_ok"], (text, v["reasons"]))

    def test_each_broken_reply_fails_for_its_reason(self):
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
            v = self.verdicts[text]
            self.assertFalse(v[expected_failure[how]], (text, how, v))
            self.assertFalse(v["all_ok"], text)

    def test_conversations_pass_turn_by_turn_and_one_bad_turn_fails_the_conversation(self):
        for cid, c in self.conversations.items():
            self.assertEqual(c["all_ok"], cid != BROKEN_CONVERSATION.id, (cid, c["turns"]))
        pressed = [
            t for c in self.conversations.values() for t in c["turns"] if t["text"].startswith("[press")
        ]
        self.assertTrue(pressed and all(t["all_ok"] for t in pressed if "/press_es" not in t["text"]))

    def test_near_copy_of_training_data_is_refused(self):
        self.assertNotIn(self.copied, self.verdicts)
        self.assertIn({"lang": "en", "text": self.copied}, self.results["refused_as_near_copies"])

    def test_fresh_sender_per_question_and_per_conversation_and_exit_code(self):
        turns = sum(len(c.steps) for c in CONVERSATIONS)
        self.assertEqual(len(set(self.senders)), len(self.senders) - turns + len(CONVERSATIONS))
        self.assertEqual(self.code, 1)  # broken replies put some languages below 99 %

    def test_unreachable_server_exits_2(self):
        self.assertEqual(
            score.main(["--url", "http://127.0.0.1:9", "--out", str(self.out), "--langs", "en"]), 2
        )


class BenchTest(unittest.TestCase):
    """The benchmark's measuring functions."""

    def test_weighted_f1_matches_hand_computation(self):
        gold = ["a", "a", "b", "c"]
        predicted = ["a", "b", "b", "c"]
        # a: P=1 R=.5 F=2/3 (w2); b: P=.5 R=1 F=2/3 (w1); c: F=1 (w1) -> (4/3+2/3+1)/4 = .75
        self.assertAlmostEqual(bench.weighted_f1(gold, predicted), 0.75)

    def test_percentile_nearest_rank(self):
        values = [float(n) for n in range(1, 21)]
        self.assertEqual(bench.percentile(values, 0.5), 10.0)
        self.assertEqual(bench.percentile(values, 0.95), 19.0)

    def test_latency_and_rss_of_listening_process(self):
        with FakeRasa() as server:
            latency = bench.measure_latency(server.url, ["ping"], 5, timeout=5)
            pid = bench.pid_listening_on(server.port)
        self.assertEqual((latency["n"], latency["errors"]), (5, 0))
        self.assertLessEqual(latency["p50_ms"], latency["p95_ms"])
        self.assertEqual(pid, os.getpid())
        self.assertGreater(bench.rss_mib(pid), 1.0)

    def test_nlu_scores_per_language_with_a_fake_agent(self):
        class FakeAgent:
            """Predicts greet for everything, like a model that learned nothing else."""

            async def parse_message(self, text):
                return {"intent": {"name": "greet"}}

        questions = [q for q in QUESTIONS if q.lang in ("en", "de")]
        predicted, raw = asyncio.run(bench.predict_intents(FakeAgent(), [q.text for q in questions]))
        scores = bench.nlu_scores(questions, predicted, ("en", "de"), raw)
        self.assertEqual(scores["all"]["n"], len(questions))
        en = [q for q in questions if q.lang == "en"]
        self.assertAlmostEqual(
            scores["en"]["accuracy"], round(sum(q.intent == "greet" for q in en) / len(en), 3)
        )
        self.assertLess(scores["de"]["f1"], 0.1)

    def test_raw_intent_skips_the_fallback_label(self):
        parsed = {
            "intent": {"name": "nlu_fallback"},
            "intent_ranking": [{"name": "nlu_fallback"}, {"name": "trends"}, {"name": "talent"}],
        }
        self.assertEqual(bench.raw_intent(parsed), "trends")

    def test_latency_is_bounded(self):
        self.assertEqual(bench.MAX_LATENCY_MESSAGES, 500)


if __name__ == "__main__":
    unittest.main(verbosity=2)
