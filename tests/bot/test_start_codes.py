"""Start codes map to the right Rasa messages; anything else falls back to a greeting."""

import json

import pytest

from bot.start_codes import resolve


def test_measure_code_selects_that_section():
    action = resolve("measure_9")
    assert action.message.startswith("/measure_info")
    assert json.loads(action.message[len("/measure_info") :]) == {"item": "section:9"}


def test_route_code_passes_the_route_word():
    assert resolve("route_silk").message == '/route_info{"item": "route:silk"}'


def test_language_code_is_an_explicit_choice():
    action = resolve("lang_fr")
    assert (action.message, action.language) == ("/change_language", "fr")


@pytest.mark.parametrize("code", ["", None, "measure_99", "lang_pt", "x" * 65, "<script>", "nope"])
def test_unknown_or_malformed_codes_greet(code):
    assert resolve(code).message == "/greet"
    assert resolve(code).language is None


def test_invest_code():
    assert resolve("invest").message == "/investor_profile"
