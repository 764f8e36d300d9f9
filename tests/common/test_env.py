"""Every yes/no setting of the project is read by the same rule."""

from __future__ import annotations

import pytest

from common.env import env_flag


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " ON "])
def test_the_words_for_yes(raw):
    assert env_flag({"FLAG": raw}, "FLAG") is True


@pytest.mark.parametrize("raw", ["0", "false", "NO", "off"])
def test_the_words_for_no(raw):
    assert env_flag({"FLAG": raw}, "FLAG", default=True) is False


@pytest.mark.parametrize("env", [{}, {"FLAG": ""}, {"FLAG": "  "}])
def test_unset_or_empty_is_the_default(env):
    assert env_flag(env, "FLAG", default=True) is True
    assert env_flag(env, "FLAG") is False


def test_any_other_word_is_an_error_naming_the_variable():
    with pytest.raises(ValueError, match="ACTIONS_WARM_UP must be one of .* got 'ture'"):
        env_flag({"ACTIONS_WARM_UP": "ture"}, "ACTIONS_WARM_UP", default=True)
