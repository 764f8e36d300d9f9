"""Per-turn analytics written by the gateway, and the unanswered-questions and usage views on it."""

from __future__ import annotations

import csv
import io
import time

from bot.analytics import percentile, sections_cited, summarise
from bot.staff.charts import stacked_chart
from tests.bot.staff.advisor_rasa import advisor
from tests.bot.staff.conftest import api_login

LANGUAGES: dict[str, str] = {}


async def chat(client, session_id: str, text: str) -> None:
    body = {"session_id": session_id, "text": text, "language": LANGUAGES[session_id]}
    resp = await client.post("/api/v1/chat", json=body)
    assert resp.status == 200, await resp.text()


async def visitor(client, language: str = "en") -> str:
    resp = await client.post("/api/v1/session", json={"site": "demo", "language": language})
    session_id = (await resp.json())["session_id"]
    LANGUAGES[session_id] = language
    return session_id


async def test_unanswered_questions_are_grouped_by_language_and_nearest_topic(start, fake_rasa):
    fake_rasa.responder = advisor
    client = await start()
    anna, li = await visitor(client, "de"), await visitor(client, "zh")
    for text in ("What is the tax rate?", "And the tax on profits?", "Tell me about measure 9", "blorp"):
        await chat(client, anna, text)
    await chat(client, li, "税率是多少？")
    await chat(client, anna, "/out_of_scope")  # a button: counted, but no text to read
    await api_login(client)
    body = await (await client.get("/staff/api/v1/unanswered?days=7")).json()
    groups = [(g["language"], g["topic"], g["count"]) for g in body["groups"]]
    assert groups == [
        ("de", "investor_protection", 2),
        ("de", "measure_info", 1),
        ("zh", "investor_protection", 1),
    ]
    assert body["groups"][0]["examples"] == ["And the tax on profits?", "What is the tax rate?"]
    page = await (await client.get("/staff/unanswered?lang=zh")).text()
    assert "税率是多少？" in page and "超出范围" in page


async def test_the_analytics_keep_no_sender_ids_and_no_answered_text(start, fake_rasa, data_dir):
    fake_rasa.responder = advisor
    client = await start()
    session_id = await visitor(client)
    await chat(client, session_id, "Tell me about measure 9 please")
    await chat(client, session_id, "what about a visa")
    raw = (data_dir / "analytics.sqlite3").read_bytes() + (data_dir / "analytics.sqlite3-wal").read_bytes()
    assert session_id.encode() not in raw
    assert b"measure 9 please" not in raw and b"what about a visa" in raw


async def test_forget_me_deletes_the_users_questions_only(start, fake_rasa):
    fake_rasa.responder = advisor
    client = await start()
    mine, other = await visitor(client), await visitor(client)
    await chat(client, mine, "what about a visa for me")
    await chat(client, other, "what about a visa for them")
    resp = await client.post("/api/v1/chat", json={"session_id": mine, "payload": "/forget_me"})
    assert (await resp.json())["forgotten"] is True
    await api_login(client)
    body = await (await client.get("/staff/api/v1/unanswered")).json()
    assert [q["text"] for q in body["questions"]] == ["what about a visa for them"]


async def test_marking_as_reviewed_hides_questions_until_asked_for(start, fake_rasa):
    fake_rasa.responder = advisor
    client = await start()
    session_id = await visitor(client)
    await chat(client, session_id, "tax one")
    await chat(client, session_id, "tax two")
    token = await api_login(client)
    found = (await (await client.get("/staff/api/v1/unanswered")).json())["questions"]
    first = next(q["id"] for q in found if q["text"] == "tax one")
    resp = await client.post(
        "/staff/api/v1/unanswered/review", json={"ids": [first]}, headers={"X-CSRF-Token": token}
    )
    assert (await resp.json()) == {"reviewed": 1}
    texts = [q["text"] for q in (await (await client.get("/staff/api/v1/unanswered")).json())["questions"]]
    assert texts == ["tax two"]
    every = (await (await client.get("/staff/api/v1/unanswered?reviewed=1&days=30")).json())["questions"]
    assert {q["text"] for q in every} == {"tax one", "tax two"}
    raw = await (await client.get("/staff/unanswered.csv?reviewed=1")).read()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {(r["text"], r["reviewed"]) for r in rows} == {("tax one", "1"), ("tax two", "0")}


