"""The console end to end in headless Chromium (Playwright) on the real gateway, found by role and label."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.app import create_app
from bot.settings import Settings
from tests.bot.staff.advisor_rasa import advisor
from tests.bot.staff.conftest import ADMIN, ADMIN_PASSWORD, add_lead
from tests.bot.web.test_widget_browser import ARGS, CHROMIUM

expect.set_options(timeout=8000)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        await browser.close()


@pytest.fixture
async def console(aiohttp_server, staff_env, fake_rasa) -> Any:
    fake_rasa.responder = advisor
    env = {**staff_env, "STAFF_LOCKOUT_FAILURES": "3"}
    return await aiohttp_server(create_app(Settings.from_env(env)))


async def open_page(browser: Browser, server: Any, path: str, **context: Any) -> Page:
    page = await (await browser.new_context(accept_downloads=True, **context)).new_page()
    page.set_default_timeout(8000)
    await page.goto(str(server.make_url(path)))
    return page


async def log_in(page: Page, user: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    await page.get_by_role("textbox", name="User name").fill(user)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def test_login_wrong_password_lockout_and_logout(browser, console):
    page = await open_page(browser, console, "/staff/leads")
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # redirected
    await log_in(page, password="not the password")
    await expect(page.get_by_role("alert")).to_have_text("The user name or password is wrong.")
    await log_in(page)
    await expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    await page.get_by_role("button", name="Log out").click()
    await expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    for _ in range(2):
        await log_in(page, password="still wrong")
    await log_in(page, password="wrong again")
    await expect(page.get_by_role("alert")).to_contain_text("locked for 15 minutes")
    await log_in(page)
    await expect(page.get_by_role("alert")).to_contain_text("locked")


async def test_leads_filter_csv_export_and_delete_in_chinese_with_the_keyboard(browser, console, data_dir):
    add_lead(data_dir, name="Anna", language="de", channel="web")
    add_lead(data_dir, name="李雷", language="zh", channel="telegram", email="=1+2")
    page = await open_page(browser, console, "/staff/login?lang=zh")
    await page.get_by_role("textbox", name="用户名").fill(ADMIN)
    await page.get_by_label("密码").fill(ADMIN_PASSWORD)
    await page.keyboard.press("Enter")
    table = page.get_by_role("table")
    await expect(table).to_contain_text("Anna")
    await page.get_by_role("combobox", name="语言", exact=True).select_option("zh")
    await page.get_by_role("button", name="应用筛选").click()
    await expect(table).to_contain_text("李雷")
    await expect(table).not_to_contain_text("Anna")

    async with page.expect_download() as info:
        await page.get_by_role("link", name="导出 CSV").click()
    raw = Path(await (await info.value).path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["name"], r["email"]) for r in rows] == [("李雷", "'=1+2")]

    delete = page.get_by_role("button", name="删除 李雷 的记录")
    await delete.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("status").first).to_have_text("已删除该潜在客户。")
    await expect(page.get_by_role("table")).not_to_contain_text("李雷")


async def test_unanswered_questions_after_fallback_turns_and_usage_charts(browser, console):
    client_page = await open_page(browser, console, "/staff/login")
    request = client_page.context.request
    session = await (
        await request.post(str(console.make_url("/api/v1/session")), data={"site": "demo"})
    ).json()
    for text in ("what is the tax rate", "blorp blorp", "Tell me about measure 9"):
        body = {"session_id": session["session_id"], "text": text, "language": "en"}
        assert (await request.post(str(console.make_url("/api/v1/chat")), data=body)).ok
    await log_in(client_page)
    await client_page.get_by_role("link", name="Unanswered questions").click()
    groups = client_page.get_by_role("table").first
    await expect(groups.get_by_role("row", name="Protection of investors")).to_contain_text(
        "what is the tax rate"
    )
    await expect(groups).to_contain_text("blorp blorp")
    await expect(groups).not_to_contain_text("measure 9")
    await client_page.get_by_role("checkbox", name="Select: what is the tax rate").check()
    await client_page.get_by_role("button", name="Mark as reviewed").click()
    await expect(client_page.get_by_role("status")).to_have_text("1 questions marked as reviewed.")
    await expect(client_page.get_by_role("table").first).not_to_contain_text("what is the tax rate")

    await client_page.get_by_role("link", name="Usage").click()
    charts = client_page.get_by_role("img")
    await expect(charts).to_have_count(3)
    await expect(charts.first).to_have_accessible_name(
        "Bar chart: Conversations per day. The same numbers are in the table below."
    )
    await expect(charts.last).to_have_accessible_name(
        "Bar chart: Messages per day by language. The same numbers are in the table below."
    )
    per_language = client_page.get_by_role("table", name="Messages per day by language")
    await expect(per_language.get_by_role("columnheader", name="English")).to_be_visible()
    await expect(per_language.get_by_role("row").last).to_contain_text("3")
    await expect(client_page.get_by_role("table").first).to_contain_text("3")
    await expect(client_page.get_by_text("33%")).to_be_visible()  # one of three turns cited §9


async def test_the_console_works_on_a_phone(browser, console, data_dir):
    add_lead(data_dir, name="Anna")
    page = await open_page(
        browser,
        console,
        "/staff/login",
        viewport={"width": 390, "height": 800},
        is_mobile=True,
        has_touch=True,
    )
    await log_in(page)
    await expect(page.get_by_role("heading", name="Leads")).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the wide table scrolls inside its own region, not the page
    await expect(
        page.get_by_role("region", name="Contacts left by people who agreed to be contacted, newest first")
    ).to_be_visible()
    await page.screenshot(path="/tmp/staff-phone.png", full_page=True)
