"""The gateway's common strings (one YAML file per language here) and what every gateway table uses.

`StringTable` (common/string_tables.py) is the one loader and checker of strings: this folder (strings
both channels say), bot/telegram/i18n, bot/web/i18n and bot/staff/i18n each hold a folder of
`<lang>.yml`. The languages are the canonical list (actions/kb/data/languages.yml, via common.canonical).
"""

from __future__ import annotations

from pathlib import Path

from common.canonical import LANGUAGES, NATIVE_NAMES, normalize_language
from common.string_tables import I18nError, StringTable

__all__ = [
    "LANGUAGES",
    "NATIVE_NAMES",
    "I18nError",
    "StringTable",
    "normalize_language",
    "t",
    "keys",
    "COMMON",
]

COMMON = StringTable(Path(__file__).parent)
t = COMMON.t
keys = COMMON.keys
