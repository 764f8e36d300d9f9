"""Outreach in the console: compose (a tab per language, English required), live preview and
inline checks against Telegram's limits, send to me first (per language), send now or at a time,
cancel, progress and subscriber counts; JSON API for the same. Admins only to send or cancel.

The page works without script (the panels then show one under another and Preview posts the form);
static/compose.js turns them into WAI-ARIA tabs and asks POST broadcasts/preview for the preview
and the checks while the admin types, so the page and the API share one check (compose.review) and
one set of localized messages. The broadcast itself is delivered by the Telegram side
(bot/telegram/outreach); without a bot token these pages say that Telegram is not configured.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from markupsafe import Markup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import keys
from bot.i18n import LANGUAGES
from bot.keys import ACCOUNTS, LANG
from bot.staff.guards import StaffError, require_admin, t
from bot.staff.pages import language_name
from bot.staff.render import flash, render
from bot.telegram import i18n as telegram_i18n
from bot.telegram.outreach.compose import MAX_LENGTH, ComposeError, Draft, Review, check, review
from bot.telegram.outreach.delivery import markup
from bot.telegram.outreach.runtime import Outreach
from bot.telegram.outreach.store import TOPICS, Broadcast

routes = web.RouteTableDef()
api_routes = web.RouteTableDef()
STATES = ("scheduled", "sending", "done", "cancelled")
CANCELLABLE = ("scheduled", "sending")


def outreach(request: web.Request) -> Outreach:
    found = request.config_dict.get(keys.OUTREACH)
    if found is None:
        raise StaffError(503, "telegram_off")
    return found


def compose_error(request: web.Request, error: ComposeError) -> StaffError:
    language = language_name(error.language)
    return StaffError(400, f"compose_{error.code}", field=error.field, language=language, **error.params)


def error_message(request: web.Request, error: ComposeError | StaffError) -> str:
    staff = compose_error(request, error) if isinstance(error, ComposeError) else error
    return t(request, f"error_{staff.code}", **staff.params)


def field_of(error: ComposeError) -> str:
    """Where the form shows it: `text_de` beside the German text, else the field's own name."""
    return f"text_{error.language}" if error.field == "texts" and error.language else error.field


def draft_from(request: web.Request, body: dict[str, Any]) -> Draft:
    try:
        return check(body)
    except ComposeError as error:
        raise compose_error(request, error) from None


def panels(request: web.Request, body: dict[str, Any], checked: Review) -> dict[str, dict[str, Any]]:
    """Per language what its tab shows: the message as Telegram will show it (rebuilt from the
    parse, so safe to put in the page), its length against the limit, its error, the buttons under
    it, and what subscribers of a language without a text get. The page and the API share it."""
    errors = {
        e.language: error_message(request, e) for e in checked.errors if e.field == "texts" and e.language
    }
    start_ok = bool(body.get("start")) and not any(e.field == "start" for e in checked.errors)
    english = checked.texts.get("en")
    fallback = bool(body.get("fallback_to_en"))
    shown: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        text = checked.texts.get(lang)
        source = text or (english if fallback and lang != "en" and lang not in errors else None)
        if text:
            state, note = "ok", None
        elif lang in errors:
            state, note = "error", None
        elif source:
            state, note = "fallback", t(request, "outreach_gets_english")
        else:
            state, note = "empty", None if lang == "en" else t(request, "outreach_gets_nothing")
        buttons = [telegram_i18n.t("outreach_open", lang)] if start_ok else []
        buttons.append(telegram_i18n.t("outreach_stop", lang))
        length = text.length if text else 0
        shown[lang] = {
            "state": state,
            "html": source.html if source else "",
            "length": length,
            "count": t(request, "outreach_count", length=length, limit=MAX_LENGTH),
            "error": errors.get(lang),
            "note": note,
            "buttons": buttons if source else [],
        }
    return shown


def errors_by_field(request: web.Request, checked: Review) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in checked.errors:
        found.setdefault(field_of(error), error_message(request, error))
    return found


