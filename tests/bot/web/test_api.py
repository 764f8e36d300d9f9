"""The public chat API through the real gateway app and a fake Rasa on 127.0.0.1."""

from __future__ import annotations

import json
import re

from jsonschema import Draft202012Validator

from bot.app import create_app
from bot.i18n import t as common_t
from tests.bot.web.conftest import ACME, OTHER
from tests.bot.web.paper_rasa import ANSWER, GREETING, MEASURE_9, MORE_BUTTON


async def new_session(client, site: str = "acme", origin: str | None = ACME, **extra) -> str:
    headers = {"Origin": origin} if origin else {}
    resp = await client.post("/api/v1/session", json={"site": site, **extra}, headers=headers)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["session_id"]


async def say(client, session: str, origin: str | None = ACME, **fields):
    headers = {"Origin": origin} if origin else {}
    return await client.post("/api/v1/chat", json={"session_id": session, **fields}, headers=headers)


async def history_of(client, session: str, origin: str | None = ACME):
    headers = {"Authorization": f"Bearer {session}", **({"Origin": origin} if origin else {})}
    return await client.get("/api/v1/history", headers=headers)


async def test_sessions_are_random_server_issued_ids(api):
    client = await api()
    first, second = await new_session(client), await new_session(client)
    assert first != second
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", first)


async def test_chat_returns_visible_messages_buttons_and_reply_language(api, fake_rasa):
    client = await api()
    session = await new_session(client)
    resp = await say(client, session, text="How can the areas do publicity abroad?", language="en")
    assert resp.status == 200
    body = await resp.json()
    assert body["messages"] == [{"text": ANSWER, "buttons": [MORE_BUTTON], "image": None}]
    assert body["language"] == "en" and body["forgotten"] is False
    sent = fake_rasa.received[-1]
    assert sent["sender"].startswith("web:") and session not in sent["sender"]
    assert sent["metadata"] == {"channel": "web", "language": "en", "language_source": "channel"}


async def test_reply_language_comes_from_rasas_custom_marker(api, fake_rasa):
    client = await api()
    session = await new_session(client)
    fake_rasa.reply_with({"text": "Bonjour"}, {"custom": {"language": "fr"}})
    body = await (await say(client, session, text="bonjour", language="en")).json()
    assert body["language"] == "fr"
    assert body["messages"] == [{"text": "Bonjour", "buttons": [], "image": None}]


async def test_start_codes_and_explicit_language_reach_rasa(api, fake_rasa):
    client = await api()
    session = await new_session(client)
    await say(client, session, start="measure_9", language="de")
    assert fake_rasa.received[-1]["message"] == '/measure_info{"item": "section:9"}'
    body = await (await say(client, session, start="lang_de")).json()
    assert fake_rasa.received[-1]["message"] == "/change_language"
    assert fake_rasa.received[-1]["metadata"]["language_source"] == "explicit"
    assert body["language"] == "de"
    await say(client, session, payload="/change_language", language="de", language_source="explicit")
    assert fake_rasa.received[-1]["metadata"] == {
        "channel": "web",
        "language": "de",
        "language_source": "explicit",
    }


async def test_history_keeps_both_sides_with_button_titles(api):
    client = await api()
    session = await new_session(client)
    await say(client, session, start="hello")
    await say(client, session, text="Tell me about publicity")
    await say(client, session, payload=MORE_BUTTON["payload"])
    resp = await history_of(client, session)
    assert resp.status == 200
    messages = (await resp.json())["messages"]
    assert [(m["role"], m["text"]) for m in messages] == [
        ("bot", GREETING["en"]),
        ("user", "Tell me about publicity"),
        ("bot", ANSWER),
        ("user", MORE_BUTTON["title"]),
        ("bot", MEASURE_9),
    ]
    assert messages[2]["buttons"] == [MORE_BUTTON]


