"""The loaded knowledge base: items in paper order, their localized text and tags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Union

from .model import KINDS, Item, KBError, Paper, tag_group

if TYPE_CHECKING:
    from .index import SearchIndex

TEXT_FIELDS = ("title", "summary")
DEFAULT_LANG = "en"


@dataclass(frozen=True)
class KBData:
    """Everything the loader read and validated, handed to KnowledgeBase as one value."""

    languages: tuple[str, ...]
    language_names: dict[str, dict[str, str]]
    language_words: dict[str, list[str]]
    items: dict[str, list[Item]]
    texts: dict[str, dict[str, dict[str, Any]]]
    paper: Paper
    topics: dict[str, list[str]]
    tags: dict[str, dict[str, dict[str, dict[str, Any]]]]
    lexicon: dict[str, Any]
    asks: dict[str, dict[str, list[str]]]


class KnowledgeBase:
    """Read-only access to the paper's facts in eight languages, as fixed in docs/CONTRACTS.md."""

    def __init__(self, data: KBData) -> None:
        self._data = data
        self._by_ref = {item.ref: item for items in data.items.values() for item in items}
        self._section_order = {item.id: n for n, item in enumerate(data.items["section"])}
        self.languages = data.languages
        self.paper = data.paper
        self.lexicon = data.lexicon
        self.index: SearchIndex | None = None  # built on first use by actions.kb.query

    def language_name(self, code: str, in_lang: str = DEFAULT_LANG) -> str:
        """Name of language `code` written in `in_lang` ("de", "zh" -> "德语")."""
        names = self._data.language_names.get(code)
        if names is None:
            raise KBError(f"languages.yml: unknown language code {code!r}")
        return names.get(in_lang) or names[DEFAULT_LANG]

    def language_words(self) -> dict[str, list[str]]:
        """Words users type to name each language, for query.parse_language."""
        return self._data.language_words

    def items(self, kind: str) -> list[Item]:
        """Items of one kind in paper order."""
        if kind not in KINDS:
            raise KBError(f"unknown item kind {kind!r}; expected one of {', '.join(KINDS)}")
        return list(self._data.items[kind])

    def all_items(self) -> list[Item]:
        """Every item, kinds in contract order, each kind in paper order."""
        return [item for kind in KINDS for item in self._data.items[kind]]

    def get(self, kind: str, id: str) -> Item | None:
        """The item `kind:id`, or None when there is none."""
        return self._by_ref.get(f"{kind}:{id}")

    def by_ref(self, ref: str) -> Item | None:
        """The item named by a `kind:id` reference (slot values, button payloads), or None."""
        return self._by_ref.get(ref.strip()) if isinstance(ref, str) else None

    def text(self, item: Item, field: str, lang: str = DEFAULT_LANG) -> str:
        """Localized title or summary of an item; English for an unknown language code."""
        if field not in TEXT_FIELDS:
            raise KBError(f"unknown text field {field!r}; expected one of {', '.join(TEXT_FIELDS)}")
        text: str = self._entry(item, lang)[field]
        return text

    def points(self, item: Item, lang: str = DEFAULT_LANG) -> list[str]:
        """Localized key points of an item."""
        return list(self._entry(item, lang)["points"])

    def keywords(self, item: Item, lang: str = DEFAULT_LANG) -> list[str]:
        """Localized search keywords and aliases of an item."""
        return list(self._entry(item, lang)["keywords"])

    def asks(self, item: Item, lang: str = DEFAULT_LANG) -> list[str]:
        """Questions in `lang` that this item answers (for the meaning-based search only)."""
        return list((self._data.asks.get(lang) or {}).get(item.ref) or [])

    def _entry(self, item: Item, lang: str) -> dict[str, Any]:
        """The text entry of an item in `lang`, falling back to English for unknown codes."""
        texts = self._data.texts.get(lang) or self._data.texts[DEFAULT_LANG]
        entry = texts.get(item.ref)
        if entry is None:
            raise KBError(f"no text for item {item.ref!r}")
        return entry

    def topic_items(self, intent: str) -> list[Item]:
        """The items that answer an intent (topics.yml); empty for intents with no KB topic."""
        return [self._by_ref[ref] for ref in self._data.topics.get(intent, [])]

    def tags(self, kind: str) -> list[str]:
        """Tag ids of one group: 'interest' (routes) or 'sector' (openings)."""
        return list(self._data.tags[tag_group(kind)])

    def tag_words(self, kind: str) -> dict[str, dict[str, list[str]]]:
        """Per tag, per language, the words users type for it."""
        group = self._data.tags[tag_group(kind)]
        return {tag: {lang: entry["words"] for lang, entry in langs.items()} for tag, langs in group.items()}

    def tag_label(self, tag: str, lang: str = DEFAULT_LANG) -> str:
        """Display label of an interest or sector tag in `lang`."""
        for group in self._data.tags.values():
            if tag in group:
                entry = group[tag].get(lang) or group[tag][DEFAULT_LANG]
                label: str = entry["label"]
                return label
        raise KBError(f"tags.yml: unknown tag {tag!r}")

    def citation(self, item_or_ids: Union[Item, str, Iterable[Union[Item, str]]]) -> str:
        """The citation in the house format: "(§9)" or "(§6, §6.2)"; empty when nothing is cited."""
        ids = self._cited_ids(item_or_ids)
        ordered = sorted(set(ids), key=lambda sid: self._section_order.get(sid, len(self._section_order)))
        return f"({', '.join('§' + sid for sid in ordered)})" if ordered else ""

    def _cited_ids(self, value: Union[Item, str, Iterable[Union[Item, str]]]) -> list[str]:
        """Section ids from an item, a section id, or a mix of both."""
        if isinstance(value, Item):
            return list(value.cites)
        if isinstance(value, str):
            return [value.lstrip("§").strip()]
        return [sid for part in value for sid in self._cited_ids(part)]
