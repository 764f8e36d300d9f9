"""JSON Schemas of the knowledge-base files, so that bad data fails at load and not in a conversation."""

from __future__ import annotations

from typing import Any

LANG_CODE = {"type": "string", "pattern": "^[a-z]{2}$"}
TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}
TEXT_LIST = {"type": "array", "items": TEXT, "minItems": 1}
SECTION_ID = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}
TAG_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
ITEM_REF = {"type": "string", "pattern": r"^(section|route|opening|fact):[a-z0-9_.]+$"}


def _entry(require_cites: bool, with_tags: bool) -> dict[str, Any]:
    """Schema of one language-neutral item entry in items.yml."""
    properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": r"^[a-z0-9_.]+$"},
        "cites": {"type": "array", "items": SECTION_ID, "minItems": 1 if require_cites else 0},
    }
    required = ["id", "cites"]
    if with_tags:
        properties["tags"] = {"type": "array", "items": TAG_ID, "minItems": 1}
        required.append("tags")
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


ITEMS = {
    "type": "object",
    "properties": {
        "sections": {"type": "array", "items": _entry(True, False), "minItems": 1},
        "routes": {"type": "array", "items": _entry(True, True), "minItems": 1},
        "openings": {"type": "array", "items": _entry(True, True), "minItems": 1},
        "facts": {"type": "array", "items": _entry(False, False), "minItems": 1},
    },
    "required": ["sections", "routes", "openings", "facts"],
    "additionalProperties": False,
}

LANGUAGES = {
    "type": "object",
    "properties": {
        "languages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "code": LANG_CODE,
                    "native": TEXT,
                    "names": {"type": "object", "additionalProperties": TEXT},
                    "words": TEXT_LIST,
                },
                "required": ["code", "native", "names", "words"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["languages"],
    "additionalProperties": False,
}

_TAG_TEXT = {
    "type": "object",
    "properties": {"label": TEXT, "words": TEXT_LIST},
    "required": ["label", "words"],
    "additionalProperties": False,
}
_TAG_GROUP = {
    "type": "object",
    "minProperties": 1,
    "propertyNames": TAG_ID,
    "additionalProperties": {"type": "object", "additionalProperties": _TAG_TEXT},
}
TAGS = {
    "type": "object",
    "properties": {"interests": _TAG_GROUP, "sectors": _TAG_GROUP},
    "required": ["interests", "sectors"],
    "additionalProperties": False,
}

TOPICS = {
    "type": "object",
    "propertyNames": {"pattern": "^[a-z_]+$"},
    "additionalProperties": {"type": "array", "items": ITEM_REF},
}

PAPER = {
    "type": "object",
    "properties": {
        "authors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"name": TEXT, "affiliation": TEXT, "affiliation_id": TAG_ID},
                "required": ["name", "affiliation", "affiliation_id"],
                "additionalProperties": False,
            },
        },
        "grants": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {"funder": TEXT, "number": TEXT},
                "required": ["funder", "number"],
                "additionalProperties": False,
            },
        },
        "references": TEXT_LIST,
        "keywords": TEXT_LIST,
    },
    "required": ["authors", "grants", "references", "keywords"],
    "additionalProperties": False,
}

ITEM_TEXT = {
    "type": "object",
    "properties": {"title": TEXT, "summary": TEXT, "points": TEXT_LIST, "keywords": TEXT_LIST},
    "required": ["title", "summary", "points", "keywords"],
    "additionalProperties": False,
}
ASKS_FILE = {  # asks/<lang>.yml: questions each item answers, used only to find the item by meaning
    "type": "object",
    "properties": {
        "asks": {"type": "object", "propertyNames": ITEM_REF, "additionalProperties": TEXT_LIST},
    },
    "required": ["asks"],
    "additionalProperties": False,
}
TEXT_FILE = {
    "type": "object",
    "properties": {
        "paper": {
            "type": "object",
            "properties": {
                "title": TEXT,
                "funders": {"type": "object", "additionalProperties": TEXT},
                "affiliations": {"type": "object", "additionalProperties": TEXT},
            },
            "required": ["title", "funders", "affiliations"],
            "additionalProperties": False,
        },
        "items": {"type": "object", "propertyNames": ITEM_REF, "additionalProperties": ITEM_TEXT},
    },
    "required": ["paper", "items"],
    "additionalProperties": False,
}

_PER_LANG_WORDS = {"type": "object", "additionalProperties": TEXT_LIST}
LEXICON = {
    "type": "object",
    "properties": {
        "ordinals": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": TEXT_LIST, "minItems": 13},
        },
        "measure_words": _PER_LANG_WORDS,
        "language_cues": _PER_LANG_WORDS,
        "language_prepositions": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT}},
        "follow_up_why": _PER_LANG_WORDS,
        "follow_up_others": _PER_LANG_WORDS,
        "follow_up_next": _PER_LANG_WORDS,
        "follow_up_previous": _PER_LANG_WORDS,
        "regions_elsewhere": _PER_LANG_WORDS,
        "regions_here": _PER_LANG_WORDS,
    },
    "required": [
        "ordinals",
        "measure_words",
        "language_cues",
        "language_prepositions",
        "follow_up_why",
        "follow_up_others",
        "follow_up_next",
        "follow_up_previous",
        "regions_elsewhere",
        "regions_here",
    ],
    "additionalProperties": False,
}
