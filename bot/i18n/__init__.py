"""The gateway's own user-facing strings, one YAML file per language (data, not code).

The set of languages is the set of files here; a test checks it equals the knowledge base's
canonical list (actions/kb/data/languages.yml) and that every file has every key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

_DIR = Path(__file__).parent
LANGUAGE_ORDER = ("en", "zh", "ru", "ja", "ko", "de", "fr", "es")


class I18nError(ValueError):
    """A strings file is missing a key or has an empty value; the message names file and key."""


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, str]:
    path = _DIR / f"{lang}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise I18nError(f"{path}: top level must be a mapping")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise I18nError(f"{path}: key {key!r} must be a non-empty string")
    return data


LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in LANGUAGE_ORDER if (_DIR / f"{lang}.yml").exists()
)


def normalize_language(code: str | None) -> str | None:
    """Maps a BCP-47-ish code ("de-AT", "zh_Hans", "PT") to a supported language or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def t(key: str, lang: str | None, **params: object) -> str:
    """The string `key` in `lang` (English when the language is unknown), formatted with params."""
    lang = normalize_language(lang) or "en"
    table = _load(lang)
    if key not in table:
        raise I18nError(f"{_DIR / (lang + '.yml')}: missing key {key!r}")
    text = table[key]
    return text.format(**params) if params else text


def keys(lang: str) -> set[str]:
    return set(_load(lang))
