"""Leads: the table with its filters, the CSV export and deletion, through the real app."""

from __future__ import annotations

import csv
import io

from bot.staff.accounts import Accounts
from tests.bot.staff.conftest import add_lead, api_login


async def names(client, query: str = "") -> list[str]:
    resp = await client.get(f"/staff/api/v1/leads{query}")
    assert resp.status == 200, await resp.text()
    return [lead["name"] for lead in (await resp.json())["leads"]]


async def test_filters_by_language_channel_sector_and_date(start, data_dir):
    add_lead(
        data_dir,
        name="Anna",
        language="de",
        channel="web",
        sector="film_tv",
        created_at="2026-03-01T09:00:00+00:00",
    )
    add_lead(
        data_dir,
        name="王芳",
        language="zh",
        channel="telegram",
        sector="tourism",
        created_at="2026-03-05T23:59:00+00:00",
    )
    add_lead(
        data_dir,
        name="Pierre",
        language="fr",
        channel="web",
        sector="tourism",
        created_at="2026-03-09T08:00:00+00:00",
    )
    client = await start()
    await api_login(client)
    assert await names(client) == ["Pierre", "王芳", "Anna"]
    assert await names(client, "?language=zh") == ["王芳"]
    assert await names(client, "?channel=web&sector=tourism") == ["Pierre"]
    assert await names(client, "?since=2026-03-02&until=2026-03-05") == ["王芳"]  # both days inclusive
    page = await (await client.get("/staff/leads?language=fr")).text()
    assert "Pierre" in page and "Anna" not in page


async def test_sectors_and_ways_of_taking_part_are_shown_by_name_and_filtered_one_by_one(start, data_dir):
    add_lead(data_dir, name="Mei", sector="media,projects_finance", involvement="capital", language="zh")
    add_lead(data_dir, name="Odd", sector="projectsXfinance", involvement="by_hand", language="pt")
    client = await start()
    await api_login(client)
    assert await names(client, "?sector=media") == ["Mei"]
    assert await names(client, "?sector=projects_finance") == ["Mei"]  # "_" is not a wildcard
    page = await (await client.get("/staff/leads?lang=zh")).text()
    row = page[page.index("Mei") - 200 : page.index("Mei") + 400]
    assert "影视与传媒, 重大项目与投融资" in row and "资本投资" in row and ">中文<" in row
    assert '<option value="media">影视与传媒</option>' in page  # the filter menu offers each sector
    page = await (await client.get("/staff/leads?lang=en")).text()
    assert "film, TV and media, major projects and finance" in page and "Capital investment" in page
    assert ">projectsXfinance<" in page and ">by_hand<" in page and ">pt<" in page  # unknown ids as stored
    assert (await (await client.get("/staff/api/v1/leads?sector=media")).json())["leads"][0]["sector"] == (
        "media,projects_finance"  # the API and the CSV keep the ids
    )


async def test_a_bad_filter_is_a_clear_localized_error(start):
    client = await start()
    await api_login(client)
    resp = await client.get("/staff/api/v1/leads?since=yesterday")
    assert resp.status == 400
    assert (await resp.json())["error"]["message"] == "The filter “From (date)” is not valid."
    resp = await client.get("/staff/leads?since=2026-02-30&lang=zh")
    assert resp.status == 400 and "筛选条件“开始日期”无效。" in await resp.text()


async def test_csv_has_a_bom_keeps_cjk_and_neutralises_formulas(start, data_dir):
    add_lead(data_dir, name='=HYPERLINK("http://evil")', email="+1 555 0100", country="@SUM(A1)")
    add_lead(data_dir, name="李雷", email="li@example.cn", country="-2+3", language="zh")
    client = await start()
    await api_login(client)
    resp = await client.get("/staff/leads.csv?language=zh")
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = await resp.read()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["name"], r["country"]) for r in rows] == [("李雷", "'-2+3")]
    rows = list(
        csv.DictReader(
            io.StringIO((await (await client.get("/staff/api/v1/leads.csv")).read()).decode("utf-8-sig"))
        )
    )
    hostile = next(r for r in rows if r["email"].startswith("'+"))
    assert hostile["name"] == '\'=HYPERLINK("http://evil")' and hostile["country"] == "'@SUM(A1)"


async def test_an_admin_deletes_a_lead_and_it_is_audited(start, data_dir):
    keep = add_lead(data_dir, name="Keep")
    gone = add_lead(data_dir, name="Gone")
    client = await start()
    page = await (await client.get("/staff/login")).text()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    resp = await client.post(
        "/staff/login", data={"user": "ada", "password": "correct horse battery", "csrf": csrf}
    )
    assert resp.status == 200 and resp.url.path == "/staff/leads"
    page = await resp.text()
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    resp = await client.post(f"/staff/leads/{gone}/delete", data={"csrf": csrf})
    assert "The lead was deleted." in await resp.text()
    assert await names(client) == ["Keep"]
    resp = await client.post(f"/staff/leads/{gone}/delete", data={"csrf": csrf})
    assert resp.status == 404 and "does not exist" in await resp.text()
    assert keep
    accounts = Accounts(data_dir / "staff.sqlite3")
    accounts.db.open_sync()
    actions = [row[0] for row in accounts.db.run_sync("SELECT action FROM audit ORDER BY id")]
    accounts.db.close_sync()
    assert actions == ["login", "delete_lead"]
