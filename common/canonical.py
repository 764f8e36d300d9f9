"""The project's lists, each read from its one source, for every part that needs one of them.

- languages: `actions/kb/data/languages.yml` (the knowledge base names every language in every other),
  with each language's name in itself; the gateway's strings, the domain's `language` slot, eval and
  the tests follow it.
- intents: the domain (`domain/*.yml`); eval, the NLU layout test and the gateway's intent shortcuts
  are checked against it.
- sections of the paper: `actions/kb/data/items.yml`; eval checks the sections its questions expect.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
KB_DATA = ROOT / "actions" / "kb" / "data"
LANGUAGES_FILE = KB_DATA / "languages.yml"
ITEMS_FILE = KB_DATA / "items.yml"
DOMAIN_DIR = ROOT / "domain"


def _native_names() -> dict[str, str]:
    document = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
    return {str(entry["code"]): str(entry["native"]) for entry in document["languages"]}


NATIVE_NAMES: dict[str, str] = _native_names()  # "de" -> "Deutsch": how a language picker names it
LANGUAGES: tuple[str, ...] = tuple(NATIVE_NAMES)  # in canonical order: English first


def normalize_language(code: str | None) -> str | None:
    """Maps a BCP-47-ish code ("de-AT", "zh_Hans", "PT") to one of LANGUAGES, or None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


@lru_cache(maxsize=None)
def domain_intents(directory: Path = DOMAIN_DIR) -> frozenset[str]:
    """The intents the domain lists (every file of the domain folder)."""
    intents: set[str] = set()
    for path in sorted(Path(directory).glob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents") or []:
            intents.add(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return frozenset(intents)


@lru_cache(maxsize=1)
def section_ids() -> frozenset[str]:
    """The ids of the paper's sections ("1" ... "13", "6.1", "6.2")."""
    document = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    return frozenset(str(entry["id"]) for entry in document["sections"])
