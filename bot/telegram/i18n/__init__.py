"""The Telegram connector's own strings (commands, keyboards, media replies), one YAML per language.

Same rules as bot/i18n: every language the gateway supports has a file, every file has exactly the
English keys with non-empty values and the same {placeholders}. `validate()` runs at start-up.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

import yaml

from bot.i18n import LANGUAGES, I18nError, normalize_language

_DIR = Path(__file__).parent


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, str]:
    path = _DIR / f"{lang}.yml"
    if not path.exists():
        raise I18nError(f"{path}: missing strings file for language {lang!r}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise I18nError(f"{path}: top level must be a mapping")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise I18nError(f"{path}: key {key!r} must be a non-empty string")
    return data


def validate() -> None:
    """Checks every language against English so a missing string fails at start, not mid-chat."""
    reference = _load("en")
    for lang in LANGUAGES:
        table = _load(lang)
        path = _DIR / f"{lang}.yml"
        if missing := sorted(set(reference) - set(table)):
            raise I18nError(f"{path}: missing keys {missing}")
        if extra := sorted(set(table) - set(reference)):
            raise I18nError(f"{path}: unknown keys {extra}")
        for key, text in table.items():
            if _placeholders(text) != _placeholders(reference[key]):
                raise I18nError(f"{path}: key {key!r} must use placeholders {_placeholders(reference[key])}")


def t(key: str, lang: str | None, **params: object) -> str:
    """The string `key` in `lang` (English when the language is unknown), formatted with params."""
    table = _load(normalize_language(lang) or "en")
    if key not in table:
        raise I18nError(f"{_DIR / ((normalize_language(lang) or 'en') + '.yml')}: missing key {key!r}")
    return table[key].format(**params) if params else table[key]


def keys(lang: str) -> set[str]:
    return set(_load(lang))
