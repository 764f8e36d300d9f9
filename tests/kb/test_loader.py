"""The loader rejects bad data with an error naming file, item and field, and accepts the shipped data."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.kb import KBError, load_kb
from common.canonical import LANGUAGES


def test_shipped_data_loads(data_copy: Path) -> None:
    kb = load_kb(data_copy)
    assert kb.languages == LANGUAGES


def test_empty_summary_names_file_item_and_field(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/de.yml", lambda d: d["items"]["section:9"].update(summary=""))
    with pytest.raises(KBError) as error:
        load_kb(data_copy)
    message = str(error.value)
    assert "text/de.yml" in message and "section:9" in message and "summary" in message


def test_missing_field_is_named(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/fr.yml", lambda d: d["items"]["route:red_tourism"].pop("points"))
    with pytest.raises(KBError, match=r"text/fr\.yml.*route:red_tourism.*points"):
        load_kb(data_copy)


def test_missing_translation_of_an_item_is_named(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "text/ja.yml", lambda d: d["items"].pop("opening:film_tv"))
    with pytest.raises(KBError, match=r"text/ja\.yml.*opening:film_tv.*missing translation"):
        load_kb(data_copy)


def test_cite_of_unknown_section_is_rejected(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "items.yml", lambda d: d["routes"][0].update(cites=["14"]))
    with pytest.raises(KBError, match=r"items\.yml.*route:ancient_shu.*cites.*'14'"):
        load_kb(data_copy)


def test_malformed_cite_names_the_item(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "items.yml", lambda d: d["openings"][0].update(cites=["nine"]))
    with pytest.raises(KBError, match=r"items\.yml.*opening:major_projects.*cites"):
        load_kb(data_copy)


def test_unknown_tag_is_rejected(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "items.yml", lambda d: d["routes"][1].update(tags=["shopping"]))
    with pytest.raises(KBError, match=r"items\.yml.*route:southern_silk_road.*tags.*shopping"):
        load_kb(data_copy)


def test_topic_pointing_nowhere_is_rejected(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "topics.yml", lambda d: d.update(publicity=["section:99"]))
    with pytest.raises(KBError, match=r"topics\.yml.*publicity.*section:99"):
        load_kb(data_copy)


def test_language_missing_a_name_is_rejected(data_copy: Path, edit_yaml) -> None:
    edit_yaml(data_copy / "languages.yml", lambda d: d["languages"][5]["names"].pop("ko"))
    with pytest.raises(KBError, match=r"languages\.yml.*'de'.*names.*ko"):
        load_kb(data_copy)


def test_invalid_yaml_names_the_file(data_copy: Path) -> None:
    (data_copy / "tags.yml").write_text("interests: [unclosed\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"tags\.yml: not valid YAML"):
        load_kb(data_copy)


def test_missing_file_is_named(data_copy: Path) -> None:
    (data_copy / "text/ko.yml").unlink()
    with pytest.raises(KBError, match=r"text/ko\.yml: file is missing"):
        load_kb(data_copy)


def test_get_kb_reads_the_data_folder_from_the_environment(data_copy: Path, edit_yaml, monkeypatch) -> None:
    from actions.kb import get_kb

    edit_yaml(data_copy / "paper.yml", lambda d: d["grants"][0].update(number=""))
    monkeypatch.setenv("KB_DATA_DIR", str(data_copy))
    with pytest.raises(KBError, match=r"paper\.yml.*grants.*number"):
        get_kb()
