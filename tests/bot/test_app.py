"""The gateway app factory: health endpoint and Rasa status, against a real local fake Rasa."""

import pytest
from aiohttp import web

from bot.app import create_app
from bot.settings import Settings, SettingsError


async def test_healthz_reports_rasa_down_when_nothing_listens(aiohttp_client, unused_tcp_port, tmp_path):
    app = create_app(Settings(rasa_url=f"http://127.0.0.1:{unused_tcp_port}", data_dir=str(tmp_path)))
    client = await aiohttp_client(app)
    resp = await client.get("/healthz")
    assert resp.status == 200
    url = f"http://127.0.0.1:{unused_tcp_port}"
    assert await resp.json() == {"status": "ok", "rasa": "down", "instances": {url: "down"}}
    ready = await client.get("/readyz")
    assert (ready.status, await ready.json()) == (503, {"ready": False})


async def test_healthz_reports_rasa_up(aiohttp_client, aiohttp_server, tmp_path):
    fake = web.Application()
    fake.router.add_get("/", lambda r: web.Response(text="Hello from Rasa: 3.6.21"))
    server = await aiohttp_server(fake)
    client = await aiohttp_client(create_app(Settings(rasa_url=str(server.make_url("")).rstrip("/"), data_dir=str(tmp_path))))
    assert (await (await client.get("/healthz")).json())["rasa"] == "up"
    assert (await client.get("/readyz")).status == 200


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
