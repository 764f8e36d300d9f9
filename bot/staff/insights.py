"""Unanswered questions and usage: pages and JSON API over the per-turn analytics (bot/analytics.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot import keys
from bot.analytics import UNANSWERED, group_unanswered
from bot.keys import ACCOUNTS, LANG, USER
from bot.staff import charts, csv_export
from bot.staff.guards import StaffError, t
from bot.staff.labels import section_title
from bot.staff.pages import language_name
from bot.staff.render import flash, render
from bot.staff.topics import topic_label

routes = web.RouteTableDef()
api_routes = web.RouteTableDef()
PERIODS = (7, 30)
QUESTION_FIELDS = ("id", "at", "channel", "language", "outcome", "topic", "text", "reviewed")


def period(request: web.Request) -> int:
    raw = request.query.get("days", "7")
    if not raw.isdigit() or int(raw) not in PERIODS:
        raise StaffError(400, "bad_filter", field=t(request, "field_days"))
    return int(raw)


async def questions(request: web.Request) -> list[dict[str, Any]]:
    include = request.query.get("reviewed") == "1"
    return await request.config_dict[keys.ANALYTICS].unanswered(period(request), include_reviewed=include)


@routes.get("/unanswered")
async def unanswered_page(request: web.Request) -> web.Response:
    found = await questions(request)
    lang = request[LANG]
    groups = group_unanswered(found)
    for group in groups:
        group["topic_label"] = topic_label(group["topic"], lang) or t(request, "topic_none")
    context = {
        "groups": groups,
        "questions": found,
        "days": period(request),
        "periods": PERIODS,
        "kinds": UNANSWERED,
        "include_reviewed": request.query.get("reviewed") == "1",
    }
    return await render(request, "unanswered.html", context)


async def review_ids(request: web.Request) -> list[int]:
    form = await request.post()
    raw = form.getall("id", [])
    if not all(str(value).isdigit() for value in raw):
        raise StaffError(400, "bad_field", field="id")
    return [int(str(value)) for value in raw]


@routes.post("/unanswered/review")
async def review(request: web.Request) -> web.Response:
    """Marks questions as read; viewers may do it too (it deletes and sends nothing)."""
    ids = await review_ids(request)
    count = await request.config_dict[keys.ANALYTICS].mark_reviewed(ids)
    user = request[USER]
    assert user is not None
    await request.app[ACCOUNTS].audit(user.name, "review_unanswered", count=count)
    await flash(request, "flash_reviewed", count=count)
    raise web.HTTPSeeOther(f"/staff/unanswered?days={request.query.get('days', '7')}")


def questions_csv(found: list[dict[str, Any]]) -> web.Response:
    return csv_export.csv_response(
        "unanswered.csv", QUESTION_FIELDS, ([q[f] for f in QUESTION_FIELDS] for q in found)
    )


@routes.get("/unanswered.csv")
async def unanswered_csv(request: web.Request) -> web.Response:
    return questions_csv(await questions(request))


def usage_charts(request: web.Request, usage: dict[str, Any]) -> list[charts.Chart]:
    days = usage["days"]
    by_language = [
        (language_name(code), [d["by_language"].get(code, 0) for d in days]) for code in usage["by_language"]
    ]
    return [
        charts.bar_chart(
            t(request, "usage_conversations"), [(d["day"][5:], d["conversations"]) for d in days]
        ),
        charts.bar_chart(t(request, "usage_messages"), [(d["day"][5:], d["messages"]) for d in days]),
        charts.stacked_chart(t(request, "usage_per_language"), [d["day"][5:] for d in days], by_language),
    ]


@routes.get("/usage")
async def usage_page(request: web.Request) -> web.Response:
    days = period(request)
    usage = await request.config_dict[keys.ANALYTICS].usage(days)
    channels = sorted(usage["by_channel"])
    context = {
        "usage": usage,
        "charts": usage_charts(request, usage),
        "channels": channels,
        "language_names": {code: language_name(code) for code in usage["by_language"]},
        "section_titles": {
            s["section"]: section_title(s["section"], request[LANG]) for s in usage["top_sections"]
        },
        "days": days,
        "periods": PERIODS,
    }
    return await render(request, "usage.html", context)


@api_routes.get("/unanswered")
async def unanswered_api(request: web.Request) -> web.Response:
    found = await questions(request)
    return web.json_response({"days": period(request), "groups": group_unanswered(found), "questions": found})


@api_routes.get("/unanswered.csv")
async def unanswered_csv_api(request: web.Request) -> web.Response:
    return questions_csv(await questions(request))


@api_routes.post("/unanswered/review")
async def review_api(request: web.Request) -> web.Response:
    from bot.staff.api import json_body

    ids = (await json_body(request)).get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise StaffError(400, "bad_field", field="ids")
    return web.json_response({"reviewed": await request.config_dict[keys.ANALYTICS].mark_reviewed(ids)})


@api_routes.get("/usage")
async def usage_api(request: web.Request) -> web.Response:
    return web.json_response(await request.config_dict[keys.ANALYTICS].usage(period(request)))
