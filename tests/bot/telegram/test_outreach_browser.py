"""Compose, check, preview, test and send a broadcast in the console (headless Chromium) to the fake
Bot API; the language tabs by keyboard; a scheduled broadcast cancelled and the audit log; the page
without script."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from bot.app import create_app
from bot.settings import Settings
from bot.staff.accounts import Accounts
from bot.telegram import i18n
from tests.bot.staff.conftest import ADMIN
from tests.bot.staff.test_console_browser import browser, log_in, open_page  # noqa: F401 (fixture)
from tests.bot.telegram.helpers import keyboard_of
from tests.bot.telegram.test_outreach import data_dir, subscribe_many  # noqa: F401 (fixture)

OWN_CHAT = 777


@pytest.fixture
async def console(aiohttp_server, bot_api, fake_rasa, data_dir) -> Any:  # noqa: F811
    subscribe_many(data_dir, 3)  # en, zh, ru
    accounts = Accounts(Path(data_dir) / "staff.sqlite3")
    accounts.db.open_sync()
    accounts.set_telegram_sync(ADMIN, OWN_CHAT)
    accounts.db.close_sync()
    env = {
        "RASA_URL": fake_rasa.url,
        "ADVISOR_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
    }
    return await aiohttp_server(create_app(Settings.from_env(env)))


async def outreach_page(browser: Any, console: Any, **context: Any) -> Page:  # noqa: F811
    page = await open_page(browser, console, "/staff/login", **context)
    await log_in(page)
    await page.get_by_role("link", name="Outreach").click()
    return page


async def test_compose_in_tabs_with_live_checks_preview_test_and_send(browser, console, bot_api):  # noqa: F811
    page = await outreach_page(browser, console)
    await expect(page.get_by_text("Subscribers: 3")).to_be_visible()
    tabs = page.get_by_role("tablist", name="Texts").get_by_role("tab")
    await expect(tabs).to_have_count(8)
    english_tab = page.get_by_role("tab", name="English (required)")
    await expect(english_tab).to_have_attribute("aria-selected", "true")

    # WAI-ARIA tabs: arrow keys move and select (wrapping), Home and End; one panel shows at a time
    await english_tab.focus()
    await page.keyboard.press("ArrowRight")
    await expect(page.get_by_role("tab", name="中文")).to_be_focused()
    await expect(page.get_by_role("tabpanel")).to_have_count(1)
    await expect(page.get_by_role("tabpanel").get_by_role("textbox", name="Text in 中文")).to_be_visible()
    await page.keyboard.press("End")
    await expect(page.get_by_role("tab", name="Español")).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowRight")
    await expect(english_tab).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowLeft")
    await expect(page.get_by_role("tab", name="Español")).to_be_focused()
    await page.keyboard.press("Home")
    await expect(english_tab).to_be_focused()

    # English is required: said in the console's language, on the English tab, nothing queued
    await page.get_by_role("tab", name="Русский").click()
    await page.get_by_role("button", name="Queue the broadcast").click()
    english = page.get_by_role("textbox", name="Text in English (required)")
    await expect(english).to_be_focused()
    await expect(english).to_have_accessible_description(  # html help, count, the error
        "Telegram HTML: <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>; at most 4096 characters."
        " 0 of 4096 characters The English text is required."
    )
    await expect(english).to_have_attribute("aria-invalid", "true")

    # live preview as Telegram shows it, with the start-code button, while typing
    await english.fill("<b>Festival</b> opens on Friday &amp; Saturday")
    await page.get_by_role("textbox", name="Button with a start code").fill("measure_9")
    preview = page.get_by_role("region", name="Preview in Telegram: English")
    await expect(preview.locator("b")).to_have_text("Festival")
    await expect(preview).to_contain_text("Festival opens on Friday & Saturday")
    await expect(preview.get_by_role("listitem")).to_have_text(["Open in the advisor", "Stop these messages"])
    await expect(page.get_by_text("35 of 4096 characters")).to_be_visible()
    await expect(english).not_to_have_attribute("aria-invalid", "true")

    # Telegram's limits, checked inline in that language's tab and marked on the tab
    await page.get_by_role("tab", name="Русский").click()
    russian = page.get_by_role("textbox", name="Text in Русский")
    await russian.fill("<b>unclosed")
    message = "The Русский text uses <b>, which Telegram does not accept (or a tag is not closed)."
    await expect(page.get_by_role("tabpanel")).to_contain_text(message)
    await expect(russian).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_role("tab", name="Русский")).to_have_accessible_description(message)
    await russian.fill("я" * 4097)
    await expect(page.get_by_role("tabpanel")).to_contain_text(
        "The Русский text has 4097 characters; Telegram allows 4096."
    )
    await russian.fill("")
    await expect(page.get_by_role("tab", name="Русский")).not_to_have_class("invalid")
    await expect(page.get_by_role("tabpanel")).to_contain_text("Subscribers in this language get nothing")
    fallback = "Send the English text to subscribers whose language has no text"
    await page.get_by_role("checkbox", name=fallback).check()
    russian_preview = page.get_by_role("region", name="Preview in Telegram: Русский")
    await expect(russian_preview).to_contain_text("Festival opens on Friday")  # English, Russian buttons
    await expect(russian_preview.get_by_role("listitem").last).to_have_text(i18n.t("outreach_stop", "ru"))

    # send to me first, per tab: what subscribers in that language will get
    await page.get_by_role("tab", name="中文").click()
    await page.get_by_role("textbox", name="Text in 中文").fill("<i>节日</i>周五开幕")
    await page.get_by_role("button", name="Send the 中文 message to me first").click()
    await expect(page.get_by_role("status")).to_have_text(
        "The message subscribers in 中文 get was sent to your own Telegram chat."
    )
    [test] = await bot_api.wait_for("sendMessage", 1)
    assert (test.params["chat_id"], test.params["text"]) == (OWN_CHAT, "<i>节日</i>周五开幕")
    assert keyboard_of(test)[0]["url"] == "https://t.me/advisor_bot?start=measure_9"
    await expect(page.get_by_role("tab", name="中文")).to_have_attribute("aria-selected", "true")

    await page.get_by_role("button", name="Queue the broadcast").click()
    await expect(page.get_by_role("status")).to_have_text(
        "The broadcast is queued; its progress is shown below."
    )
    await bot_api.wait_for("sendMessage", 4)
    await page.get_by_role("link", name="Refresh progress").click()
    row = page.get_by_role("row", name="1 ada")
    await expect(row).to_contain_text("Done")
    texts = {c.params["chat_id"]: c.params["text"] for c in bot_api.called("sendMessage")[1:]}
    festival = "<b>Festival</b> opens on Friday &amp; Saturday"
    assert texts == {10000: festival, 10001: "<i>节日</i>周五开幕", 10002: festival}


async def test_a_scheduled_broadcast_is_cancelled_from_the_page(browser, console, bot_api):  # noqa: F811
    page = await outreach_page(browser, console)
    await page.get_by_role("textbox", name="Text in English (required)").fill("Later news")
    tomorrow = datetime.fromtimestamp(time.time() + 86400, timezone.utc).strftime("%Y-%m-%dT%H:%M")
    await page.get_by_label("Send at (UTC, empty = now)").fill(tomorrow)
    await page.get_by_role("button", name="Queue the broadcast").click()
    row = page.get_by_role("row", name="1 ada")
    await expect(row).to_contain_text("Scheduled")
    await expect(row).to_contain_text(tomorrow.replace("T", " "))
    await row.get_by_role("button", name="Cancel broadcast 1").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Broadcast 1 is cancelled; nothing more of it is sent."
    )
    await expect(page.get_by_role("row", name="1 ada")).to_contain_text("Cancelled")
    await expect(page.get_by_role("button", name="Cancel broadcast 1")).to_have_count(0)
    assert bot_api.called("sendMessage") == []

    # the audit log says who did it, and when, in the console's language
    await page.get_by_role("link", name="Audit log").click()
    rows = page.get_by_role("table").get_by_role("row")
    await expect(rows.nth(1)).to_contain_text("Cancelled a broadcast")
    await expect(rows.nth(1)).to_contain_text("Broadcast 1 (it was Scheduled)")
    await expect(rows.nth(2)).to_contain_text(
        "Queued a broadcastBroadcast 1 in English · topics: Investment news"
    )
    await expect(rows.nth(2)).to_contain_text(f"sent at {tomorrow.replace('T', ' ')} UTC")
    await expect(rows.nth(3)).to_contain_text("ada")
    await expect(rows.nth(3)).to_contain_text("Logged in")
    await page.get_by_role("combobox", name="Console language").select_option("zh")
    await page.get_by_role("button", name="Change").click()
    await expect(page.get_by_role("row", name="取消了推送")).to_contain_text("推送 1（原状态：已计划）")


async def test_without_script_every_language_shows_and_preview_posts_the_form(browser, console):  # noqa: F811
    page = await outreach_page(browser, console, java_script_enabled=False)
    await expect(page.get_by_role("tablist")).to_be_hidden()
    await expect(page.get_by_role("tabpanel")).to_have_count(8)
    await page.get_by_role("textbox", name="Text in English (required)").fill("<b>Festival</b> <!-- x -->")
    await page.get_by_role("textbox", name="Text in Deutsch").fill("<i>Fest</i>")
    await page.get_by_role("button", name="Preview").click()
    summary = page.get_by_role("alert")
    await expect(summary).to_have_text(
        "The English text uses <!--, which Telegram does not accept (or a tag is not closed)."
    )
    await expect(page.get_by_role("textbox", name="Text in English (required)")).to_have_attribute(
        "aria-invalid", "true"
    )
    german = page.get_by_role("region", name="Preview in Telegram: Deutsch")
    await expect(german.locator("i")).to_have_text("Fest")
    await summary.get_by_role("link").click()
    await expect(page).to_have_url(page.url.split("#")[0] + "#text-en")


async def test_enter_in_a_field_previews_and_never_sends(browser, console, bot_api):  # noqa: F811
    for script in (True, False):
        page = await outreach_page(browser, console, java_script_enabled=script)
        await page.get_by_role("textbox", name="Text in English (required)").fill("<b>Hi</b>")
        start_code = page.get_by_role("textbox", name="Button with a start code")
        await start_code.fill("measure_9")
        async with page.expect_navigation():  # the form's default button is Preview, not "send to me"
            await start_code.press("Enter")
        preview = page.get_by_role("region", name="Preview in Telegram: English")
        await expect(preview.locator("b")).to_have_text("Hi")
        await expect(preview.get_by_role("listitem").first).to_have_text("Open in the advisor")
        await expect(page.locator("#compose button[hidden]")).to_be_hidden()  # not drawn as an empty button
        await page.context.close()
    assert bot_api.called("sendMessage") == []
