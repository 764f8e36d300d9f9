"""The web strings: every gateway language complete, and broken files stop the start with a clear error."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, I18nError
from bot.web import i18n


def test_every_language_has_every_string_with_the_same_placeholders():
    tables = i18n.load()
    assert set(tables) == set(LANGUAGES) and len(LANGUAGES) == 8
    for lang in LANGUAGES:
        assert tables[lang].keys() == tables["en"].keys()
    assert i18n.t("error_too_large", "ko", limit=10) == "요청이 너무 큽니다. 최대 10바이트까지 보내 주세요."


def test_non_english_strings_are_translated_not_copied():
    english = i18n.load()["en"]
    for lang in LANGUAGES:
        if lang == "en":
            continue
        same = [
            k
            for k, v in i18n.load()[lang].items()
            if v == english[k] and not k.startswith(("opt_position", "list_separator"))
        ]
        assert len(same) <= 3, (lang, same)  # a few words (Options, Conversation) may coincide


@pytest.fixture
def strings_dir(tmp_path, monkeypatch):
    for lang in LANGUAGES:
        (tmp_path / f"{lang}.yml").write_text(
            (i18n.TABLE.directory / f"{lang}.yml").read_text(encoding="utf-8"), encoding="utf-8"
        )
    monkeypatch.setattr(i18n.TABLE, "directory", tmp_path)
    i18n.TABLE.reload()
    yield tmp_path
    i18n.TABLE.reload()


def test_a_missing_key_names_the_file_and_key(strings_dir):
    path = strings_dir / "ja.yml"
    path.write_text(
        "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("widget_send:")
        ),
        encoding="utf-8",
    )
    with pytest.raises(I18nError, match=r"ja\.yml.*widget_send"):
        i18n.load()


def test_a_wrong_placeholder_names_the_file_and_key(strings_dir):
    path = strings_dir / "de.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("{limit}", "{limt}"), encoding="utf-8")
    with pytest.raises(I18nError, match=r"de\.yml.*error_too_large"):
        i18n.load()
