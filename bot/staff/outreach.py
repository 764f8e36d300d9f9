"""Outreach in the console: compose (per language, English required), preview, send to me first,
send now or at a time, progress and subscriber counts; JSON API for the same. Admins only to send.

The broadcast itself is delivered by the Telegram side (bot/telegram/outreach); without a bot token
these pages say that Telegram is not configured.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web
from markupsafe import Markup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import keys
from bot.i18n import LANGUAGES, NATIVE_NAMES
from bot.staff.guards import StaffError, require_admin, t
from bot.staff.keys import ACCOUNTS, USER
from bot.staff.render import flash, render
from bot.telegram.outreach.compose import ComposeError, Draft, check
from bot.telegram.outreach.delivery import markup
from bot.telegram.outreach.runtime import Outreach
from bot.telegram.outreach.store import TOPICS, Broadcast

routes = web.RouteTableDef()
api_routes = web.RouteTableDef()


def outreach(request: web.Request) -> Outreach:
    found = request.config_dict.get(keys.OUTREACH)
    if found is None:
        raise StaffError(503, "telegram_off")
    return found


def compose_error(request: web.Request, error: ComposeError) -> StaffError:
    language = NATIVE_NAMES[error.language] if error.language else ""
    return StaffError(400, f"compose_{error.code}", field=error.field, language=language, **error.params)


def draft_from(request: web.Request, body: dict[str, Any]) -> Draft:
    try:
        return check(body)
    except ComposeError as error:
        raise compose_error(request, error) from None


async def send_to_me(request: web.Request, draft: Draft) -> None:
    """ "Send to me first": the English text (or the staff language's) to the staff member's own chat."""
    user = require_admin(request)
    if user.telegram_chat_id is None:
        raise StaffError(400, "no_own_chat", user=user.name)
    box = outreach(request)
    preview = Broadcast(0, draft.texts, True, draft.topics, draft.start, 0, "test")
    try:
        await box.bot.send_message(
            user.telegram_chat_id,
            preview.text_for("en") or "",
            parse_mode=ParseMode.HTML,
            reply_markup=markup(preview, "en", box.username),
        )
    except TelegramError as exc:
        raise StaffError(502, "telegram_refused", reason=str(exc)) from None


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
            body["send_at"] = when  # check() names the field
    return body


async def compose_page(
    request: web.Request,
    form: dict[str, Any],
    error: str | None = None,
    preview: dict[str, Markup] | None = None,
    status: int = 200,
) -> web.Response:
    box = request.config_dict.get(keys.OUTREACH)
    context = {
        "enabled": box is not None,
        "counts": await box.store.subscriber_counts() if box else None,
        "broadcasts": await box.store.recent() if box else [],
        "form": form,
        "error": error,
        "preview": preview or {},
        "language_names": NATIVE_NAMES,
        "topics": TOPICS,
    }
    return await render(request, "outreach.html", context, status=status)


@routes.get("/outreach")
async def outreach_page(request: web.Request) -> web.Response:
    require_admin(request)
    return await compose_page(request, {"texts": {}, "topics": list(TOPICS)})


@routes.post("/outreach")
async def outreach_post(request: web.Request) -> web.Response:
    require_admin(request)
    form = await request.post()
    body = form_body(form)
    action = form.get("action")
    try:
        draft = draft_from(request, body)
        if action == "preview":
            shown = {lang: Markup(text) for lang, text in draft.texts.items()}  # noqa: S704 (checked subset)
            return await compose_page(request, body, preview=shown)
        if action == "test":
            await send_to_me(request, draft)
            await flash(request, "flash_test_sent")
            return await compose_page(request, body)
        await queue(request, draft)
    except StaffError as error:
        message = t(request, f"error_{error.code}", **error.params)
        return await compose_page(request, body, error=message, status=error.status)
    await flash(request, "flash_broadcast_queued")
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


@api_routes.post("/broadcasts/test")
async def test_broadcast(request: web.Request) -> web.Response:
    from bot.staff.api import json_body

    await send_to_me(request, draft_from(request, await json_body(request)))
    user = request[USER]
    assert user is not None
    return web.json_response({"sent_to": user.telegram_chat_id})


@api_routes.get("/broadcasts")
async def broadcasts(request: web.Request) -> web.Response:
    return web.json_response({"broadcasts": await outreach(request).store.recent()})


@api_routes.get("/broadcasts/{id:\\d+}")
async def broadcast(request: web.Request) -> web.Response:
    progress = await outreach(request).store.progress(int(request.match_info["id"]))
    if progress is None:
        raise StaffError(404, "not_found")
    return web.json_response(progress)
