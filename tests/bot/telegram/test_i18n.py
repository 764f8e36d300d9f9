"""The connector's strings exist in every gateway language and are checked at start-up."""

from __future__ import annotations

import shutil

import pytest

from bot.i18n import LANGUAGES, I18nError
from bot.telegram import i18n


def test_every_language_has_exactly_the_english_keys():
    i18n.validate()
    for lang in LANGUAGES:
        assert i18n.keys(lang) == i18n.keys("en"), lang


def test_strings_are_translated_not_copied():
    for lang in LANGUAGES:
        if lang != "en":
            assert i18n.t("text_only", lang) != i18n.t("text_only", "en"), lang


def test_validate_names_file_and_missing_key(tmp_path, monkeypatch):
    for path in i18n.TABLE.directory.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "ko.yml"
    broken.write_text(
        "\n".join(
            line
            for line in broken.read_text(encoding="utf-8").splitlines()
            if not line.startswith("text_only")
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n.TABLE, "directory", tmp_path)
    i18n.TABLE.reload()
    try:
        with pytest.raises(I18nError, match=r"ko\.yml.*text_only"):
            i18n.validate()
    finally:
        i18n.TABLE.reload()
