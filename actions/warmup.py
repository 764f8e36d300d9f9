"""Checks the assistant's strings and loads the knowledge base, its query indexes and the language
detector when the action server starts.

rasa_sdk imports every module of this package at start-up, so doing the slow first-use work here
(jieba's and MeCab's dictionaries, TF-IDF per language, lingua's models: several seconds) keeps that
delay off the first real user. Rasa itself imports nothing of this package (rasa_server/ holds what it loads).
Set ACTIONS_WARM_UP=false to skip the loading (e.g. for quick manual experiments). It also starts the
retention sweeper, which must run in the action server and nowhere else.
"""

from __future__ import annotations

import logging
import os
import time

from actions.i18n import STRINGS
from actions.retention import start_sweeper
from actions.settings import get_settings
from common.env import env_flag

log = logging.getLogger(__name__)


def warm_up() -> None:
    from actions import language
    from actions.kb import get_kb, query

    started = time.monotonic()
    kb = get_kb()
    query.warm_up()
    language.detect("Which cultural routes does the paper describe?", kb.languages)
    log.info("knowledge base and language detector ready in %.1f s", time.monotonic() - started)


STRINGS.validate()  # a broken translation stops the start (a few ms), never a user's turn
if env_flag(os.environ, "ACTIONS_WARM_UP", default=True):
    warm_up()

# Retention of the tracker store and the leads, for as long as the action server runs (actions/retention.py).
start_sweeper(get_settings())
