"""The one string-table checker, as every strings folder (gateway and assistant) relies on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from common.canonical import LANGUAGES
from common.string_tables import I18nError, StringTable


def table_of(tmp_path: Path, **per_lang: str) -> StringTable:
    """A folder with `greeting` in every language; `per_lang` replaces some languages' files."""
    for lang in LANGUAGES:
        text = per_lang.get(lang, f'greeting: "Hello {{name}} ({lang})"\nplain: "Plain ({lang})"\n')
        (tmp_path / f"{lang}.yml").write_text(text, encoding="utf-8")
    return StringTable(tmp_path)


def test_a_string_is_filled_in_the_language_asked_and_in_english_for_an_unknown_one(tmp_path):
    table = table_of(tmp_path)
    assert table.t("greeting", "de", name="Anna") == "Hello Anna (de)"
    assert table.t("greeting", "de-AT", name="Anna") == "Hello Anna (de)"
    assert table.t("greeting", "pt", name="Ana") == "Hello Ana (en)"
    assert table.has("plain") and not table.has("nowhere")


def test_a_missing_parameter_is_an_error_naming_the_key_not_a_raw_placeholder(tmp_path):
    with pytest.raises(I18nError, match="'greeting' needs the parameters \\['name'\\]"):
        table_of(tmp_path).t("greeting", "fr")


@pytest.mark.parametrize(
    "broken, message",
    [
        ('plain: "Plain"\n', r"ko\.yml: missing keys \['greeting'\]"),
        (
            'greeting: "Hi {nom}"\nplain: "x"\n',
            r"ko\.yml: key 'greeting' must use the placeholders \['name'\]",
        ),
        ('greeting: "Hi {name"\nplain: "x"\n', r"ko\.yml: key 'greeting': malformed placeholder"),
        ('greeting: "Hi {name}"\nplain: ""\n', r"ko\.yml: key 'plain' must be a non-empty string"),
        ('greeting: "Hi {name}"\nplain: "x"\nextra: "y"\n', r"ko\.yml: .*unknown keys \['extra'\]"),
    ],
)
def test_a_broken_translation_fails_validation_naming_file_and_key(tmp_path, broken, message):
    with pytest.raises(I18nError, match=message):
        table_of(tmp_path, ko=broken).validate()


def test_a_missing_language_file_is_named(tmp_path):
    table = table_of(tmp_path)
    (tmp_path / "ja.yml").unlink()
    with pytest.raises(I18nError, match=r"ja\.yml: missing strings file"):
        table.validate()
