"""One definition of the scripts serves the tokenizer, language detection and the KB search alike."""

from __future__ import annotations

import pytest

from common.scripts import CJK, CYRILLIC, HAN, HANGUL, KANA, chars


@pytest.mark.parametrize(
    "text, script",
    [
        ("한국어", HANGUL),
        ("ㅎㅏ", HANGUL),  # compatibility jamo, as some keyboards type them
        ("ひらがな", KANA),
        ("ｶﾀｶﾅ", KANA),  # half-width katakana
        ("漢字", HAN),
        ("䶮", HAN),  # extension A
        ("Привет", CYRILLIC),
    ],
)
def test_each_script_is_recognised_in_its_own_letters(text, script):
    assert all(chars(script).match(ch) for ch in text)
    others = [other for other in (HANGUL, KANA, HAN, CYRILLIC) if other != script]
    assert not any(chars(other).search(text) for other in others)


def test_cjk_is_chinese_japanese_and_korean_and_nothing_latin():
    assert all(chars(CJK).match(ch) for ch in "中文かな한글")
    assert not chars(CJK).search("Deutsch, français, русский 123 §9")