async def test_history_is_only_the_callers_own(api):
    client = await api()
    alice, bob = await new_session(client), await new_session(client)
    await say(client, alice, text="alice's secret question")
    bob_view = await (await history_of(client, bob)).json()
    assert bob_view["messages"] == []
    unknown = await history_of(client, "x" * 32)
    assert unknown.status == 404
    assert (await unknown.json())["error"]["code"] == "session"
    missing = await client.get("/api/v1/history", headers={"Origin": ACME})
    assert missing.status == 401


async def test_a_session_cannot_be_used_from_another_sites_origin(api):
    client = await api()
    alice = await new_session(client, site="acme", origin=ACME)
    await say(client, alice, text="hello")
    assert (await history_of(client, alice, origin=OTHER)).status == 403
    assert (await say(client, alice, origin=OTHER, text="hi")).status == 403
    wrong_site = await client.post("/api/v1/session", json={"site": "other"}, headers={"Origin": ACME})
    assert wrong_site.status == 403


async def test_history_survives_a_gateway_restart(aiohttp_client, make_settings):
    first = await aiohttp_client(create_app(make_settings()))
    session = await new_session(first)
    await say(first, session, text="Tell me about publicity")
    await first.close()
    second = await aiohttp_client(create_app(make_settings()))
    messages = (await (await history_of(second, session)).json())["messages"]
    assert [m["text"] for m in messages] == ["Tell me about publicity", ANSWER]


async def test_confirmed_forget_me_deletes_the_stored_conversation(api):
    client = await api()
    session = await new_session(client)
    await say(client, session, text="Tell me about publicity")
    await say(client, session, payload="/forget_me")
    body = await (await say(client, session, payload="/affirm")).json()
    assert body["forgotten"] is True
    assert (await (await history_of(client, session)).json())["messages"] == []


async def test_cors_preflight_allows_configured_origins_only(api):
    client = await api()
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = await client.options("/api/v1/chat", headers={"Origin": ACME, **preflight})
    assert allowed.status == 200
    assert allowed.headers["Access-Control-Allow-Origin"] == ACME
    denied = await client.options("/api/v1/chat", headers={"Origin": "https://evil.example", **preflight})
    assert denied.status == 403
    assert "Access-Control-Allow-Origin" not in denied.headers


async def test_requests_from_unknown_origins_are_refused_with_a_localized_message(api):
    client = await api()
    resp = await client.post(
        "/api/v1/session",
        json={"site": "acme"},
        headers={"Origin": "https://evil.example", "Accept-Language": "ja"},
    )
    assert resp.status == 403
    assert "Access-Control-Allow-Origin" not in resp.headers
    assert (await resp.json())["error"]["message"] == "このウェブサイトはアドバイザーを利用できません。"
    ok = await client.post("/api/v1/session", json={"site": "acme"}, headers={"Origin": ACME})
    assert ok.headers["Access-Control-Allow-Origin"] == ACME


async def test_the_demo_site_is_allowed_from_the_gateways_own_origin(api):
    client = await api()
    own = f"http://{client.server.host}:{client.server.port}"
    assert (
        await client.post("/api/v1/session", json={"site": "demo"}, headers={"Origin": own})
    ).status == 201
    assert (
        await client.post("/api/v1/session", json={"site": "acme"}, headers={"Origin": own})
    ).status == 403


async def test_per_session_rate_limit_answers_429_with_retry_after(api):
    client = await api(WIDGET_RATE_SESSION="2/minute")
    session, other = await new_session(client), await new_session(client)
    assert (await say(client, session, text="one")).status == 200
    assert (await say(client, session, text="two")).status == 200
    limited = await say(client, session, text="three", language="de")
    assert limited.status == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["Access-Control-Allow-Origin"] == ACME
    assert "Retry-After" in limited.headers["Access-Control-Expose-Headers"]
    assert (await limited.json())["error"]["message"].startswith("Sie senden zu schnell")
    assert (await say(client, other, text="one")).status == 200


