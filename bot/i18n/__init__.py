"""The gateway's user-facing strings as data: one YAML file per language in each strings folder.

`StringTable` is the one loader: bot/i18n (common strings), bot/telegram/i18n and bot/web/i18n each
hold a folder of `<lang>.yml`. Every language must have exactly English's keys, non-empty values and
the same {placeholders}; a violation names file and key and stops the start, not a user's request.
The set of languages is the set of files here; a test checks it equals the knowledge base's
canonical list (actions/kb/data/languages.yml).
"""

from __future__ import annotations

import string
from functools import cached_property
from pathlib import Path

import yaml

_DIR = Path(__file__).parent
LANGUAGE_ORDER = ("en", "zh", "ru", "ja", "ko", "de", "fr", "es")
LANGUAGES: tuple[str, ...] = tuple(lang for lang in LANGUAGE_ORDER if (_DIR / f"{lang}.yml").exists())


class I18nError(ValueError):
    """A strings file is missing, malformed or incomplete; the message names file and key."""


def normalize_language(code: str | None) -> str | None:
    """Maps a BCP-47-ish code ("de-AT", "zh_Hans", "PT") to a supported language or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class StringTable:
    """A folder of `<lang>.yml` string files, read and validated once, on first use."""

    def __init__(self, directory: Path, languages: tuple[str, ...] | None = None):
        self.directory = directory
        self.languages = languages or LANGUAGES  # the staff console has fewer than the users' eight

    def _read(self, lang: str) -> dict[str, str]:
        path = self.directory / f"{lang}.yml"
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

    def _check_against(self, lang: str, table: dict[str, str], english: dict[str, str]) -> None:
        path = self.directory / f"{lang}.yml"
        missing, extra = set(english) - set(table), set(table) - set(english)
        if missing or extra:
            raise I18nError(f"{path}: missing keys {sorted(missing)}, unknown keys {sorted(extra)}")
        for key, text in table.items():
            if _placeholders(text) != _placeholders(english[key]):
                raise I18nError(
                    f"{path}: key {key!r} must use the placeholders {sorted(_placeholders(english[key]))}"
                )

    @cached_property
    def tables(self) -> dict[str, dict[str, str]]:
        """All languages' tables, validated against English."""
        english = self._read("en")
        tables = {}
        for lang in self.languages:
            tables[lang] = self._read(lang)
            self._check_against(lang, tables[lang], english)
        return tables

    def validate(self) -> None:
        """Loads everything now, so a broken translation fails at start-up."""
        _ = self.tables

    def reload(self) -> None:
        """Forgets the cached tables (tests that edit the files)."""
        self.__dict__.pop("tables", None)

    def t(self, key: str, lang: str | None, **params: object) -> str:
        """The string `key` in `lang` (English when the language is unknown), formatted with params."""
        lang = normalize_language(lang) or "en"
        table = self.tables[lang if lang in self.languages else "en"]
        if key not in table:
            raise I18nError(f"{self.directory / (lang + '.yml')}: missing key {key!r}")
        return table[key].format(**params) if params else table[key]

    def keys(self, lang: str) -> set[str]:
        return set(self.tables[lang])

    def prefixed(self, prefix: str, lang: str) -> dict[str, str]:
        """The strings whose key starts with prefix (e.g. the widget's, shipped to the browser)."""
        return {k: v for k, v in self.tables[lang].items() if k.startswith(prefix)}


COMMON = StringTable(_DIR)
t = COMMON.t
keys = COMMON.keys
