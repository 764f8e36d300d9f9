"""User-facing strings as data: a folder of `<lang>.yml` files per part, read and checked by one class.

The gateway's tables (bot/i18n, bot/web/i18n, bot/telegram/i18n, bot/staff/i18n) and the assistant's
(actions/i18n) follow one rule: every language has exactly English's keys, non-empty values and the
same {placeholders}. A violation names file and key and stops the start, not a user's request.
"""

from __future__ import annotations

import string
from functools import cached_property
from pathlib import Path

import yaml

from common.canonical import LANGUAGES, normalize_language

REFERENCE = "en"  # every other language is checked against English, and stands in for an unknown one


class I18nError(ValueError):
    """A strings file is missing, malformed or incomplete, or a string was asked for wrongly; the
    message names file and key."""


def placeholders(text: str) -> set[str]:
    """The `{name}` parameters a string expects."""
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

    def _placeholders(self, lang: str, key: str, text: str) -> set[str]:
        try:
            return placeholders(text)
        except ValueError as exc:
            raise I18nError(
                f"{self.directory / (lang + '.yml')}: key {key!r}: malformed placeholder: {exc}"
            ) from exc

    def _check_against(self, lang: str, table: dict[str, str], reference: dict[str, str]) -> None:
        path = self.directory / f"{lang}.yml"
        missing, extra = set(reference) - set(table), set(table) - set(reference)
        if missing or extra:
            raise I18nError(f"{path}: missing keys {sorted(missing)}, unknown keys {sorted(extra)}")
        for key, text in table.items():
            expected = self._placeholders(REFERENCE, key, reference[key])
            if self._placeholders(lang, key, text) != expected:
                raise I18nError(f"{path}: key {key!r} must use the placeholders {sorted(expected)}")

    @cached_property
    def tables(self) -> dict[str, dict[str, str]]:
        """All languages' tables, validated against English."""
        reference = self._read(REFERENCE)
        tables = {}
        for lang in self.languages:
            tables[lang] = self._read(lang)
            self._check_against(lang, tables[lang], reference)
        return tables

    def validate(self) -> None:
        """Loads everything now, so a broken translation fails at start-up."""
        _ = self.tables

    def reload(self) -> None:
        """Forgets the cached tables (tests that edit the files)."""
        self.__dict__.pop("tables", None)

    def t(self, key: str, lang: str | None, **params: object) -> str:
        """The string `key` in `lang` (English when the language is unknown), its placeholders filled."""
        lang = normalize_language(lang) or REFERENCE
        table = self.tables[lang if lang in self.languages else REFERENCE]
        if key not in table:
            raise I18nError(f"{self.directory / (lang + '.yml')}: missing key {key!r}")
        wanted = placeholders(table[key])
        if not wanted:
            return table[key]
        if wanted - params.keys():
            raise I18nError(f"{self.directory}: key {key!r} needs the parameters {sorted(wanted)}")
        return table[key].format(**params)

    def has(self, key: str) -> bool:
        """Whether the table defines `key` (keys are the same in every language)."""
        return key in self.tables[REFERENCE]

    def keys(self, lang: str) -> set[str]:
        return set(self.tables[lang])

    def prefixed(self, prefix: str, lang: str) -> dict[str, str]:
        """The strings whose key starts with prefix (e.g. the widget's, shipped to the browser)."""
        return {k: v for k, v in self.tables[lang].items() if k.startswith(prefix)}
