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
from questions import HELDOUT_DIR, LANGUAGES, load_heldout, load_training_texts, normalize, split_by_overlap  # noqa: E402

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
QUESTIONS = load_heldout()
BY_TEXT = {q.text: q for q in QUESTIONS}
# one deliberately broken reply per failure kind: question text -> how it is broken
BROKEN = {
    "whats measure 3 about": "wrong_marker",
    "第三条措施讲的啥": "wrong_text_language",
    "расскажи про пятую меру": "no_citation",
    "結論を簡単に": "no_fact",
    "이번 주 청두 날씨는요": "oos_number",
    "Guten Abend zusammen": "smalltalk_cites",
}


def good_reply(q) -> list[dict]:
    """What a right reply looks like: text in the language, facts, citation, then the language marker."""
    facts = " ".join(f.split("|")[0] for f in q.facts)
    cite = f" (§{', §'.join(q.sections)})" if q.sections else ""
    return [{"recipient_id": "x", "text": f"{FILLER[q.lang]} {facts}{cite}".strip()},
            {"recipient_id": "x", "custom": {"language": q.lang}}]


def broken_reply(q, how: str) -> list[dict]:
    """A right reply with exactly one defect."""
    reply = good_reply(q)
    if how == "wrong_marker":
        reply[1]["custom"]["language"] = "de"
    elif how == "wrong_text_language":
        reply[0]["text"] = reply[0]["text"].replace(FILLER[q.lang], FILLER["en"]).replace("区域", "region")
    elif how == "no_citation":
        reply[0]["text"] = reply[0]["text"].split(" (§")[0]
    elif how == "no_fact":
        reply[0]["text"] = FILLER[q.lang] + " (§13)"
    elif how == "oos_number":
        reply[0]["text"] += " 15%"
    elif how == "smalltalk_cites":
        reply[0]["text"] += " (§1)"
    return reply


async def webhook(request: web.Request) -> web.Response:
    """Fake REST channel: answers held-out questions, and 'ping' for latency tests."""
    body = await request.json()
    assert "metadata" not in body, "score.py must send no metadata"
    request.app["senders"].append(body["sender"])
    q = BY_TEXT.get(body["message"])
    if q is None:
        return web.json_response([{"recipient_id": body["sender"], "text": "pong"}])
    how = BROKEN.get(q.text)
    return web.json_response(broken_reply(q, how) if how else good_reply(q))


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
    """The held-out set meets the brief: size, coverage, kinds of questions."""

    def test_every_language_has_enough_questions_and_kinds(self):
        for lang in LANGUAGES:
            mine = [q for q in QUESTIONS if q.lang == lang]
            self.assertGreaterEqual(len(mine), 20, lang)
            self.assertGreaterEqual(sum(q.expect == "out_of_scope" for q in mine), 3, lang)
            self.assertIn("greet", {q.intent for q in mine}, lang)
            cited = {s for q in mine for s in q.sections}
            self.assertLessEqual({str(n) for n in range(1, 14)}, cited, lang)
            self.assertTrue(any("30" in q.facts for q in mine), lang)

    def test_texts_are_unique(self):
        self.assertEqual(len({normalize(q.text) for q in QUESTIONS}), len(QUESTIONS))

    def test_none_in_current_training_data(self):
        _, refused = split_by_overlap(QUESTIONS, load_training_texts())
        self.assertEqual([q.text for q in refused], [])

    def test_fresh_set_loads_and_none_in_current_training_data(self):
        fresh = load_heldout(HELDOUT_DIR.parent / "heldout_fresh")
        self.assertEqual({q.lang for q in fresh}, set(LANGUAGES))
        _, refused = split_by_overlap(fresh, load_training_texts())
        self.assertEqual([q.text for q in refused], [])


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
        reply = ("Autores:\n• Liao Guoqiang — Sichuan University of Science & Engineering, Sichuan\n"
                 "• Liao Yu — Chengdu Municipal Waterworks Co., Ltd, Sichuan\nReferencias:\n"
                 + "\n".join(score.bibliographic_quotes()) + "\nEste es el artículo sobre la industria cultural.")
        self.assertGreater(len(score.bibliographic_quotes()), 5)
        self.assertEqual(score.detect_reply_language(reply), "es")

    def test_short_latin_text_is_undetermined(self):
        self.assertIsNone(score.detect_reply_language("OK (§9)"))

    def test_japanese_with_kanji_names_is_japanese(self):
        self.assertEqual(score.detect_reply_language("無錫市は三国志の文化で観光客を集めています。"), "ja")

    def test_numbers_on_buttons_are_not_invented_figures(self):
        q = BY_TEXT["do i need a visa for chengdu"]
        reply = [{"text": FILLER["en"], "buttons": [{"title": "The 12 measures", "payload": "/list_measures"}]},
                 {"custom": {"language": "en"}}]
        self.assertTrue(score.score_question(q, reply).all_ok)
        reply[0]["text"] += " Visas cost 140 dollars."
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
        (cls.nlu / "t.yml").write_text('version: "3.1"\nnlu:\n- intent: paper_info\n  examples: |\n'
                                       "    - Helo there!\n", encoding="utf-8")
        with FakeRasa() as server:
            cls.code = score.main(["--url", server.url, "--out", str(cls.out), "--nlu-dir", str(cls.nlu.parent),
                                   "--min-accuracy", "0.99"])
            cls.senders = list(server.app["senders"])
        cls.results = json.loads(cls.out.read_text(encoding="utf-8"))
        cls.verdicts = {v["text"]: v for v in cls.results["questions"]}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_good_replies_pass(self):
        for text, v in self.verdicts.items():
            if text not in BROKEN:
                self.assertTrue(v["all_ok"], (text, v["reasons"]))

    def test_each_broken_reply_fails_for_its_reason(self):
        expected_failure = {"wrong_marker": "language_ok", "wrong_text_language": "language_ok",
                            "no_citation": "citation_ok", "no_fact": "facts_ok",
                            "oos_number": "citation_ok", "smalltalk_cites": "citation_ok"}
        for text, how in BROKEN.items():
            v = self.verdicts[text]
            self.assertFalse(v[expected_failure[how]], (text, how, v))
            self.assertFalse(v["all_ok"], text)

    def test_question_in_training_data_is_refused(self):
        self.assertNotIn("helo there", self.verdicts)
        self.assertEqual(self.results["refused_in_training_data"], [{"lang": "en", "text": "helo there"}])

    def test_fresh_sender_per_question_and_exit_code(self):
        self.assertEqual(len(self.senders), len(set(self.senders)))
        self.assertEqual(self.code, 1)  # broken replies put some languages below 99 %

    def test_unreachable_server_exits_2(self):
        self.assertEqual(score.main(["--url", "http://127.0.0.1:9", "--out", str(self.out), "--langs", "en"]), 2)


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
        self.assertAlmostEqual(scores["en"]["accuracy"], round(1 / 25, 3))
        self.assertLess(scores["de"]["f1"], 0.1)

    def test_raw_intent_skips_the_fallback_label(self):
        parsed = {"intent": {"name": "nlu_fallback"},
                  "intent_ranking": [{"name": "nlu_fallback"}, {"name": "trends"}, {"name": "talent"}]}
        self.assertEqual(bench.raw_intent(parsed), "trends")

    def test_latency_is_bounded(self):
        self.assertEqual(bench.MAX_LATENCY_MESSAGES, 500)


if __name__ == "__main__":
    unittest.main(verbosity=2)
