"""The tokenizer splits each script into real words, with offsets Rasa can rely on."""

import pytest

from components.segmentation import segment


def words(text):
    return [w for w, _ in segment(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("南方丝绸之路在哪里", ["南方", "丝绸之路", "在", "哪里"]),
        ("9番目の施策について", ["9", "番", "目", "の", "施策", "に", "つい", "て"]),
        ("아홉 번째 방안이 뭐예요?", ["아홉", "번", "째", "방안", "이", "뭐", "예요"]),
        ("Was ist die Seidenstraße?", ["Was", "ist", "die", "Seidenstraße"]),
        ("Что такое мера 9?", ["Что", "такое", "мера", "9"]),
        ("l'investissement étranger", ["l'investissement", "étranger"]),
    ],
)
def test_segments_each_script_into_words(text, expected):
    assert words(text) == expected


def test_offsets_point_at_the_words():
    text = "measure 9 和 南方丝绸之路 그리고 실크로드"
    for word, start in segment(text):
        assert text[start : start + len(word)] == word


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("😀", []),
        ("   ", []),
        ("?!", []),
        ("\u200b", []),  # a zero-width space alone
        ("a😀b", [("a", 0), ("b", 2)]),
        ("Hi!\n\tthere", [("Hi", 0), ("there", 5)]),
        ("x" * 10000, [("x" * 10000, 0)]),
    ],
)
def test_odd_input_gives_only_real_words_at_their_offsets(text, expected):
    """Users send emoji, punctuation and pasted walls of text: the tokenizer must neither raise nor
    hand Rasa an empty or whitespace token (its featurizers index tokens by offset)."""
    assert list(segment(text)) == expected
