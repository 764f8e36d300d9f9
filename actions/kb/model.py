"""Value objects of the knowledge base: items, matches and the paper's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("section", "route", "opening", "fact")
# What callers call a kind of tag -> its group in tags.yml: routes are tagged with interests, openings
# with sectors, so either name (singular or plural) means the same group.
TAG_GROUPS = {
    "interest": "interests",
    "interests": "interests",
    "route": "interests",
    "sector": "sectors",
    "sectors": "sectors",
    "opening": "sectors",
}


class KBError(Exception):
    """KB data is invalid (the message names file, item and field) or a caller asked for something unknown."""


def tag_group(kind: str) -> str:
    """The tags.yml group of a tag kind: 'interest'/'route' or 'sector'/'opening', singular or plural."""
    group = TAG_GROUPS.get(kind)
    if group is None:
        raise KBError(f"unknown tag kind {kind!r}; expected 'interest' or 'sector'")
    return group


@dataclass(frozen=True)
class Item:
    """One citable unit of the paper; equal and hashed by kind and id only."""

    kind: str
    id: str
    cites: list[str] = field(compare=False)
    tags: list[str] = field(compare=False, default_factory=list)

    @property
    def ref(self) -> str:
        """The `kind:id` form used in slots and button payloads."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Match:
    """A KB item the query layer found, with a confidence in 0..1."""

    item: Item
    score: float


@dataclass(frozen=True)
class Author:
    """An author as printed in the paper; `affiliation` is the English text, `affiliation_id` keys its translations."""

    name: str
    affiliation: str
    affiliation_id: str = ""


@dataclass(frozen=True)
class Grant:
    """A grant from the paper's footnote."""

    funder: str
    number: str


@dataclass(frozen=True)
class Paper:
    """Bibliographic data of the source paper; title, funder names and affiliations are localized.

    Author names are never translated: they stay as the paper prints them.
    """

    authors: tuple[Author, ...]
    grants: tuple[Grant, ...]
    references: tuple[str, ...]
    keywords: tuple[str, ...]
    titles: dict[str, str]
    funders: dict[str, dict[str, str]]
    affiliation_names: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # lang -> affiliation_id -> text

    def title(self, lang: str = "en") -> str:
        """The paper's title in `lang` (English for an unknown code)."""
        return self.titles.get(lang) or self.titles["en"]

    def funder(self, grant: Grant, lang: str = "en") -> str:
        """The funder of `grant` named in `lang` (English for an unknown code)."""
        return self.funders.get(lang, {}).get(grant.number) or self.funders["en"][grant.number]

    def affiliation(self, author: Author | str, lang: str = "en") -> str:
        """The affiliation of `author` (an Author or the name as printed) in `lang`; as printed for an unknown code."""
        if isinstance(author, str):
            found = next((a for a in self.authors if a.name == author), None)
            if found is None:
                raise KBError(f"paper.yml: no author named {author!r}")
            author = found
        return self.affiliation_names.get(lang, {}).get(author.affiliation_id) or author.affiliation

    @property
    def affiliations(self) -> list[str]:
        """Affiliations in author order, without duplicates."""
        return list(dict.fromkeys(author.affiliation for author in self.authors))
