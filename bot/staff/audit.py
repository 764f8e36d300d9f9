"""The audit log for admins: who logged in, deleted a lead, reviewed questions, queued, tested or
cancelled a broadcast, and when — a page (/staff/audit) and GET /staff/api/v1/audit.

The log itself is written where each action happens (accounts.Accounts.audit); here it is only read,
newest first, and each entry is said as a sentence in the staff's language instead of raw JSON.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from bot.i18n import NATIVE_NAMES
from bot.keys import ACCOUNTS
from bot.staff.guards import StaffError, require_admin, t
from bot.staff.render import render

routes = web.RouteTableDef()
api_routes = web.RouteTableDef()
DEFAULT_LIMIT, MAX_LIMIT = 200, 1000
ACTIONS = ("login", "delete_lead", "review_unanswered", "broadcast", "test_broadcast", "cancel_broadcast")


def limit(request: web.Request) -> int:
    raw = request.query.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise StaffError(400, "bad_filter", field=t(request, "field_limit"))
    return int(raw)


def utc(at: float, seconds: bool = True) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime(
        "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    )


def describe(request: web.Request, action: str, detail: dict[str, Any]) -> str:
    """One entry's details as a sentence in the staff's language (unknown actions: as stored)."""
    if action == "login":
        return ""
    if action == "delete_lead":
        return t(request, "audit_lead", id=detail.get("lead"))
    if action == "review_unanswered":
        return t(request, "audit_reviewed", count=detail.get("count"))
    if action == "broadcast":
        languages = ", ".join(NATIVE_NAMES.get(code, code) for code in detail.get("languages") or [])
        parts = [t(request, "audit_broadcast", id=detail.get("id"), languages=languages)]
        if detail.get("topics"):
            topics = ", ".join(t(request, f"topic_{topic}") for topic in detail["topics"])
            parts.append(t(request, "audit_topics", topics=topics))
        if detail.get("start"):
            parts.append(t(request, "audit_start", start=detail["start"]))
        if detail.get("send_at"):
            parts.append(t(request, "audit_send_at", time=utc(float(detail["send_at"]), seconds=False)))
        return " · ".join(parts)
    if action == "test_broadcast":
        language = NATIVE_NAMES.get(detail.get("language") or "", detail.get("language") or "")
        return t(request, "audit_test", language=language, chat=detail.get("chat"))
    if action == "cancel_broadcast":
        was = detail.get("was")
        state = t(request, f"state_{was}") if was in ("scheduled", "sending") else str(was)
        return t(request, "audit_cancel", id=detail.get("id"), state=state)
    return ", ".join(f"{key}: {value}" for key, value in detail.items())


@routes.get("/audit")
async def audit_page(request: web.Request) -> web.Response:
    require_admin(request)
    entries = await request.app[ACCOUNTS].audit_log(limit(request))
    for entry in entries:
        entry["time"] = utc(entry["at"])
        entry["iso"] = datetime.fromtimestamp(entry["at"], timezone.utc).isoformat()
        known = entry["action"] in ACTIONS
        entry["action_text"] = t(request, f"action_{entry['action']}") if known else entry["action"]
        entry["text"] = describe(request, entry["action"], entry["detail"])
    return await render(request, "audit.html", {"entries": entries})


@api_routes.get("/audit")
async def audit_api(request: web.Request) -> web.Response:
    """The raw entries (Unix time, user, action, detail object), newest first."""
    require_admin(request)
    return web.json_response({"entries": await request.app[ACCOUNTS].audit_log(limit(request))})
