"""Read the KB's YAML files, validate them against the schema and each other, build a KnowledgeBase."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import schema
from .base import DEFAULT_LANG, KBData, KnowledgeBase
from .model import KINDS, Author, Grant, Item, KBError, Paper, tag_group

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
LIST_KEYS = {"sections": "section", "routes": "route", "openings": "opening", "facts": "fact"}
ENTRY_LISTS = ("languages", "authors", "grants", "references", "keywords", *LIST_KEYS)


def load_kb(data_dir: Path) -> KnowledgeBase:
    """Load and validate every file under `data_dir`; any problem raises KBError naming file, item, field."""
    data_dir = Path(data_dir)
    languages, names, words = _load_languages(data_dir)
    items = _load_items(data_dir)
    section_ids = {item.id for item in items["section"]}
    tags = _load_tags(data_dir, languages)
    _check_item_refs(items, section_ids, tags)
    refs = {item.ref for group in items.values() for item in group}
    texts, titles, funders, affiliations = _load_texts(data_dir, languages, refs)
    asks = _load_asks(data_dir, languages, refs)
    paper = _load_paper(data_dir, titles, funders, affiliations, languages)
    topics = _load_topics(data_dir, refs)
    lexicon = _load_lexicon(data_dir, languages)
    return KnowledgeBase(KBData(languages, names, words, items, texts, paper, topics, tags, lexicon, asks))


def _read(path: Path, data_dir: Path, file_schema: dict[str, Any]) -> Any:
    """Parse one YAML file and validate it against its schema."""
    rel = _rel(path, data_dir)
    if not path.is_file():
        raise KBError(f"{rel}: file is missing")
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KBError(f"{rel}: not valid YAML: {exc}") from exc
    _validate(document, file_schema, rel)
    return document


def _rel(path: Path, data_dir: Path) -> str:
    """A path relative to the data folder, for error messages."""
    try:
        return str(path.relative_to(data_dir))
    except ValueError:
        return str(path)


def _validate(document: Any, file_schema: dict[str, Any], rel: str) -> None:
    """Raise KBError listing every schema violation with its item and field."""
    validator = jsonschema.Draft7Validator(file_schema)
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise KBError("\n".join(_describe(rel, document, error) for error in errors[:10]))


def _describe(rel: str, document: Any, error: jsonschema.ValidationError) -> str:
    """Format one schema error as 'file: item X, field Y: message'."""
    path = list(error.absolute_path)
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        path.append(missing.group(1) if missing else "?")
    item, field = _split_path(document, path)
    return f"{rel}: item {item!r}, field {field!r}: {error.message}"


def _split_path(document: Any, path: list[str | int]) -> tuple[str, str]:
    """Split an error path into the item it concerns and the field inside it."""
    if not path:
        return "(file)", "(root)"
    if len(path) >= 2 and path[0] in ENTRY_LISTS and isinstance(path[1], int):
        return _entry_name(document, path[0], path[1]), ".".join(map(str, path[2:])) or "(entry)"
    if len(path) >= 2 and path[0] in ("items", "interests", "sectors", "paper"):
        return str(path[1]) if path[0] != "paper" else "paper", ".".join(
            map(str, path[2 if path[0] != "paper" else 1 :])
        ) or "(entry)"
    return str(path[0]), ".".join(map(str, path[1:])) or "(value)"


def _entry_name(document: Any, list_key: str, index: int) -> str:
    """Name a list entry by its id/code when it has one, else by its position."""
    try:
        entry = document[list_key][index]
    except (KeyError, IndexError, TypeError):
        entry = None
    if isinstance(entry, dict):
        key = entry.get("id") or entry.get("code") or entry.get("number") or entry.get("name")
        if key is not None:
            prefix = LIST_KEYS.get(list_key)
            return f"{prefix}:{key}" if prefix else str(key)
    return f"{list_key}[{index}]"


def _load_languages(
    data_dir: Path,
) -> tuple[tuple[str, ...], dict[str, dict[str, str]], dict[str, list[str]]]:
    """The canonical language list with names in every language and the words users type for each."""
    document = _read(data_dir / "languages.yml", data_dir, schema.LANGUAGES)
    codes = tuple(entry["code"] for entry in document["languages"])
    if len(set(codes)) != len(codes) or DEFAULT_LANG not in codes:
        raise KBError(
            f"languages.yml: item 'languages', field 'code': codes must be unique and include {DEFAULT_LANG!r}"
        )
    for entry in document["languages"]:
        _require_langs(entry["names"], codes, "languages.yml", entry["code"], "names")
    names = {entry["code"]: entry["names"] for entry in document["languages"]}
    words = {entry["code"]: entry["words"] for entry in document["languages"]}
    return codes, names, words


def _require_langs(mapping: dict[str, Any], codes: tuple[str, ...], rel: str, item: str, field: str) -> None:
    """Fail unless `mapping` has exactly the canonical language codes as keys."""
    missing = [code for code in codes if code not in mapping]
    extra = [code for code in mapping if code not in codes]
    if missing or extra:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown language(s) {', '.join(extra)}"
        raise KBError(f"{rel}: item {item!r}, field {field!r}: {problem}")


def _load_items(data_dir: Path) -> dict[str, list[Item]]:
    """Language-neutral items (ids, cites, tags) per kind, in paper order."""
    document = _read(data_dir / "items.yml", data_dir, schema.ITEMS)
    items: dict[str, list[Item]] = {kind: [] for kind in KINDS}
    for list_key, kind in LIST_KEYS.items():
        for entry in document[list_key]:
            items[kind].append(
                Item(kind, str(entry["id"]), list(entry["cites"]), list(entry.get("tags", [])))
            )
        ids = [item.id for item in items[kind]]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise KBError(f"items.yml: item '{kind}:{duplicates[0]}', field 'id': duplicate id")
    return items


def _check_item_refs(items: dict[str, list[Item]], section_ids: set[str], tags: dict[str, Any]) -> None:
    """Every cite names a section and every tag exists in its tags.yml group."""
    for kind, group in items.items():
        for item in group:
            for cite in item.cites:
                if cite not in section_ids:
                    raise KBError(
                        f"items.yml: item {item.ref!r}, field 'cites': section {cite!r} does not exist"
                    )
            for tag in item.tags:
                if tag not in tags[tag_group(kind)]:
                    raise KBError(
                        f"items.yml: item {item.ref!r}, field 'tags': {tag!r} is not in tags.yml {tag_group(kind)}"
                    )


def _load_tags(data_dir: Path, codes: tuple[str, ...]) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
    """Interest and sector tags with their labels and user words in every language."""
    document: dict[str, dict[str, dict[str, dict[str, Any]]]] = _read(
        data_dir / "tags.yml", data_dir, schema.TAGS
    )
    for group, tags in document.items():
        for tag, langs in tags.items():
            _require_langs(langs, codes, "tags.yml", tag, f"{group}")
    return document


def _load_texts(
    data_dir: Path, codes: tuple[str, ...], refs: set[str]
) -> tuple[
    dict[str, dict[str, dict[str, Any]]], dict[str, str], dict[str, dict[str, str]], dict[str, dict[str, str]]
]:
    """Per-language item texts and paper metadata; every item must be present in every language and nothing extra."""
    texts: dict[str, dict[str, dict[str, Any]]] = {}
    titles: dict[str, str] = {}
    funders: dict[str, dict[str, str]] = {}
    affiliations: dict[str, dict[str, str]] = {}
    for code in codes:
        rel = f"text/{code}.yml"
        document = _read(data_dir / rel, data_dir, schema.TEXT_FILE)
        entries = document["items"]
        for ref in sorted(refs):
            if ref not in entries:
                raise KBError(f"{rel}: item {ref!r}, field '(entry)': missing translation")
        for ref in entries:
            if ref not in refs:
                raise KBError(f"{rel}: item {ref!r}, field '(entry)': no such item in items.yml")
        texts[code], titles[code], funders[code], affiliations[code] = (
            entries,
            document["paper"]["title"],
            document["paper"]["funders"],
            document["paper"]["affiliations"],
        )
    return texts, titles, funders, affiliations


def _load_asks(data_dir: Path, codes: tuple[str, ...], refs: set[str]) -> dict[str, dict[str, list[str]]]:
    """Per-language questions each item answers (asks/<lang>.yml). A user's question lies closer in
    meaning to another question than to the statements of title and points, so these find the item a
    paraphrase is about; an item may have none (it is then found by its text alone)."""
    asks: dict[str, dict[str, list[str]]] = {}
    for code in codes:
        rel = f"asks/{code}.yml"
        entries = _read(data_dir / rel, data_dir, schema.ASKS_FILE)["asks"]
        for ref in entries:
            if ref not in refs:
                raise KBError(f"{rel}: item {ref!r}, field '(entry)': no such item in items.yml")
        asks[code] = entries
    return asks


def _load_paper(
    data_dir: Path,
    titles: dict[str, str],
    funders: dict[str, dict[str, str]],
    affiliations: dict[str, dict[str, str]],
    codes: tuple[str, ...],
) -> Paper:
    """Bibliographic metadata, with funder names and affiliations translated in every text file."""
    document = _read(data_dir / "paper.yml", data_dir, schema.PAPER)
    grants = tuple(Grant(g["funder"], g["number"]) for g in document["grants"])
    numbers = {grant.number for grant in grants}
    for code in codes:
        if set(funders[code]) != numbers:
            raise KBError(
                f"text/{code}.yml: item 'paper', field 'funders': must name exactly grants {', '.join(sorted(numbers))}"
            )
    authors = tuple(Author(a["name"], a["affiliation"], a["affiliation_id"]) for a in document["authors"])
    _check_affiliations(authors, affiliations, codes)
    return Paper(
        authors,
        grants,
        tuple(document["references"]),
        tuple(document["keywords"]),
        titles,
        funders,
        affiliations,
    )


def _check_affiliations(
    authors: tuple[Author, ...], affiliations: dict[str, dict[str, str]], codes: tuple[str, ...]
) -> None:
    """Every text file translates exactly the affiliations paper.yml names (by affiliation_id)."""
    for author in authors:
        if any(
            a.affiliation_id == author.affiliation_id and a.affiliation != author.affiliation for a in authors
        ):
            raise KBError(
                f"paper.yml: item {author.name!r}, field 'affiliation_id': "
                f"{author.affiliation_id!r} is used for two different affiliations"
            )
    ids = list(dict.fromkeys(author.affiliation_id for author in authors))
    for code in codes:
        rel = f"text/{code}.yml"
        for affiliation_id in ids:
            if affiliation_id not in affiliations[code]:
                raise KBError(
                    f"{rel}: item 'paper', field 'affiliations.{affiliation_id}': missing translation"
                )
        for affiliation_id in affiliations[code]:
            if affiliation_id not in ids:
                raise KBError(
                    f"{rel}: item 'paper', field 'affiliations.{affiliation_id}': no author in paper.yml has this id"
                )


def _load_topics(data_dir: Path, refs: set[str]) -> dict[str, list[str]]:
    """Which items answer which intent; every reference must name an existing item."""
    document: dict[str, list[str]] = _read(data_dir / "topics.yml", data_dir, schema.TOPICS)
    for intent, topic_refs in document.items():
        for position, ref in enumerate(topic_refs):
            if ref not in refs:
                raise KBError(f"topics.yml: item {intent!r}, field '{position}': no such item {ref!r}")
    return document


def _load_lexicon(data_dir: Path, codes: tuple[str, ...]) -> dict[str, Any]:
    """Ordinals, measure words and language-request cues in every language."""
    document: dict[str, Any] = _read(data_dir / "lexicon.yml", data_dir, schema.LEXICON)
    for group, per_lang in document.items():
        _require_langs(per_lang, codes, "lexicon.yml", group, "(languages)")
    return document
