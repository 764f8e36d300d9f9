"""The console's strings: `<lang>.yml` for each staff language (en, zh), same keys as English."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import StringTable
from bot.staff.settings import STAFF_LANGUAGES

STRINGS = StringTable(Path(__file__).parent, STAFF_LANGUAGES)
t = STRINGS.t
validate = STRINGS.validate