async def test_usage_counts_conversations_messages_citations_and_sections(start, fake_rasa):
    fake_rasa.responder = advisor
    client = await start()
    first, second = await visitor(client, "de"), await visitor(client, "en")
    for text in ("measure 9", "smart industry", "tax"):
        await chat(client, first, text)
    await chat(client, second, "measure 9 again")
    await api_login(client)
    usage = await (await client.get("/staff/api/v1/usage?days=7")).json()
    today = usage["days"][-1]
    assert (today["conversations"], today["messages"], today["by_channel"]) == (2, 4, {"web": 4})
    assert today["by_language"] == {"de": 3, "en": 1}  # per day, not only for the period
    assert all(d["by_language"] == {} for d in usage["days"][:-1])
    assert len(usage["days"]) == 7
    assert usage["by_language"] == {"de": 3, "en": 1}
    assert usage["cited_share"] == 0.75
    assert usage["top_sections"][0] == {"section": "9", "turns": 2}
    assert usage["latency_ms"]["p50"] is not None and usage["latency_ms"]["p95"] >= usage["latency_ms"]["p50"]
    page = await (await client.get("/staff/usage")).text()
    assert page.count('role="img"') == 3 and "75%" in page and "§6.2" in page
    table = page[page.index('id="lang-days-caption"') :]
    table = table[: table.index("</table>")]
    assert '<th scope="col" class="num" lang="de">Deutsch</th>' in table
    assert f'<th scope="row">{today["day"]}</th>' in table
    assert table.split(today["day"])[1].split("</tr>")[0].count('class="num">') == 2  # de 3, en 1
    assert "§9 Strengthening publicity" in page  # the most cited sections by title: the top topics
    page = await (await client.get("/staff/usage?lang=zh")).text()
    assert "按语言的每日消息数" in page and "§9 加强宣传，扩大地方影响力" in page


async def test_a_bad_period_is_a_clear_error(start):
    client = await start()
    await api_login(client)
    resp = await client.get("/staff/api/v1/usage?days=9")
    assert resp.status == 400 and "Period" in (await resp.json())["error"]["message"]


def test_citations_percentiles_and_empty_days():
    assert sections_cited(["Smart industry (§6, §6.2) and publicity (§9).", "again (§9)"]) == (
        "6",
        "6.2",
        "9",
    )
    assert sections_cited(["no citation here, § alone"]) == ()
    assert percentile([100, 200, 300, 400], 0.5) == 200 and percentile([5] * 19 + [900], 0.95) == 5
    assert percentile(list(range(1, 101)), 0.95) == 95 and percentile([], 0.5) is None
    day = time.strftime("%Y-%m-%d", time.gmtime())
    summary = summarise([(day, "telegram", "zh", "answered", "", 120, "c1")], day, 1)
    assert summary["days"] == [
        {
            "day": day,
            "messages": 1,
            "by_channel": {"telegram": 1},
            "by_language": {"zh": 1},
            "conversations": 1,
        }
    ]
    assert summary["cited_share"] == 0.0


def test_a_stacked_bar_is_split_by_series_bottom_up_and_skips_zeros():
    chart = stacked_chart("per language", ["11-28", "11-29"], [("English", [0, 3]), ("Deutsch", [0, 1])])
    assert chart.legend == ("English", "Deutsch") and chart.maximum == 5
    english, german = chart.segments  # nothing for the empty day
    bar = chart.bars[1]
    assert (english.series, english.value, german.series, german.value) == (0, 3, 1, 1)
    assert english.y + english.height == chart.base and german.y + german.height == english.y
    assert abs(english.height + german.height - bar.height) < 0.2
