"""Language resolution follows the order of docs/CONTRACTS.md."""

from __future__ import annotations

import pytest

from actions.kb import query
from actions.language import LanguageInputs, detect, is_long, resolve
from common.canonical import LANGUAGES


def choose(**kwargs):
    return resolve(LanguageInputs(**kwargs), LANGUAGES, 0.7, query.parse_language)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Hallo!", "de"),
        ("¡Hola!", "es"),
        ("こんにちは", "ja"),
        ("Привет", "ru"),
        ("안녕하세요", "ko"),
        ("你好", "zh"),
        ("Bonjour", "fr"),
        ("Hi", "en"),
    ],
)
def test_short_greetings_come_out_right(text, expected):
    assert choose(text=text).code == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("What does the paper say about publicity abroad?", "en"),
        ("Welche Maßnahmen schlägt der Artikel vor?", "de"),
        ("Quelles sont les routes culturelles ?", "fr"),
        ("¿Qué rutas culturales hay?", "es"),
        ("Какие меры предлагает статья?", "ru"),
        ("论文提出了哪些措施", "zh"),
        ("論文はどんな施策を提案していますか", "ja"),
        ("논문은 어떤 조치를 제안하나요", "ko"),
    ],
)
def test_questions_are_detected_in_every_language(text, expected):
    assert choose(text=text).code == expected


def test_unclear_message_falls_back_to_channel_hint_then_previous_then_english():
    assert choose(text="ok", metadata={"language": "ja"}).code == "ja"
    assert choose(text="ok", previous="ko").code == "ko"
    assert choose(text="ok").code == "en"


def test_button_payloads_carry_no_language():
    assert detect('/measure_info{"item":"section:9"}', LANGUAGES) is None
    assert choose(text='/measure_info{"item":"section:9"}', previous="fr").code == "fr"


def test_ui_language_switch_is_an_explicit_request():
    chosen = choose(
        text="Hello there, what can you do?", metadata={"language": "de", "language_source": "explicit"}
    )
    assert (chosen.code, chosen.explicit, chosen.source) == ("de", True, "request")


def test_language_button_and_typed_request_are_explicit():
    assert choose(text="/change_language", intent="change_language", item="language:ko").code == "ko"
    typed = choose(text="answer in German please", intent="change_language")
    assert (typed.code, typed.explicit) == ("de", True)


def test_stored_choice_beats_short_messages_but_not_a_full_sentence_in_another_language():
    stored = choose(text="ok", previous="de", explicit=True, metadata={"language": "en"})
    assert (stored.code, stored.explicit) == ("de", True)
    assert choose(text="Hi", previous="de", explicit=True).code == "de"
    switched = choose(text="Je voudrais connaître les mesures du gouvernement", previous="de", explicit=True)
    assert (switched.code, switched.explicit) == ("fr", False)


def test_channel_hint_is_weaker_than_a_confident_message():
    assert choose(text="Welche Routen gibt es?", metadata={"language": "en"}).code == "de"


def test_long_means_three_words_or_six_cjk_characters():
    assert is_long("one two three") and not is_long("one two")
    assert is_long("论文提出了哪些") and not is_long("你好吗")


@pytest.mark.parametrize(
    "text, expected",
    [("cual es la conclusion", "es"), ("la conclusion de l'article", "fr")],
)
def test_first_message_without_other_evidence_gets_the_likely_language(text, expected):
    choice = choose(text=text)
    assert choice.code == expected and choice.source in ("detected", "guessed")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("merci bcp", "fr"),
        ("cooperation internationale", "fr"),
        ("industrie intelligente ?", "fr"),
        ("die Routen", "de"),
        ("las rutas rojas", "es"),
        ("smart industry", "en"),
    ],
)
def test_a_short_first_message_the_detectors_are_unsure_of_gets_the_language_of_its_words(text, expected):
    """Our own texts' vocabulary decides where lingua and fastText are both unsure (language_words)."""
    choice = choose(text=text)
    assert choice.code == expected and choice.source in ("detected", "guessed")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Guten Tag zusammen", "de"),
        ("et la formation du personnel", "fr"),
        ("cual es la conclusion", "es"),
        ("y el corredor tibet qiang yi?", "es"),
        ("formation du personnel ?", "fr"),
    ],
)
def test_short_messages_both_detectors_agree_on_beat_the_channel_hint(text, expected):
    assert choose(text=text, metadata={"language": "en"}).code == expected


def test_a_coin_flip_never_overrides_the_channel_hint_or_the_conversation():
    assert choose(text="ok", metadata={"language": "de"}).code == "de"
    assert choose(text="Wuxi", previous="fr").code == "fr"


def test_the_users_language_outranks_the_channel_hint_after_a_button_or_a_short_word():
    """A Telegram app set to Japanese must not turn an English conversation Japanese."""
    for text in ('/measure_info{"item":"section:9"}', "ok", "Wuxi", "Anna"):
        choice = choose(text=text, metadata={"language": "ja"}, previous="en", previous_from_user=True)
        assert (choice.code, choice.source) == ("en", "kept")
    assert choose(text="/affirm", metadata={"language": "ja"}, previous="en").code == "ja"


def test_a_short_word_does_not_switch_a_conversation_but_a_sentence_does():
    assert choose(text="ok", previous="de", previous_from_user=True).code == "de"
    assert choose(text="what does measure 9 say", previous="de", previous_from_user=True).code == "en"
    assert choose(text="Hallo!", previous="en", previous_from_user=True).code == "de"


@pytest.mark.parametrize("text", ["第三", "三国", "南方丝绸之路"])
def test_han_characters_alone_keep_a_japanese_conversation_japanese(text):
    assert choose(text=text, previous="ja", previous_from_user=True).code == "ja"
    assert choose(text=text, metadata={"language": "ja"}).code == "ja"
    assert choose(text=text, previous="zh", previous_from_user=True).code == "zh"


@pytest.mark.parametrize("text", ["Wuxi", "ok", "/affirm"])
def test_coin_flips_are_not_guessed(text):
    assert choose(text=text).code == "en"
    assert choose(text=text).source == "default"
