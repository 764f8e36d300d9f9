"""Configuration comes from the environment with documented defaults; typos fail at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.settings import Settings


def test_defaults_match_the_documentation():
    settings = Settings.from_env({})
    assert settings.leads_path == Path("var") / "leads.sqlite3"
    assert (
        settings.staff_contact,
        settings.detect_min_confidence,
        settings.match_min_score,
        settings.max_list_buttons,
    ) == ("", 0.7, 0.5, 15)


def test_values_are_read_from_the_environment():
    settings = Settings.from_env(
        {
            "ADVISOR_DATA_DIR": "/srv/advisor",
            "ADVISOR_STAFF_CONTACT": " staff@example.org ",
            "LANGUAGE_MIN_CONFIDENCE": "0.8",
            "MAX_LIST_BUTTONS": "8",
        }
    )
    assert settings.leads_path == Path("/srv/advisor/leads.sqlite3")
    assert (settings.staff_contact, settings.detect_min_confidence, settings.max_list_buttons) == (
        "staff@example.org",
        0.8,
        8,
    )


def test_a_malformed_number_names_the_variable():
    with pytest.raises(ValueError, match="MAX_LIST_BUTTONS"):
        Settings.from_env({"MAX_LIST_BUTTONS": "lots"})
