"""The web channel's strings (API errors, widget, demo page), one YAML file per gateway language.

Loaded and validated by bot.i18n.StringTable; `load()` runs at start-up so a missing translation
fails the start, not a visitor's request.
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n import StringTable

TABLE = StringTable(Path(__file__).parent)
t = TABLE.t
prefixed = TABLE.prefixed


def load() -> dict[str, dict[str, str]]:
    """All languages' tables, validated; raises I18nError naming file and key."""
    return TABLE.tables
