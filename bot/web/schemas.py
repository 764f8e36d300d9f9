"""JSON Schemas of the public chat API: one source for request validation and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from bot.i18n import LANGUAGES
from bot.web.settings import WebSettings

SESSION_ID = {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]{16,64}$",
    "description": "Issued by POST /session.",
}
LANGUAGE = {
    "type": "string",
    "pattern": "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
    "description": f"A language tag; the advisor speaks {', '.join(LANGUAGES)} (others fall back).",
}
BUTTON = {
    "type": "object",
    "required": ["title", "payload"],
    "properties": {"title": {"type": "string"}, "payload": {"type": "string"}},
}


def session_request() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["site"],
        "additionalProperties": False,
        "properties": {
            "site": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$", "description": "The site key."},
            "language": LANGUAGE,
        },
    }


def chat_request(settings: WebSettings) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["session_id"],
        "additionalProperties": False,
        "oneOf": [{"required": ["text"]}, {"required": ["payload"]}, {"required": ["start"]}],
        "properties": {
            "session_id": SESSION_ID,
            "text": {"type": "string", "minLength": 1, "maxLength": settings.max_text, "pattern": r"\S"},
            "payload": {
                "type": "string",
                "maxLength": 300,
                "pattern": r"^/[A-Za-z_]+(\{.*\})?$",
                "description": "A button's payload, sent as the user's choice.",
            },
            "start": {
                "type": "string",
                "pattern": "^[A-Za-z0-9_-]{1,64}$",
                "description": "A start code (measure_9, route_red_tourism, lang_de, …); unknown codes greet.",
            },
            "language": LANGUAGE,
            "language_source": {
                "enum": ["explicit", "channel"],
                "default": "channel",
                "description": "explicit: the visitor picked the language; channel: the page's language.",
            },
        },
    }


BOT_MESSAGE = {
    "type": "object",
    "properties": {
        "text": {"type": ["string", "null"]},
        "buttons": {"type": "array", "items": BUTTON},
        "image": {"type": ["string", "null"], "format": "uri"},
    },
}
HISTORY_MESSAGE = {
    "type": "object",
    "properties": {
        "role": {"enum": ["user", "bot"]},
        "text": {"type": ["string", "null"]},
        "buttons": {"type": "array", "items": BUTTON},
    },
}
ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "Localized, ready to show to the visitor."},
            },
        }
    },
}


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def offending_field(error: ValidationError) -> str:
    """The name of the field a visitor-facing message should point at."""
    if error.validator == "required" and isinstance(error.validator_value, list):
        present = error.instance if isinstance(error.instance, dict) else {}
        return next((f for f in error.validator_value if f not in present), "body")
    if (
        error.validator == "additionalProperties"
        and isinstance(error.instance, dict)
        and isinstance(error.schema, Mapping)
    ):
        allowed = error.schema.get("properties", {})
        return next((f for f in error.instance if f not in allowed), "body")
    if error.validator == "oneOf" and not error.path:
        return "text"
    return str(error.path[0]) if error.path else "body"


def first_error(v: Draft202012Validator, body: Any) -> ValidationError | None:
    found: ValidationError | None = best_match(v.iter_errors(body))  # unannotated in types-jsonschema
    return found


def _op(
    summary: str, request: dict[str, Any] | None, ok: tuple[str, dict[str, Any]], *errors: str
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            ok[0]: {"description": "OK", "content": {"application/json": {"schema": ok[1]}}},
            **{code: {"$ref": f"#/components/responses/E{code}"} for code in errors},
        },
    }
    if request is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": request}}}
    return op


_ERRORS = {
    "400": "Malformed JSON or a missing/invalid field.",
    "401": "No session id given.",
    "403": "The origin or site key is not allowed.",
    "404": "Unknown or expired session.",
    "413": "The body is larger than the limit.",
    "429": "Too many requests; see the Retry-After header (seconds).",
    "500": "A deletion the visitor asked for failed; nothing is reported as deleted (code forget_failed).",
    "503": "The advisor is temporarily unavailable, or busy (code busy, with Retry-After in seconds).",
}


NULLABLE_STRING = {"type": ["string", "null"]}
SESSION_OUT = {
    "type": "object",
    "properties": {"session_id": SESSION_ID, "site": {"type": "string"}, "language": NULLABLE_STRING},
}
CHAT_OUT = {
    "type": "object",
    "properties": {
        "messages": {"type": "array", "items": BOT_MESSAGE},
        "language": {"type": "string", "description": "The reply language, for the widget's own strings."},
        "forgotten": {"type": "boolean", "description": "The stored conversation was deleted on request."},
    },
}
DELETED_OUT = {"type": "object", "properties": {"deleted": {"const": True}}}
HISTORY_OUT = {
    "type": "object",
    "properties": {"language": NULLABLE_STRING, "messages": {"type": "array", "items": HISTORY_MESSAGE}},
}


def _paths(settings: WebSettings) -> dict[str, Any]:
    history = _op(
        "The caller's own conversation, oldest first.", None, ("200", HISTORY_OUT), "401", "403", "404", "429"
    )
    history["security"] = [{"session": []}]
    delete = _op(
        "Delete the caller's conversation in the advisor (stored conversation, contact details) and here;"
        " 503 (code forget_failed) when that could not be done, then it is kept until retention.",
        None,
        ("200", DELETED_OUT),
        "401",
        "403",
        "404",
        "429",
        "500",
        "503",
    )
    delete["security"] = [{"session": []}]
    return {
        "/session": {
            "post": _op(
                "Start a conversation; the server issues a random session id.",
                session_request(),
                ("201", SESSION_OUT),
                "400",
                "403",
                "413",
                "429",
            ),
            "delete": delete,
        },
        "/chat": {
            "post": _op(
                "Send text, a button payload or a start code; get the advisor's reply.",
                chat_request(settings),
                ("200", CHAT_OUT),
                "400",
                "403",
                "404",
                "413",
                "429",
                "500",
                "503",
            )
        },
        "/history": {"get": history},
    }


def openapi(settings: WebSettings) -> dict[str, Any]:
    """The OpenAPI 3.1 document served at /api/v1/openapi.json, built from the validating schemas."""
    json_error = {"application/json": {"schema": ERROR}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Paper advisor chat API", "version": "1.0.0"},
        "servers": [{"url": "/api/v1"}],
        "paths": _paths(settings),
        "components": {
            "securitySchemes": {
                "session": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Authorization: Bearer <session_id>",
                }
            },
            "responses": {
                f"E{code}": {"description": text, "content": json_error} for code, text in _ERRORS.items()
            },
        },
    }
