"""Start codes map to the right Rasa messages; anything else falls back to a greeting. Every intent
the gateway sends on its own is one the assistant's domain has."""

import json
import re

import pytest

from bot.start_codes import TOPICS, resolve
from bot.telegram.handlers import TOPIC_COMMANDS
from bot.web.api import FORGET_TURNS
from common.canonical import domain_intents


def test_measure_code_selects_that_section():
    action = resolve("measure_9")
    assert action.message.startswith("/measure_info")
    assert json.loads(action.message[len("/measure_info") :]) == {"item": "section:9"}


def test_route_code_passes_the_route_word():
    assert resolve("route_silk").message == '/route_info{"item": "route:silk"}'


def test_language_code_is_an_explicit_choice():
    action = resolve("lang_fr")
    assert (action.message, action.language) == ("/change_language", "fr")


def test_a_measure_number_goes_to_the_assistant_which_knows_the_measures():
    assert resolve("measure_99").message == '/measure_info{"item": "section:99"}'


@pytest.mark.parametrize(
    "code", ["", None, "measure_0", "measure_x", "lang_pt", "x" * 65, "<script>", "nope"]
)
def test_unknown_or_malformed_codes_greet(code):
    assert resolve(code).message == "/greet"
    assert resolve(code).language is None


def test_invest_code():
    assert resolve("invest").message == "/investor_profile"


def test_every_intent_the_gateway_sends_is_in_the_domain():
    codes = ["", "measure_9", "route_silk", "lang_de", *TOPICS]
    messages = [resolve(code).message for code in codes] + [*TOPIC_COMMANDS.values(), *FORGET_TURNS]
    intents = {re.match(r"/(\w+)", message).group(1) for message in messages}
    assert intents <= domain_intents()
    assert {"greet", "measure_info", "route_info", "change_language", "forget_me"} <= intents


def test_telegram_topic_commands_send_what_their_start_codes_send():
    assert all(TOPIC_COMMANDS[code] == resolve(code).message for code in TOPICS)
