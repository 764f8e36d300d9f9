"""The Telegram connector's own strings (commands, keyboards, media replies), one YAML per language.

Loaded and validated by bot.i18n.StringTable; `validate()` runs at start-up.
"""

from __future__ import annotations

from pathlib import Path

from bot.i18n import StringTable

TABLE = StringTable(Path(__file__).parent)
validate = TABLE.validate
t = TABLE.t
keys = TABLE.keys