async def send_to_me(request: web.Request, draft: Draft, language: str | None) -> str:
    """ "Send to me first": what subscribers of `language` will get (their text, or English when
    the sender allows it; the buttons in their language) to the staff member's own chat. Without
    a language, the staff member's console language, else English. Returns the language sent."""
    user = require_admin(request)
    if user.telegram_chat_id is None:
        raise StaffError(400, "no_own_chat", user=user.name)
    if language is None:
        language = request[LANG] if request[LANG] in draft.texts else "en"
    elif language not in LANGUAGES:
        raise StaffError(400, "compose_bad_field", field="language")
    box = outreach(request)
    sample = Broadcast(0, draft.texts, draft.fallback_to_en, draft.topics, draft.start, 0, "test")
    text = sample.text_for(language)
    if text is None:
        raise StaffError(400, "compose_nothing_for", language=language_name(language))
    try:
        await box.bot.send_message(
            user.telegram_chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(sample, language, box.username),
        )
    except TelegramError as exc:
        raise StaffError(502, "telegram_refused", reason=str(exc)) from None
    await request.app[ACCOUNTS].audit(
        user.name, "test_broadcast", language=language, chat=user.telegram_chat_id
    )
    return language


async def queue(request: web.Request, draft: Draft) -> int:
    user = require_admin(request)
    broadcast = await outreach(request).queue(
        user.name, draft.texts, draft.fallback_to_en, draft.topics, draft.start, draft.send_at
    )
    await request.app[ACCOUNTS].audit(
        user.name,
        "broadcast",
        id=broadcast,
        languages=sorted(draft.texts),
        topics=list(draft.topics),
        start=draft.start,
        send_at=draft.send_at,
    )
    return broadcast


async def cancel(request: web.Request) -> dict[str, Any]:
    """Cancels the broadcast named in the URL (admins): 404 if there is none, 409 once it is done."""
    user = require_admin(request)
    broadcast_id = int(request.match_info["id"])
    box = outreach(request)
    before = await box.cancel(broadcast_id)
    if before is None:
        raise StaffError(404, "no_such_broadcast", id=broadcast_id)
    if before not in CANCELLABLE:
        state = t(request, f"state_{before}") if before in STATES else before
        raise StaffError(409, "not_cancellable", id=broadcast_id, state=state)
    await request.app[ACCOUNTS].audit(user.name, "cancel_broadcast", id=broadcast_id, was=before)
    progress = await box.store.progress(broadcast_id)
    assert progress is not None
    return progress


# --- pages ------------------------------------------------------------------------------------
def form_body(form: Any) -> dict[str, Any]:
    """The compose form as the API's JSON body (send_at from a UTC datetime-local field)."""
    body: dict[str, Any] = {
        "texts": {lang: str(form.get(f"text_{lang}", "")) for lang in LANGUAGES},
        "fallback_to_en": form.get("fallback_to_en") == "1",
        "topics": [str(v) for v in form.getall("topics", [])],
        "start": str(form.get("start", "")).strip() or None,
    }
    when = str(form.get("send_at", "")).strip()
    if when:
        try:
            body["send_at"] = datetime.fromisoformat(when).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            body["send_at"] = when  # review() names the field
    return body


def utc(at: float | None) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M") if at else ""


def blank_panel(request: web.Request) -> dict[str, Any]:
    """A tab of a fresh form: nothing to show and nothing to complain about yet."""
    count = t(request, "outreach_count", length=0, limit=MAX_LENGTH)
    return {
        "state": "empty",
        "html": "",
        "length": 0,
        "count": count,
        "error": None,
        "note": None,
        "buttons": [],
    }


def anchor(field: str) -> str:
    """The id of the control an error is about, for the links of the error summary."""
    if field.startswith("text_"):
        return "text-" + field[len("text_") :]
    return {"texts": "text-en", "start": "start-code", "send_at": "send-at", "topics": "topics"}.get(
        field, ""
    )


async def compose_page(
    request: web.Request,
    form: dict[str, Any],
    checked: Review | None = None,
    problem: str | None = None,
    tab: str = "en",
    status: int = 200,
) -> web.Response:
    box = request.config_dict.get(keys.OUTREACH)
    if checked is None:
        errors: dict[str, str] = {}
        shown = {lang: blank_panel(request) for lang in LANGUAGES}
    else:
        errors = errors_by_field(request, checked)
        shown = panels(request, form, checked)
    for panel in shown.values():
        panel["html"] = Markup(panel["html"])  # noqa: S704 (rebuilt and escaped by compose.check_text)
    summary = [(anchor(field), message) for field, message in errors.items()]
    if problem:
        summary.append(("", problem))
    recent = await box.store.recent() if box else []
    for row in recent:
        row["send_at_text"] = utc(row.get("send_at"))
    context = {
        "enabled": box is not None,
        "counts": await box.store.subscriber_counts() if box else None,
        "broadcasts": recent,
        "cancellable": CANCELLABLE,
        "form": form,
        "errors": errors,
        "summary": summary,
        "panels": shown,
        "tab": tab if tab in LANGUAGES else "en",
        "language_names": {lang: language_name(lang) for lang in LANGUAGES},
        "topics": TOPICS,
        "limit": MAX_LENGTH,
    }
    return await render(request, "outreach.html", context, status=status)


