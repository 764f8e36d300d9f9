"""Value objects of the knowledge base: items, matches and the paper's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("section", "route", "opening", "fact")


class KBError(Exception):
    """KB data is invalid (the message names file, item and field) or a caller asked for something unknown."""


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
    """An author as printed in the paper."""

    name: str
    affiliation: str


@dataclass(frozen=True)
class Grant:
    """A grant from the paper's footnote."""

    funder: str
    number: str


@dataclass(frozen=True)
class Paper:
    """Bibliographic data of the source paper; title and funder names are localized."""

    authors: tuple[Author, ...]
    grants: tuple[Grant, ...]
    references: tuple[str, ...]
    keywords: tuple[str, ...]
    titles: dict[str, str]
    funders: dict[str, dict[str, str]]

    def title(self, lang: str = "en") -> str:
        """The paper's title in `lang` (English for an unknown code)."""
        return self.titles.get(lang) or self.titles["en"]

    def funder(self, grant: Grant, lang: str = "en") -> str:
        """The funder of `grant` named in `lang` (English for an unknown code)."""
        return self.funders.get(lang, {}).get(grant.number) or self.funders["en"][grant.number]

    @property
    def affiliations(self) -> list[str]:
        """Affiliations in author order, without duplicates."""
        return list(dict.fromkeys(author.affiliation for author in self.authors))
