"""The assistant's own words (small talk, prompts, errors, buttons) in every language: not knowledge of
the paper, which is in actions/kb, but what the assistant says around it.

One YAML file per language, flat `key: text`; common.string_tables checks that every language has
English's keys and {placeholders} (the same checker as the gateway's strings).
"""

from __future__ import annotations

from pathlib import Path

from common.string_tables import StringTable

STRINGS = StringTable(Path(__file__).parent)
ui = STRINGS.t  # ui("form.ask_country", "de"), ui("lead.saved", "fr", name="Anna")
has_ui = STRINGS.has
