"""WIDGET_* configuration: parsed at start-up, and a bad value names its variable."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError
from bot.web.settings import WebSettings


def test_sites_and_origins_are_parsed_and_the_demo_site_always_exists():
    web = WebSettings.from_env(
        {"WIDGET_SITES": "acme=https://A.example,https://b.example:8443/; blog=http://127.0.0.1:8080"}
    )
    assert web.sites == {
        "acme": ("https://a.example", "https://b.example:8443"),
        "blog": ("http://127.0.0.1:8080",),
        "demo": (),
    }
    assert web.all_origins == {"https://a.example", "https://b.example:8443", "http://127.0.0.1:8080"}


def test_defaults_are_documented_values():
    web = WebSettings.from_gateway(Settings.from_env({"ADVISOR_DATA_DIR": "/srv/advisor"}))
    assert (web.rate_session, web.rate_ip, web.max_body, web.max_text) == (
        "30/minute",
        "120/minute",
        4096,
        1000,
    )
    assert str(web.database) == "/srv/advisor/web_chat.sqlite3"
    assert web.sites == {"demo": ()}


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"WIDGET_SITES": "acme=ftp://a.example"}, "WIDGET_SITES"),
        ({"WIDGET_SITES": "acme=https://a.example/path"}, "WIDGET_SITES"),
        ({"WIDGET_SITES": "no equals sign"}, "WIDGET_SITES"),
        ({"WIDGET_SITES": "a=https://x.example;a=https://y.example"}, "WIDGET_SITES"),
        ({"WIDGET_RATE_SESSION": "lots"}, "WIDGET_RATE_SESSION"),
        ({"WIDGET_MAX_BODY": "-1"}, "WIDGET_MAX_BODY"),
        ({"WIDGET_TRUST_FORWARDED": "maybe"}, "WIDGET_TRUST_FORWARDED"),
        ({"WIDGET_PUBLIC_URL": "advisor.example"}, "WIDGET_PUBLIC_URL"),
        ({"WIDGET_DEMO_SITE": "demo site"}, "WIDGET_DEMO_SITE"),
    ],
)
def test_bad_values_name_their_variable(env, variable):
    with pytest.raises(SettingsError, match=variable):
        WebSettings.from_env(env)


def test_the_gateway_refuses_to_start_with_a_bad_widget_setting():
    from bot.app import create_app

    with pytest.raises(SettingsError, match="WIDGET_RATE_IP"):
        create_app(Settings.from_env({"WIDGET_RATE_IP": "ten"}))
