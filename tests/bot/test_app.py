"""The gateway app factory: health endpoint and Rasa status, against a real local fake Rasa."""

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings, SettingsError


async def _dependency(aiohttp_server, path: str) -> str:
    """A real local server answering 200 on `path`, standing in for Rasa or the action server."""

    async def ok(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    fake = web.Application()
    fake.router.add_get(path, ok)
    return str((await aiohttp_server(fake)).make_url("")).rstrip("/")


async def test_healthz_reports_each_dependency_and_readiness_is_red_while_either_is_down(
    aiohttp_client, aiohttp_server, unused_tcp_port, tmp_path
):
    rasa, actions = await _dependency(aiohttp_server, "/"), await _dependency(aiohttp_server, "/health")
    nowhere = f"http://127.0.0.1:{unused_tcp_port}"
    cases = {
        (rasa, actions): ("up", "up", 200),
        (rasa, nowhere): ("up", "down", 503),
        (nowhere, actions): ("down", "up", 503),
        (nowhere, nowhere): ("down", "down", 503),
    }
    for (rasa_url, actions_url), (rasa_state, actions_state, ready_status) in cases.items():
        settings = Settings.from_env(
            {
                "RASA_URL": rasa_url,
                "ACTION_SERVER_URL": f"{actions_url}/webhook",
                "ADVISOR_DATA_DIR": str(tmp_path),
            }
        )
        client = await aiohttp_client(create_app(settings))
        live = await client.get("/healthz")
        assert live.status == 200  # liveness: restarting the gateway would not bring Rasa back
        assert await live.json() == {
            "status": "ok",
            "ready": ready_status == 200,
            "rasa": rasa_state,
            "action_server": actions_state,
        }
        ready = await client.get("/readyz")
        assert ready.status == ready_status
        assert (await ready.json())["action_server"] == actions_state
        await client.close()


def test_the_action_server_url_comes_from_the_launchers_variables():
    assert Settings.from_env({}).action_server_url == "http://127.0.0.1:5055"
    assert Settings.from_env({"ACTION_SERVER_PORT": "6055"}).action_server_url == "http://127.0.0.1:6055"
    assert Settings.from_env({"ACTION_SERVER_URL": "http://a:1/webhook"}).action_server_url == "http://a:1"


async def test_with_several_rasa_instances_one_up_is_enough_and_each_is_reported(
    aiohttp_client, aiohttp_server, unused_tcp_port, tmp_path
):
    rasa, actions = await _dependency(aiohttp_server, "/"), await _dependency(aiohttp_server, "/health")
    nowhere = f"http://127.0.0.1:{unused_tcp_port}"
    settings = Settings.from_env(
        {
            "RASA_URLS": f"{nowhere},{rasa}",
            "ACTION_SERVER_URL": f"{actions}/webhook",
            "ADVISOR_DATA_DIR": str(tmp_path),
        }
    )
    client = await aiohttp_client(create_app(settings))
    ready = await client.get("/readyz")
    assert ready.status == 200
    body = await ready.json()
    assert (body["rasa"], body[f"rasa {nowhere}"], body[f"rasa {rasa}"]) == ("up", "down", "up")


def test_settings_reject_bad_values():
    with pytest.raises(SettingsError, match="GATEWAY_PORT"):
        Settings.from_env({"GATEWAY_PORT": "eighty"})
    with pytest.raises(SettingsError, match="DEFAULT_LANGUAGE"):
        Settings.from_env({"DEFAULT_LANGUAGE": "pt"})
    assert Settings.from_env({}).port == 8080


def test_integer_variables_name_themselves_and_their_bound():
    from bot.settings import env_int

    assert env_int({}, "WIDGET_MAX_TEXT", 7, minimum=1) == 7
    assert env_int({"WIDGET_MAX_TEXT": "12"}, "WIDGET_MAX_TEXT", 7, minimum=1) == 12
    for raw in ("0", "-3", "3.5", "many"):
        with pytest.raises(SettingsError, match=r"WIDGET_MAX_TEXT must be an integer >= 1"):
            env_int({"WIDGET_MAX_TEXT": raw}, "WIDGET_MAX_TEXT", 7, minimum=1)


async def test_rasa_client_relays_sender_text_and_metadata(fake_rasa, settings, aiohttp_client):
    from bot import keys

    client = await aiohttp_client(create_app(settings))
    rasa = client.app[keys.RASA]
    reply = await rasa.send("web:abc", "hello", {"language": "de"})
    assert reply[0].text == "echo: hello"
    assert reply[1].custom == {"language": "de"}
    assert fake_rasa.received[-1] == {"sender": "web:abc", "message": "hello", "metadata": {"language": "de"}}


async def test_rasa_client_raises_unavailable_when_down_or_slow(fake_rasa, settings, aiohttp_client):
    from bot import keys
    from bot.rasa_client import RasaUnavailable

    client = await aiohttp_client(create_app(settings))
    rasa = client.app[keys.RASA]
    fake_rasa.down = True
    with pytest.raises(RasaUnavailable):
        await rasa.send("web:abc", "hello")
    fake_rasa.down, fake_rasa.delay = False, 5
    rasa.timeout = 0.3
    with pytest.raises(RasaUnavailable):
        await rasa.send("web:abc", "hello")
