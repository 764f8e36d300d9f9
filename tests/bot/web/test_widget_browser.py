"""The widget end to end: Debian's headless Chromium (Playwright) on the real gateway and a fake Rasa.

Elements are found the way people find them, by role and accessible name, never by CSS class.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.app import create_app
from tests.bot.fake_rasa import FakeRasa
from tests.bot.web.paper_rasa import ANSWER, GREETING, MEASURE_9, MORE_BUTTON, SWITCHED, PaperAdvisor

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HOSTILE = "<img src=x onerror=alert(1)>"
expect.set_options(timeout=8000)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        await browser.close()


async def start_gateway(aiohttp_server, make_settings, **env: str) -> Any:
    """The real gateway app on 127.0.0.1 and its own fake Rasa server, which a test may stop."""
    fake_rasa = FakeRasa(responder=PaperAdvisor())
    rasa_server = await aiohttp_server(fake_rasa.app())
    rasa_url = str(rasa_server.make_url("")).rstrip("/")
    settings = make_settings(RASA_URL=rasa_url, WIDGET_RATE_SESSION="100/minute", **env)
    server = await aiohttp_server(create_app(settings))
    server.fake_rasa, server.fake_rasa_server = fake_rasa, rasa_server
    return server


@pytest.fixture
async def gateway(aiohttp_server, make_settings) -> Any:
    return await start_gateway(aiohttp_server, make_settings)


async def customer_site(aiohttp_server, site_key: str) -> tuple[Any, dict[str, str]]:
    """Another origin's page that embeds the widget; fill in where the gateway is before loading it."""
    where: dict[str, str] = {}

    async def page(request: web.Request) -> web.Response:
        embed = f'<script src="{where["gateway"]}/widget.js" data-site="{site_key}" async></script>'
        return web.Response(
            text=f'<!doctype html><html lang="en"><body><h1>Museum</h1>{embed}</body></html>',
            content_type="text/html",
        )

    app = web.Application()
    app.router.add_get("/", page)
    return await aiohttp_server(app), where


async def open_demo(browser: Browser, gateway: Any, path: str = "/", **context: Any) -> Page:
    page = await (await browser.new_context(**context)).new_page()
    page.set_default_timeout(8000)
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    await page.goto(str(gateway.make_url(path)))
    return page


async def open_panel(page: Page, name: str = "Open the chat") -> None:
    launcher = page.get_by_role("button", name=name)
    await launcher.click()
    await expect(page.get_by_role("dialog")).to_be_visible()


async def ask(page: Page, text: str, label: str = "Your question") -> None:
    box = page.get_by_role("textbox", name=label)
    await box.fill(text)
    await box.press("Enter")


def log(page: Page):
    return page.get_by_role("log")


def typing_status(page: Page):
    return page.get_by_role("dialog").get_by_role("status")


async def test_greeting_question_citation_button_and_history_after_reload(browser, gateway):
    page = await open_demo(browser, gateway, locale="en-US")
    launcher = page.get_by_role("button", name="Open the chat")
    assert await launcher.get_attribute("aria-expanded") == "false"
    assert await launcher.get_attribute("aria-controls")
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    await expect(log(page)).to_have_attribute("aria-live", "polite")

    await ask(page, "How do the areas do publicity abroad?")
    await expect(log(page)).to_contain_text(ANSWER)
    await expect(log(page).get_by_text("(§9)")).to_be_visible()
    await expect(page.get_by_role("textbox", name="Your question")).to_have_value("")

    more = page.get_by_role("button", name=MORE_BUTTON["title"])
    await more.click()
    await expect(log(page)).to_contain_text(MEASURE_9)
    await expect(more).to_be_enabled()  # suggestions stay usable

    await page.reload()
    await open_panel(page)
    for text in (
        GREETING["en"],
        "How do the areas do publicity abroad?",
        ANSWER,
        MORE_BUTTON["title"],
        MEASURE_9,
    ):
        await expect(log(page)).to_contain_text(text)
    assert len(gateway.fake_rasa.received) == 3  # the reload showed history without a new greeting


async def test_greets_in_the_pages_language_and_switches_language_explicitly(browser, gateway):
    page = await open_demo(browser, gateway, "/?lang=de", locale="en-US")
    await open_panel(page, "Chat öffnen")
    await expect(log(page)).to_contain_text(GREETING["de"])
    assert gateway.fake_rasa.received[-1]["metadata"]["language"] == "de"

    await page.get_by_role("combobox", name="Sprache").select_option(label="English")
    await expect(log(page)).to_contain_text(SWITCHED["en"])
    await expect(page.get_by_role("textbox", name="Your question")).to_be_visible()
    assert gateway.fake_rasa.received[-1]["metadata"] == {
        "channel": "web",
        "language": "en",
        "language_source": "explicit",
    }


async def test_hostile_input_is_shown_as_text_and_runs_nothing(browser, gateway):
    page = await open_demo(browser, gateway)
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    await ask(page, HOSTILE)
    await expect(log(page).get_by_text(HOSTILE, exact=True)).to_be_visible()
    await expect(log(page)).to_contain_text(f"You wrote: {HOSTILE}")
    await page.wait_for_timeout(300)
    assert await log(page).locator("img").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]