async def test_per_ip_rate_limit_covers_every_endpoint(api):
    client = await api(WIDGET_RATE_IP="3/minute")
    session = await new_session(client)
    assert (await say(client, session, text="one")).status == 200
    assert (await history_of(client, session)).status == 200
    limited = await client.get("/api/v1/openapi.json")
    assert limited.status == 429
    assert int(limited.headers["Retry-After"]) > 0


async def test_new_sessions_per_ip_are_limited(api):
    client = await api(WIDGET_RATE_NEW_SESSION="1/hour")
    await new_session(client)
    resp = await client.post("/api/v1/session", json={"site": "acme"}, headers={"Origin": ACME})
    assert resp.status == 429


async def test_oversized_bodies_get_413(api, fake_rasa):
    client = await api(WIDGET_MAX_BODY="300", WIDGET_MAX_TEXT="1000")
    session = await new_session(client)
    before = len(fake_rasa.received)
    big = {"session_id": session, "text": "x" * 400}
    resp = await client.post(
        "/api/v1/chat", json=big, headers={"Origin": ACME, "Accept-Language": "fr-CA,fr"}
    )
    assert resp.status == 413
    assert (await resp.json())["error"][
        "message"
    ] == "La requête est trop volumineuse. Envoyez au plus 300 octets."
    assert len(fake_rasa.received) == before


async def test_malformed_json_gets_a_localized_400(api):
    client = await api()
    resp = await client.post(
        "/api/v1/chat",
        data=b'{"session_id": ',
        headers={"Origin": ACME, "Content-Type": "application/json", "Accept-Language": "ru"},
    )
    assert resp.status == 400
    assert (await resp.json())["error"] == {
        "code": "bad_json",
        "message": "Тело запроса должно быть объектом JSON.",
    }
    not_object = await client.post("/api/v1/chat", data=b"[1, 2]", headers={"Origin": ACME})
    assert (await not_object.json())["error"]["code"] == "bad_json"


async def test_invalid_fields_get_a_400_naming_the_field(api):
    client = await api(WIDGET_MAX_TEXT="50")
    session = await new_session(client)
    cases = {
        "text": {"text": "   "},
        "payload": {"payload": "not a payload"},
        "language_source": {"text": "hi", "language_source": "guessed"},
        "colour": {"text": "hi", "colour": "red"},
    }
    for field, fields in cases.items():
        resp = await say(client, session, **fields)
        assert resp.status == 400, field
        assert (await resp.json())["error"]["message"] == f"The field “{field}” is missing or invalid."
    too_long = await say(client, session, text="y" * 51)
    assert too_long.status == 400
    both = await say(client, session, text="hi", payload="/greet")
    assert both.status == 400
    no_id = await client.post("/api/v1/chat", json={"text": "hi"}, headers={"Origin": ACME})
    assert "session_id" in (await no_id.json())["error"]["message"]


async def test_rasa_down_gives_a_localized_503_and_stores_nothing(api, fake_rasa):
    client = await api()
    session = await new_session(client, language="es")
    fake_rasa.down = True
    resp = await say(client, session, text="hola")
    assert resp.status == 503
    message = (await resp.json())["error"]["message"]
    assert message.startswith("Lo sentimos, el asesor no está disponible")
    assert message == common_t("rasa_unavailable", "es")  # the words Telegram users get
    assert (await (await history_of(client, session)).json())["messages"] == []


