"""The gateway's strings folders hold exactly the canonical languages, and strings are complete."""

from pathlib import Path

import pytest

from bot.i18n import LANGUAGES, keys, normalize_language, t

GATEWAY = Path(__file__).resolve().parents[2] / "bot"


@pytest.mark.parametrize("folder", ["i18n", "web/i18n", "telegram/i18n"])
def test_every_users_strings_folder_has_a_file_per_canonical_language_and_no_other(folder):
    assert sorted(path.stem for path in (GATEWAY / folder).glob("*.yml")) == sorted(LANGUAGES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_has_every_key(lang):
    assert keys(lang) == keys("en")


def test_codes_from_browsers_and_telegram_are_normalized():
    assert normalize_language("de-AT") == "de"
    assert normalize_language("zh_Hans") == "zh"
    assert normalize_language("pt-BR") is None
    assert normalize_language(None) is None


def test_unknown_language_falls_back_to_english():
    assert t("rasa_unavailable", "pt") == t("rasa_unavailable", "en")