async def test_only_http_links_become_links_and_they_open_with_noopener(browser, gateway):
    page = await open_demo(browser, gateway)
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    await ask(page, "see https://example.org/paper and javascript:alert(1)")
    await expect(log(page)).to_contain_text("You wrote: see https://example.org/paper")
    links = log(page).get_by_role("link", name="https://example.org/paper")
    await expect(links).to_have_count(2)  # the visitor's line and the bot's echo
    for link in await links.all():
        assert await link.get_attribute("href") == "https://example.org/paper"
        assert "noopener" in (await link.get_attribute("rel") or "")
    assert await log(page).get_by_role("link", name=re.compile("javascript")).count() == 0


async def test_typing_indicator_shows_while_the_advisor_thinks(browser, gateway):
    page = await open_demo(browser, gateway)
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    gateway.fake_rasa.delay = 1.0
    await ask(page, "What about publicity?")
    await expect(typing_status(page)).to_have_text(re.compile("The advisor is typing"))
    await expect(log(page)).to_contain_text(ANSWER)
    await expect(typing_status(page)).to_be_hidden()


async def test_rasa_stopped_shows_a_localized_error_and_retry_keeps_the_question(browser, gateway):
    page = await open_demo(browser, gateway, "/?lang=de")
    await open_panel(page, "Chat öffnen")
    await expect(log(page)).to_contain_text(GREETING["de"])
    await gateway.fake_rasa_server.close()
    await ask(page, "Welche Maßnahmen gibt es?", label="Ihre Frage")
    await expect(log(page)).to_contain_text("der Berater ist vorübergehend nicht erreichbar")
    await expect(log(page)).to_contain_text("Welche Maßnahmen gibt es?")
    await expect(page.get_by_role("button", name="Erneut versuchen")).to_be_visible()
    await expect(typing_status(page)).to_be_hidden()  # the typing indicator stops: no hang


async def test_new_conversation_deletes_the_old_one_on_the_server(browser, gateway):
    page = await open_demo(browser, gateway)
    await open_panel(page)
    await ask(page, "How do the areas do publicity abroad?")
    await expect(log(page)).to_contain_text(ANSWER)
    old_sender = gateway.fake_rasa.received[-1]["sender"]
    await page.get_by_role("button", name="New conversation").click()
    await expect(log(page)).to_contain_text(GREETING["en"])
    await expect(log(page)).not_to_contain_text(ANSWER)
    asked = [(b["sender"], b["message"]) for b in gateway.fake_rasa.received]
    assert (old_sender, "/forget_me") in asked and (old_sender, "/affirm") in asked
    assert gateway.fake_rasa.received[-1]["sender"] != old_sender  # the new conversation is another


async def test_new_conversation_says_plainly_when_the_old_one_could_not_be_deleted(browser, gateway):
    page = await open_demo(browser, gateway, "/?lang=de")
    await open_panel(page, "Chat öffnen")
    await expect(log(page)).to_contain_text(GREETING["de"])
    gateway.fake_rasa.down = True
    await page.get_by_role("button", name="Neues Gespräch").click()
    await expect(log(page)).to_contain_text("nach 30 Tagen ohne Aktivität automatisch gelöscht")
    gateway.fake_rasa.down = False


async def test_narrow_viewport_panel_fills_the_screen(browser, gateway):
    page = await open_demo(
        browser, gateway, viewport={"width": 375, "height": 720}, is_mobile=True, has_touch=True
    )
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    box = await page.get_by_role("dialog").bounding_box()
    assert box is not None and box["width"] >= 370 and box["height"] >= 700
    send = await page.get_by_role("button", name="Send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 375
    await page.screenshot(path="/tmp/widget-narrow.png")


async def test_demo_page_shows_the_snippet_and_desktop_screenshot(browser, gateway):
    page = await open_demo(browser, gateway, viewport={"width": 1280, "height": 800})
    snippet = (
        f'<script src="{str(gateway.make_url("")).rstrip("/")}/widget.js" data-site="demo" async></script>'
    )
    await expect(page.get_by_text(snippet, exact=True)).to_be_visible()
    await expect(page.get_by_role("button", name="Copy the snippet")).to_be_visible()
    await open_panel(page)
    await ask(page, "What about publicity and marketing?")
    await expect(log(page)).to_contain_text(ANSWER)
    await page.screenshot(path="/tmp/widget-desktop.png")
    assert re.search(r"data-site=\"demo\"", await page.content())


async def test_a_configured_site_on_another_origin_chats_and_reloads_history(
    browser, aiohttp_server, make_settings
):
    museum, where = await customer_site(aiohttp_server, "museum")
    origin = str(museum.make_url("")).rstrip("/")
    gateway = await start_gateway(aiohttp_server, make_settings, WIDGET_SITES=f"museum={origin}")
    where["gateway"] = str(gateway.make_url("")).rstrip("/")
    page = await open_demo(browser, museum)
    await open_panel(page)
    await expect(log(page)).to_contain_text(GREETING["en"])
    await ask(page, "Publicity abroad?")
    await expect(log(page)).to_contain_text(ANSWER)
    await page.reload()
    await open_panel(page)
    await expect(log(page)).to_contain_text("Publicity abroad?")  # history read cross-origin (CORS + bearer)


async def test_a_page_on_an_unlisted_origin_is_refused(browser, aiohttp_server, make_settings):
    stranger, where = await customer_site(aiohttp_server, "demo")
    gateway = await start_gateway(aiohttp_server, make_settings)
    where["gateway"] = str(gateway.make_url("")).rstrip("/")
    page = await open_demo(browser, stranger)
    await open_panel(page)
    await expect(log(page)).to_contain_text("Cannot reach the advisor")
    assert gateway.fake_rasa.received == []