@routes.get("/outreach")
async def outreach_page(request: web.Request) -> web.Response:
    require_admin(request)
    return await compose_page(request, {"texts": {}, "topics": list(TOPICS)})


def first_error_tab(checked: Review, fallback: str) -> str:
    for error in checked.errors:
        if error.field == "texts" and error.language:
            return error.language
    return fallback


@routes.post("/outreach")
async def outreach_post(request: web.Request) -> web.Response:
    require_admin(request)
    form = await request.post()
    body = form_body(form)
    action = str(form.get("action", "send"))
    tab = str(form.get("tab", "en"))
    checked = review(body)
    if checked.errors:
        return await compose_page(request, body, checked, tab=first_error_tab(checked, tab), status=400)
    assert checked.draft is not None
    try:
        if action == "preview":
            return await compose_page(request, body, checked, tab=tab)
        if action == "test" or action.startswith("test:"):
            language = action.partition(":")[2] or None
            sent = await send_to_me(request, checked.draft, language)
            await flash(request, "flash_test_sent", language=language_name(sent))
            return await compose_page(request, body, checked, tab=language or tab)
        await queue(request, checked.draft)
    except StaffError as error:
        message = t(request, f"error_{error.code}", **error.params)
        return await compose_page(request, body, checked, problem=message, tab=tab, status=error.status)
    await flash(request, "flash_broadcast_queued")
    raise web.HTTPSeeOther("/staff/outreach")


@routes.post("/outreach/{id:\\d+}/cancel")
async def cancel_page(request: web.Request) -> web.Response:
    progress = await cancel(request)
    await flash(request, "flash_broadcast_cancelled", id=progress["id"])
    raise web.HTTPSeeOther("/staff/outreach")


# --- API --------------------------------------------------------------------------------------
@api_routes.get("/subscribers")
async def subscribers(request: web.Request) -> web.Response:
    return web.json_response(await outreach(request).store.subscriber_counts())


@api_routes.post("/broadcasts")
async def create_broadcast(request: web.Request) -> web.Response:
    from bot.staff.api import json_body

    require_admin(request)
    draft = draft_from(request, await json_body(request))
    return web.json_response({"id": await queue(request, draft)}, status=201)


@api_routes.post("/broadcasts/preview")
async def preview_broadcast(request: web.Request) -> web.Response:
    """Every problem of a draft at once, and per language the message as Telegram will show it;
    sends and stores nothing (the compose page calls it as the admin types)."""
    from bot.staff.api import json_body

    require_admin(request)
    outreach(request)
    body = await json_body(request)
    checked = review(body)
    problems = [
        {
            "field": e.field,
            "language": e.language,
            "code": f"compose_{e.code}",
            "message": error_message(request, e),
        }
        for e in checked.errors
    ]
    return web.json_response(
        {
            "ok": not problems,
            "limit": MAX_LENGTH,
            "errors": problems,
            "languages": panels(request, body, checked),
        }
    )


@api_routes.post("/broadcasts/test")
async def test_broadcast(request: web.Request) -> web.Response:
    from bot.staff.api import json_body

    body = await json_body(request)
    language = body.get("language")
    if language is not None and not isinstance(language, str):
        raise StaffError(400, "compose_bad_field", field="language")
    sent = await send_to_me(request, draft_from(request, body), language)
    user = require_admin(request)
    return web.json_response({"sent_to": user.telegram_chat_id, "language": sent})


@api_routes.get("/broadcasts")
async def broadcasts(request: web.Request) -> web.Response:
    return web.json_response({"broadcasts": await outreach(request).store.recent()})


@api_routes.get("/broadcasts/{id:\\d+}")
async def broadcast(request: web.Request) -> web.Response:
    progress = await outreach(request).store.progress(int(request.match_info["id"]))
    if progress is None:
        raise StaffError(404, "not_found")
    return web.json_response(progress)


@api_routes.post("/broadcasts/{id:\\d+}/cancel")
async def cancel_api(request: web.Request) -> web.Response:
    return web.json_response(await cancel(request))
