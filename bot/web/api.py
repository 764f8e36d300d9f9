"""The public chat API (/api/v1): sessions, chat turns relayed to Rasa, history, OpenAPI document."""

from __future__ import annotations

import logging
import re
import sqlite3
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot import keys, start_codes
from bot.analytics import HOUSEKEEPING
from bot.i18n import normalize_language
from bot.keys import LIMITS, SENDER_KEY, STORE, VALIDATORS, WEB_OPENAPI, WEB_SETTINGS
from bot.rasa_client import BotMessage, RasaBusy, RasaUnavailable
from bot.web.guards import ApiError, check_site_origin, read_json, set_language, visitor_key
from bot.web.retention import delete_with_retries
from bot.web.schemas import SESSION_ID, first_error, offending_field
from bot.web.senders import sender_id
from bot.web.store import Session, StoredMessage

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


async def validated(request: web.Request, schema: str) -> dict[str, Any]:
    """The JSON body checked against its schema; the 400 names the first offending field."""
    body = await read_json(request)
    error = first_error(request.app[VALIDATORS][schema], body)
    if error is not None:
        raise ApiError(400, "bad_field", field=offending_field(error))
    for field in ("text", "payload"):
        if isinstance(body.get(field), str) and not writable_text(body[field]):
            raise ApiError(400, "bad_field", field=field)
    return body


# Valid JSON can still carry text no store can encode (a lone surrogate "\ud800"), a NUL, other
# control characters, or bidi overrides that make a message display as something else.
_UNWRITABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def writable_text(text: str) -> bool:
    """True if the text can be stored and shown as the visitor typed it."""
    return not _UNWRITABLE.search(text)


async def known_session(request: web.Request, session_id: str) -> Session:
    session = await request.app[STORE].get_session(session_id)
    if session is None:
        raise ApiError(404, "session")
    set_language(request, session.language)
    check_site_origin(request, session.site)
    return session


@routes.post("/session")
async def create_session(request: web.Request) -> web.Response:
    """Issues a random session id for one visitor of one site."""
    body = await validated(request, "session")
    check_site_origin(request, body["site"])
    await request.app[LIMITS].enforce("rate_new_session", visitor_key(request))
    language = normalize_language(body.get("language"))
    session = await request.app[STORE].create_session(body["site"], language)
    return web.json_response(
        {"session_id": session.id, "site": session.site, "language": language}, status=201
    )


def _message_for_rasa(body: dict[str, Any]) -> tuple[str, str | None, str]:
    """(message, language, language_source) for one chat request."""
    language = normalize_language(body.get("language"))
    source = body.get("language_source", "channel")
    if "start" in body:
        action = start_codes.resolve(body["start"])
        if action.language:
            return action.message, action.language, "explicit"
        return action.message, language, source
    return body.get("text", "").strip() or body["payload"], language, source


def _safe_image(url: str | None) -> str | None:
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def _visible(reply: list[BotMessage]) -> list[dict[str, Any]]:
    """Bot messages the visitor sees: custom-only messages (language markers) are hidden."""
    shown = [m for m in reply if m.text or m.buttons or _safe_image(m.image)]
    return [
        {
            "text": m.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons],
            "image": _safe_image(m.image),
        }
        for m in shown
    ]


def _custom(reply: list[BotMessage], key: str) -> Any:
    return next((m.custom[key] for m in reversed(reply) if m.custom and key in m.custom), None)


async def _user_line(request: web.Request, session: Session, body: dict[str, Any]) -> StoredMessage | None:
    """What the visitor's turn looks like in history: their text, or the title of the button they chose."""
    if "text" in body:
        return StoredMessage("user", body["text"].strip())
    if "payload" not in body:
        return None
    for message in reversed(await request.app[STORE].history(session.id, 20)):
        for button in message.buttons:
            if button.get("payload") == body["payload"]:
                return StoredMessage("user", button.get("title"))
    return None


@routes.post("/chat")
async def chat(request: web.Request) -> web.Response:
    """One turn: relay to Rasa, store both sides, return what the visitor should see."""
    body = await validated(request, "chat")
    session = await known_session(request, body["session_id"])
    set_language(request, body.get("language"))  # this turn's language beats the stored one
    await request.app[LIMITS].enforce("rate_session", session.id)
    message, language, source = _message_for_rasa(body)
    set_language(request, language)
    metadata = {"channel": "web", "language": language, "language_source": source}
    reply = await _ask_rasa(request, session, message, metadata)
    reply_language = normalize_language(_custom(reply, "language")) or language or session.language or "en"
    set_language(request, reply_language)  # a failure from here on is told in the reply's language
    visible = _visible(reply)
    forgotten = bool(_custom(reply, "forgotten"))
    if forgotten:
        await _forget_history(request, session)
    else:
        await _keep_turn(request, session, body, visible, reply_language)
    return web.json_response({"messages": visible, "language": reply_language, "forgotten": forgotten})


