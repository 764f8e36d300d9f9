"""The gateway's languages agree with the canonical list in the knowledge base, and strings are complete."""

from pathlib import Path

import pytest
import yaml

from bot.i18n import LANGUAGES, keys, normalize_language, t

CANONICAL = Path(__file__).resolve().parents[2] / "actions" / "kb" / "data" / "languages.yml"


def canonical_codes():
    return tuple(item["code"] for item in yaml.safe_load(CANONICAL.read_text(encoding="utf-8"))["languages"])


def test_gateway_languages_match_the_knowledge_base_in_order():
    assert LANGUAGES == canonical_codes()


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
