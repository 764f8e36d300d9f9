"""Human names of the paper's topics (NLU intents) in the staff's language, from the KB's UI strings.

The assistant's own "did you mean" buttons use `intent.<name>` from actions/i18n/<lang>.yml;
the console reads the same labels so staff see the topic as users do, not as an intent id.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

UI_DIR = Path(__file__).resolve().parents[2] / "actions" / "i18n"


@functools.cache
def _labels(lang: str) -> dict[str, str]:
    path = UI_DIR / f"{lang}.yml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {key[len("intent.") :]: str(value) for key, value in data.items() if key.startswith("intent.")}


def topic_label(intent: str | None, lang: str) -> str | None:
    """ "investor_protection" -> "Investor protection" / "投资者保护"; the id itself if unnamed."""
    if not intent:
        return None
    return _labels(lang).get(intent) or _labels("en").get(intent) or intent