async def test_openapi_document_describes_the_endpoints_with_valid_schemas(api):
    client = await api()
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    assert {"/session", "/chat", "/history"} <= set(doc["paths"])
    chat_schema = doc["paths"]["/chat"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    Draft202012Validator.check_schema(chat_schema)
    validator = Draft202012Validator(chat_schema)
    assert validator.is_valid({"session_id": "a" * 32, "text": "hello"})
    assert not validator.is_valid({"session_id": "a" * 32})
    assert "429" in doc["paths"]["/chat"]["post"]["responses"]


async def test_errors_outside_handlers_are_json_too(api):
    client = await api()
    resp = await client.get("/api/v1/nowhere", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert resp.status == 404
    assert (await resp.json())["error"]["message"] == "此地址没有内容。"
    wrong_method = await client.get("/api/v1/chat")
    assert wrong_method.status == 405
    assert json.loads(await wrong_method.text())["error"]["code"] == "method"


async def test_text_no_store_can_hold_is_a_localized_400_and_never_wedges_the_service(api, fake_rasa):
    client = await api()
    session = await new_session(client)
    for bad in ("\ud800", "a\x00b", "evil \u202e txt", "\x07"):
        raw = json.dumps({"session_id": session, "text": bad, "language": "de"})  # valid JSON, escaped
        resp = await client.post(
            "/api/v1/chat", data=raw, headers={"Origin": ACME, "Content-Type": "application/json"}
        )
        assert resp.status == 400, bad
        body = await resp.json()
        assert "text" in json.dumps(body, ensure_ascii=False)
    assert fake_rasa.received == []  # nothing of it reached Rasa
    ok = await say(client, session, text="How can the areas do publicity abroad?")
    assert ok.status == 200  # and the next turn is answered as usual


async def test_a_failed_history_write_rolls_back_and_the_store_keeps_working(tmp_path):
    from bot.web.store import ChatStore, StoredMessage

    store = ChatStore(tmp_path / "web.sqlite3")
    await store.open()
    session = await store.create_session("acme", "en")
    try:
        await store.append(session.id, [StoredMessage("user", "\ud800")])
    except UnicodeEncodeError:
        pass
    await store.append(session.id, [StoredMessage("user", "still here")])
    assert [m.text for m in await store.history(session.id, 10)] == ["still here"]
    await store.close()


async def test_a_turn_without_the_language_marker_is_a_localized_503_not_silence(api, fake_rasa):
    client = await api()
    session = await new_session(client, language="es")
    fake_rasa.reply_with(marker=False)  # Rasa's `200 []` while the action server is down
    resp = await say(client, session, text="hola")
    assert resp.status == 503
    assert (await resp.json())["error"]["message"].startswith("Lo sentimos, el asesor no está disponible")


async def raw_request(client, head: bytes, body: bytes = b"") -> int:
    """Sends bytes no well-behaved client would (a header that is not UTF-8) and returns the status."""
    import asyncio

    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        head + b"\r\nContent-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    writer.close()
    await writer.wait_closed()
    return status


async def test_deeply_nested_json_within_the_size_limit_is_a_400(api):
    client = await api()
    resp = await client.post("/api/v1/chat", data="[" * 3000, headers={"Content-Type": "application/json"})
    assert resp.status == 400


async def test_a_bearer_that_is_not_a_session_id_or_not_utf8_is_a_401(api):
    client = await api()
    resp = await client.get("/api/v1/history", headers={"Authorization": "Bearer ünïcödé-not-a-session-id"})
    assert resp.status == 401
    status = await raw_request(
        client,
        b"GET /api/v1/history HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\xfd-abcdefghijklmnop",
    )
    assert status == 401


async def test_a_full_rasa_is_a_fast_localized_503_with_retry_after_not_a_queue(api, fake_rasa):
    import asyncio

    client = await api(RASA_MAX_CONCURRENT="1", RASA_TIMEOUT="10")
    first, second = await new_session(client), await new_session(client, language="de")
    fake_rasa.delay = 2
    slow = asyncio.ensure_future(say(client, first, text="How can the areas do publicity abroad?"))
    while not fake_rasa.received:  # the first turn holds the only slot
        await asyncio.sleep(0.01)
    busy = await say(client, second, text="Hallo", language="de")
    assert busy.status == 503
    assert busy.headers["Retry-After"] == "5"
    assert (await busy.json())["error"][
        "message"
    ] == "Der Berater ist gerade ausgelastet. Bitte versuchen Sie es in 5 Sekunden erneut."
    assert not slow.done()  # refused while the other turn was still running: no queue
    assert (await slow).status == 200
    assert len(fake_rasa.received) == 1