async def _ask_rasa(
    request: web.Request, session: Session, message: str, metadata: dict[str, Any] | None = None
) -> list[BotMessage]:
    """One turn as the conversation's HMAC sender id (never the session id itself, a credential)."""
    sender = sender_id(request.app[SENDER_KEY], session.id)
    try:
        return await request.config_dict[keys.RASA].send(sender, message, metadata)
    except RasaBusy as busy:
        seconds = busy.retry_after
        raise ApiError(503, "busy", headers={"Retry-After": str(seconds)}, seconds=seconds) from None
    except RasaUnavailable:
        raise ApiError(503, "rasa") from None


async def _forget_history(request: web.Request, session: Session, delete_session: bool = False) -> None:
    """Deletes this conversation's stored history (or the whole session) and its unanswered-question
    texts in the staff analytics (keyed by the same HMAC sender id Rasa saw), each retried; if one still
    fails, the visitor hears that it failed, never that it is done."""
    store, analytics = request.app[STORE], request.config_dict[keys.ANALYTICS]
    delete = store.delete_session if delete_session else store.forget
    sender = sender_id(request.app[SENDER_KEY], session.id)
    try:
        await delete_with_retries(lambda: analytics.forget(sender))
        await delete_with_retries(lambda: delete(session.id))
    except Exception:
        log.exception("web chat: could not delete a conversation the visitor asked to delete")
        raise ApiError(500, "forget_failed", days=request.app[WEB_SETTINGS].retention_days) from None


async def _keep_turn(
    request: web.Request, session: Session, body: dict[str, Any], visible: list[dict[str, Any]], language: str
) -> None:
    """Stores both sides of an answered turn. Rasa has answered already: a failed write costs the
    history a turn, but an error here would make the widget send the turn again, so it is logged only."""
    store = request.app[STORE]
    try:
        user = await _user_line(request, session, body)
        bots = [StoredMessage("bot", m["text"], m["buttons"]) for m in visible if m["text"] or m["buttons"]]
        await store.append(session.id, ([user] if user else []) + bots)
        await store.remember_language(session.id, language)
    except sqlite3.Error:
        log.exception("web chat: an answered turn could not be stored in the history")


_SESSION_TOKEN = re.compile(SESSION_ID["pattern"])


def _bearer(request: web.Request) -> str:
    """The session id from `Authorization: Bearer …`; anything not shaped like one (including bytes
    that are not UTF-8) is a 401, never a lookup."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not _SESSION_TOKEN.fullmatch(token.strip()):
        raise ApiError(401, "session")
    return token.strip()


@routes.get("/history")
async def history(request: web.Request) -> web.Response:
    """The caller's own conversation; the session id in the Authorization header is the credential."""
    session = await known_session(request, _bearer(request))
    limit = request.app[WEB_SETTINGS].history_limit
    messages = await request.app[STORE].history(session.id, limit)
    return web.json_response({"language": session.language, "messages": [m.as_json() for m in messages]})


# The contract's confirmed "forget me" (docs/CONTRACTS.md): leave any form (inside one, "/affirm"
# could be taken as a form's answer), then Rasa asks and the visitor says yes.
FORGET_TURNS = ("/stop", "/forget_me", "/affirm")


@routes.delete("/session")
async def delete_session(request: web.Request) -> web.Response:
    """The widget's "new conversation": the old one is deleted in Rasa (its tracker and leads, by the
    confirmed forget-me turns) and here (session and history). 503 when Rasa cannot confirm it."""
    session = await known_session(request, _bearer(request))
    reply: list[BotMessage] = []
    try:
        for turn in FORGET_TURNS:
            metadata = {"channel": "web", "language": session.language, HOUSEKEEPING: True}  # not counted
            reply = await _ask_rasa(request, session, turn, metadata)
    except ApiError:  # Rasa unavailable: nothing was deleted, and the visitor is told so
        reply = []
    if not _custom(reply, "forgotten"):
        log.warning("web chat: Rasa did not confirm deleting a conversation")
        raise ApiError(503, "forget_failed", days=request.app[WEB_SETTINGS].retention_days)
    await _forget_history(request, session, delete_session=True)
    return web.json_response({"deleted": True})


@routes.get("/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(request.app[WEB_OPENAPI])
