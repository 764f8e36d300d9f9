"""Human names, in the staff's language, of the ids a lead stores (sectors and ways of taking part)
and of the paper's sections the usage page counts.

The action server stores a lead's `sector` as tag ids joined by commas ("media,tourism", from
actions/kb/data/tags.yml, group `sectors`) and `involvement` as one id ("capital", labelled
`involvement.<id>` in actions/i18n/<lang>.yml). The console reads the same labels the assistant
shows visitors, so staff see "Film, TV and media" / "影视传媒", not `media`. An id without a label
(an older or hand-made row) is shown as it is stored, never dropped.
"""

from __future__ import annotations

import functools

import yaml

from bot.staff.topics import UI_DIR

KB_DATA = UI_DIR.parent / "kb" / "data"  # the assistant's knowledge base (actions/kb/data)
TAGS_FILE = KB_DATA / "tags.yml"
TEXT_DIR = KB_DATA / "text"


@functools.cache
def _sectors() -> dict[str, dict[str, str]]:
    """sector id -> language -> label."""
    data = yaml.safe_load(TAGS_FILE.read_text(encoding="utf-8")) if TAGS_FILE.exists() else {}
    group = (data or {}).get("sectors") or {}
    return {tag: {lang: str(entry["label"]) for lang, entry in langs.items()} for tag, langs in group.items()}


@functools.cache
def _ui(lang: str) -> dict[str, str]:
    path = UI_DIR / f"{lang}.yml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def sector_ids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def sector_name(sector: str, lang: str) -> str:
    labels = _sectors().get(sector, {})
    return labels.get(lang) or labels.get("en") or sector


def sectors_label(value: str | None, lang: str) -> str:
    """ "media,tourism" -> "film, TV and media, tourism" in `lang`; "" for none."""
    return ", ".join(sector_name(sector, lang) for sector in sector_ids(value))


def involvement_label(value: str | None, lang: str) -> str:
    if not value:
        return ""
    key = f"involvement.{value}"
    return str(_ui(lang).get(key) or _ui("en").get(key) or value)


@functools.cache
def _section_titles(lang: str) -> dict[str, str]:
    path = TEXT_DIR / f"{lang}.yml"
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    items = data.get("items", data) if isinstance(data, dict) else {}
    return {
        key[len("section:") :]: str(entry["title"])
        for key, entry in items.items()
        if isinstance(key, str)
        and key.startswith("section:")
        and isinstance(entry, dict)
        and "title" in entry
    }


def section_title(section: str, lang: str) -> str:
    """ "9" -> the title of §9 in `lang` (English, else nothing, when there is none)."""
    return _section_titles(lang).get(section) or _section_titles("en").get(section) or ""
