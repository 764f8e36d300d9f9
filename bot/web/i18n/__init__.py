"""The web channel's strings (API errors, widget, demo page), one YAML file per gateway language.

Loaded and validated once, at start-up: every language must have exactly English's keys, no empty
value, and the same {placeholders}, so a missing translation fails the start, not a user.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

from bot.i18n import LANGUAGES, I18nError, normalize_language

_DIR = Path(__file__).parent


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _read(lang: str) -> dict[str, str]:
    path = _DIR / f"{lang}.yml"
    if not path.exists():
        raise I18nError(f"{path}: missing strings file for language {lang!r}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise I18nError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise I18nError(f"{path}: top level must be a mapping")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise I18nError(f"{path}: key {key!r} must be a non-empty string")
    return data


def _check_against_english(lang: str, table: dict[str, str], english: dict[str, str]) -> None:
    path = _DIR / f"{lang}.yml"
    missing, extra = set(english) - set(table), set(table) - set(english)
    if missing or extra:
        raise I18nError(f"{path}: missing keys {sorted(missing)}, unknown keys {sorted(extra)}")
    for key, text in table.items():
        if _placeholders(text) != _placeholders(english[key]):
            raise I18nError(f"{path}: key {key!r} must use the placeholders {sorted(_placeholders(english[key]))}")


@lru_cache(maxsize=1)
def load() -> dict[str, dict[str, str]]:
    """All languages' tables, validated; raises I18nError naming file and key."""
    english = _read("en")
    tables = {}
    for lang in LANGUAGES:
        table = _read(lang)
        _check_against_english(lang, table, english)
        tables[lang] = table
    return tables


def t(key: str, lang: str | None, **params: object) -> str:
    """The web string `key` in `lang` (English when unknown), formatted with params."""
    table = load()[normalize_language(lang) or "en"]
    return table[key].format(**params) if params else table[key]


def prefixed(prefix: str, lang: str) -> dict[str, str]:
    """The strings whose key starts with prefix, for shipping to the browser."""
    return {k: v for k, v in load()[lang].items() if k.startswith(prefix)}
