"""The OpenAPI 3.1 description of the staff API (/staff/api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}
CSRF = [
    {
        "name": "X-CSRF-Token",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
        "description": "the csrf_token from the login answer",
    }
]
LEAD_FILTERS = [
    {"name": name, "in": "query", "required": False, "schema": {"type": "string", **extra}}
    for name, extra in (
        ("language", {}),
        ("channel", {}),
        ("sector", {}),
        ("since", {"format": "date"}),
        ("until", {"format": "date"}),
    )
]
BROADCAST: dict[str, Any] = {
    "type": "object",
    "required": ["texts"],
    "properties": {
        "texts": {
            "type": "object",
            "description": "language code -> Telegram HTML text; en required",
            "additionalProperties": {"type": "string", "maxLength": 4096},
        },
        "fallback_to_en": {"type": "boolean", "default": False},
        "topics": {"type": "array", "items": {"enum": ["investment", "routes", "measures"]}},
        "start": {"type": "string", "description": "a start code: measure_9, route_red_tourism, invest…"},
        "send_at": {"type": "number", "description": "Unix time; omitted = now"},
    },
}
TEST = {
    **BROADCAST,
    "properties": {
        **BROADCAST["properties"],
        "language": {
            "type": "string",
            "description": "send what subscribers in this language get (their text, else English if"
            " fallback_to_en; the buttons in their language); omitted = the console's language if it"
            " has a text, else English",
        },
    },
}
BROADCAST_ID = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
PROGRESS = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "state": {"enum": ["scheduled", "sending", "done", "cancelled"]},
        "created_by": {"type": "string"},
        "send_at": {"type": "number"},
        **{
            name: {"type": "integer"}
            for name in ("sent", "failed", "blocked", "skipped", "cancelled", "left")
        },
    },
}
DAYS = [{"name": "days", "in": "query", "required": False, "schema": {"enum": [7, 30], "default": 7}}]


def _op(summary: str, ok: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": ok or {}}}}
    }
    for status, meaning in (("400", "invalid input"), ("401", "no session"), ("403", "CSRF token or role")):
        responses[status] = {"description": meaning, "content": {"application/json": {"schema": ERROR}}}
    return {"summary": summary, "responses": responses, **extra}


def _paths() -> dict[str, Any]:
    login_body = {
        "type": "object",
        "required": ["user", "password"],
        "properties": {"user": {"type": "string"}, "password": {"type": "string"}},
    }
    return {
        "/login": {
            "post": _op(
                "Log in; sets the session cookie and returns the CSRF token",
                {"type": "object", "properties": {"user": {}, "role": {}, "csrf_token": {}}},
                requestBody={"content": {"application/json": {"schema": login_body}}},
                security=[],
            )
        },
        "/logout": {"post": _op("Log out", parameters=CSRF)},
        "/me": {"get": _op("The logged-in user and role")},
        "/leads": {"get": _op("Leads, newest first", parameters=LEAD_FILTERS)},
        "/leads.csv": {
            "get": _op("Leads as CSV (UTF-8 with BOM, formulas neutralised)", parameters=LEAD_FILTERS)
        },
        "/leads/{id}": {
            "delete": _op(
                "Delete a lead (admin)",
                parameters=[
                    *CSRF,
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                ],
            )
        },
        "/unanswered": {
            "get": _op(
                "Unanswered questions grouped by language and nearest topic",
                parameters=[
                    *DAYS,
                    {"name": "reviewed", "in": "query", "required": False, "schema": {"enum": ["1"]}},
                ],
            )
        },
        "/unanswered.csv": {"get": _op("Unanswered questions as CSV", parameters=DAYS)},
        "/unanswered/review": {
            "post": _op(
                "Mark questions as reviewed",
                parameters=CSRF,
                requestBody={
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"ids": {"type": "array", "items": {"type": "integer"}}},
                            }
                        }
                    }
                },
            )
        },
        "/usage": {
            "get": _op(
                "Conversations and messages per day, citation share, top sections, p50/p95", parameters=DAYS
            )
        },
        "/audit": {
            "get": _op(
                "The audit log, newest first (admin): at (Unix time), user, action, detail",
                parameters=[
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200},
                    }
                ],
            )
        },
        "/subscribers": {"get": _op("Telegram subscribers by language and topic")},
        "/broadcasts": {
            "get": _op("Recent broadcasts with progress"),
            "post": _op(
                "Queue a broadcast (admin); 201 {id}",
                parameters=CSRF,
                requestBody={"content": {"application/json": {"schema": BROADCAST}}},
            ),
        },
        "/broadcasts/preview": {
            "post": _op(
                "Check a draft against Telegram's limits without sending (admin): every problem with"
                " its localized message, and per language the message as Telegram will show it"
                " (html rebuilt from the parse, length, buttons)",
                parameters=CSRF,
                requestBody={"content": {"application/json": {"schema": BROADCAST}}},
            )
        },
        "/broadcasts/test": {
            "post": _op(
                "Send to me first (admin): one language's message to my own Telegram chat",
                parameters=CSRF,
                requestBody={"content": {"application/json": {"schema": TEST}}},
            )
        },
        "/broadcasts/{id}": {
            "get": _op("Progress: state, sent, failed, left", PROGRESS, parameters=BROADCAST_ID)
        },
        "/broadcasts/{id}/cancel": {
            "post": _op(
                "Cancel a scheduled or sending broadcast (admin): nothing more of it is sent;"
                " 404 if there is none, 409 once it is done or cancelled",
                PROGRESS,
                parameters=[*CSRF, *BROADCAST_ID],
            )
        },
    }


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Advisor staff API", "version": "1"},
        "servers": [{"url": "/staff/api/v1"}],
        "security": [{"session": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "advisor_staff"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string", "description": "localized"},
                            },
                        }
                    },
                }
            },
        },
    }
