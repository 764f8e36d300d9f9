"""Compose, preview and send a broadcast in the console (headless Chromium) to the fake Bot API."""

from __future__ import annotations

from playwright.async_api import expect

from bot.app import create_app
from bot.settings import Settings
from tests.bot.staff.test_console_browser import browser, log_in, open_page  # noqa: F401 (fixture)
from tests.bot.telegram.test_outreach import data_dir, subscribe_many  # noqa: F401 (fixture)


async def test_compose_preview_and_send_a_broadcast(browser, aiohttp_server, bot_api, fake_rasa, data_dir):  # noqa: F811
    subscribe_many(data_dir, 3)  # en, zh, ru
    env = {
        "RASA_URL": fake_rasa.url,
        "ADVISOR_DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_BASE_URL": f"{bot_api.url}/bot",
    }
    server = await aiohttp_server(create_app(Settings.from_env(env)))
    page = await open_page(browser, server, "/staff/login")
    await log_in(page)
    await page.get_by_role("link", name="Outreach").click()
    await expect(page.get_by_text("Subscribers: 3")).to_be_visible()

    await page.get_by_role("button", name="Queue the broadcast").click()  # English is required
    english = page.get_by_role("textbox", name="Text in English (required)")
    assert await english.evaluate("e => !e.validity.valid")  # the browser refuses the empty form

    await english.fill("<b>Festival</b> opens on Friday")
    await page.get_by_role("textbox", name="Text in 中文").fill("<i>节日</i>周五开幕")
    await page.get_by_role("textbox", name="Text in Русский").fill("<b>unclosed")
    await page.get_by_role("button", name="Preview").click()
    await expect(page.get_by_role("alert")).to_have_text(
        "The Русский text uses <b>, which Telegram does not accept (or a tag is not closed)."
    )
    await page.get_by_role("textbox", name="Text in Русский").fill("")
    await page.get_by_role(
        "checkbox", name="Send the English text to subscribers whose language has no text"
    ).check()
    await page.get_by_role("textbox", name="Button with a start code").fill("measure_9")
    await page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: English")
    await expect(preview.locator("b")).to_have_text("Festival")

    await page.get_by_role("button", name="Queue the broadcast").click()
    await expect(page.get_by_role("status")).to_have_text(
        "The broadcast is queued; its progress is shown below."
    )
    await bot_api.wait_for("sendMessage", 3)
    await page.get_by_role("link", name="Refresh progress").click()
    row = page.get_by_role("row", name="1")
    await expect(row).to_contain_text("done")
    texts = {c.params["chat_id"]: c.params["text"] for c in bot_api.called("sendMessage")}
    assert texts == {
        10000: "<b>Festival</b> opens on Friday",
        10001: "<i>节日</i>周五开幕",
        10002: "<b>Festival</b> opens on Friday",
    }
