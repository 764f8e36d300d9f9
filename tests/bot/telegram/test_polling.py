"""The connector in polling mode, end to end: real PTB, fake Bot API, fake Rasa."""

from __future__ import annotations

import pytest

from bot.i18n import LANGUAGES, NATIVE_NAMES
from bot.telegram import i18n
from bot.telegram.handlers import MENU_COMMANDS
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange, keyboard_of, settle

CHAT = 4242


async def test_text_reaches_rasa_as_the_chat_with_channel_metadata(polling, bot_api, fake_rasa):
    sent = await exchange(
        bot_api, updates.text_update(CHAT, "Welche Maßnahmen gibt es?", language_code="de-AT")
    )
    assert fake_rasa.received == [
        {
            "sender": f"telegram:{CHAT}",
            "message": "Welche Maßnahmen gibt es?",
            "metadata": {
                "channel": "telegram",
                "language": "de",
                "language_source": "channel",
                "chat_type": "private",
            },
        }
    ]
    assert sent[0].params["text"] == "echo: Welche Maßnahmen gibt es?"
    methods = [c.method for c in bot_api.calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert bot_api.called("sendChatAction")[0].params["action"] == "typing"


async def test_unsupported_language_code_goes_as_null(polling, bot_api, fake_rasa):
    await exchange(bot_api, updates.text_update(CHAT, "hello", language_code="pt-BR"))
    assert fake_rasa.received[0]["metadata"]["language"] is None


async def test_polling_mode_clears_any_webhook_and_registers_localized_commands(polling, bot_api):
    assert bot_api.called("deleteWebhook") and not bot_api.called("setWebhook")
    menus = {c.params.get("language_code"): c.params["commands"] for c in bot_api.called("setMyCommands")}
    assert set(menus) == set(LANGUAGES) | {None}
    for lang in LANGUAGES:
        assert [c["command"] for c in menus[lang]] == list(MENU_COMMANDS)
        assert menus[lang][0]["description"] == i18n.t("cmd_start", lang)
    assert menus["ru"][1]["description"] != menus["en"][1]["description"]


async def test_reply_markup_is_escaped_in_html_mode(polling, bot_api, fake_rasa):
    fake_rasa.reply_with({"text": "<b>Measure 9</b> & <a href='x'>publicity</a>"})
    sent = await exchange(bot_api, updates.text_update(CHAT, "<i>hi</i>"))
    assert sent[0].params["parse_mode"] == "HTML"
    assert (
        sent[0].params["text"] == "&lt;b&gt;Measure 9&lt;/b&gt; &amp; &lt;a href='x'&gt;publicity&lt;/a&gt;"
    )
    assert fake_rasa.received[0]["message"] == "<i>hi</i>"


async def test_long_reply_is_split_on_paragraphs_with_buttons_on_the_last_part(polling, bot_api, fake_rasa):
    paragraphs = [f"Section {n}. " + "The route links heritage sites. " * 90 for n in range(3)]
    fake_rasa.reply_with(
        {
            "text": "\n\n".join(p.strip() for p in paragraphs),
            "buttons": [{"title": "More", "payload": "/affirm"}],
        }
    )
    sent = await exchange(bot_api, updates.text_update(CHAT, "tell me everything"), replies=3)
    assert [c.params["text"][:10] for c in sent] == ["Section 0.", "Section 1.", "Section 2."]
    assert all(len(c.params["text"]) < 4096 for c in sent)
    assert [bool(keyboard_of(c)) for c in sent] == [False, False, True]


@pytest.mark.parametrize(
    ("code", "message", "language"),
    [
        ("measure_9", '/measure_info{"item": "section:9"}', None),
        ("route_silk", '/route_info{"item": "route:silk"}', None),
        ("invest", "/investor_profile", None),
        ("lang_fr", "/change_language", "fr"),
        ("no-such-code", "/greet", None),
    ],
)
async def test_deep_links_open_the_right_topic(polling, bot_api, fake_rasa, code, message, language):
    await exchange(bot_api, updates.text_update(CHAT, f"/start {code}"))
    body = fake_rasa.received[0]
    assert body["message"] == message
    assert body["metadata"]["language"] == (language or "de")
    assert body["metadata"]["language_source"] == ("explicit" if language else "channel")


async def test_plain_start_greets(polling, bot_api, fake_rasa):
    await exchange(bot_api, updates.text_update(CHAT, "/start"))
    assert fake_rasa.received[0]["message"] == "/greet"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("/help", "/help"),
        ("/measures", "/list_measures"),
        ("/routes", "/list_routes"),
        ("/invest", "/investor_profile"),
        ("/source", "/paper_info"),
        ("/contact", "/human_handoff"),
        ("/forget", "/forget_me"),
    ],
)
async def test_menu_commands_ask_rasa_the_matching_question(polling, bot_api, fake_rasa, command, message):
    await exchange(bot_api, updates.text_update(CHAT, command))
    assert fake_rasa.received[0]["message"] == message


async def test_language_keyboard_then_choice_is_an_explicit_language(polling, bot_api, fake_rasa):
    keyboard_msg = (await exchange(bot_api, updates.text_update(CHAT, "/language", language_code="ja")))[0]
    assert keyboard_msg.params["text"] == i18n.t("choose_language", "ja")
    buttons = keyboard_of(keyboard_msg)
    assert [b["text"] for b in buttons] == [NATIVE_NAMES[lang] for lang in LANGUAGES]
    assert fake_rasa.received == []
    french = next(b["callback_data"] for b in buttons if b["text"] == "Français")
    await exchange(bot_api, updates.callback_update(CHAT, french, language_code="ja"))
    assert fake_rasa.received[0]["message"] == "/change_language"
    assert fake_rasa.received[0]["metadata"]["language"] == "fr"
    assert fake_rasa.received[0]["metadata"]["language_source"] == "explicit"
    methods = [c.method for c in bot_api.calls]
    assert methods.index("answerCallbackQuery") < len(methods) - 1 - methods[::-1].index("sendChatAction")


async def test_rasa_buttons_round_trip_including_long_non_latin_payloads(polling, bot_api, fake_rasa):
    payloads = [
        "/affirm",
        '/route_info{"item":"route:南方丝绸之路"}',
        '/measure_info{"item":"section:9"}' + " " * 60,
    ]
    fake_rasa.reply_with(
        {"text": "Pick one", "buttons": [{"title": f"B{n}", "payload": p} for n, p in enumerate(payloads)]}
    )
    shown = (await exchange(bot_api, updates.text_update(CHAT, "routes")))[0]
    datas = [b["callback_data"] for b in keyboard_of(shown)]
    assert all(len(d.encode("utf-8")) <= 64 for d in datas)
    fake_rasa.echo()
    for data in datas:
        await exchange(bot_api, updates.callback_update(CHAT, data))
    assert [body["message"] for body in fake_rasa.received[1:]] == payloads
    assert len(bot_api.called("answerCallbackQuery")) == 3


async def test_expired_button_gets_a_localized_answer_and_nothing_reaches_rasa(polling, bot_api, fake_rasa):
    bot_api.push_update(updates.callback_update(CHAT, "k:gone123", language_code="ru"))
    answer = (await bot_api.wait_for("answerCallbackQuery"))[0]
    assert answer.params["text"] == i18n.t("button_expired", "ru")
    await settle()
    assert fake_rasa.received == []


async def test_reply_language_from_rasa_is_used_for_own_strings(polling, bot_api, fake_rasa):
    fake_rasa.reply_with({"text": "Bonjour"}, {"custom": {"language": "fr"}})
    sent = await exchange(bot_api, updates.text_update(CHAT, "bonjour, je cherche", language_code="de"))
    assert [c.params["text"] for c in sent] == ["Bonjour"]  # the custom-only message is never shown
    reply = await exchange(bot_api, updates.media_update(CHAT, "sticker"))
    assert reply[0].params["text"] == i18n.t("text_only", "fr")


async def test_forget_deletes_the_chats_own_state_after_confirmation(polling, bot_api, fake_rasa):
    fake_rasa.reply_with(
        {"text": "Wirklich löschen?", "buttons": [{"title": "Ja", "payload": "/affirm" + "é" * 30}]},
        {"custom": {"language": "fr"}},
    )
    confirm = (await exchange(bot_api, updates.text_update(CHAT, "/forget")))[0]
    assert fake_rasa.received[-1]["message"] == "/forget_me"
    yes = keyboard_of(confirm)[0]["callback_data"]
    fake_rasa.reply_with({"text": "Gelöscht."}, {"custom": {"language": "fr", "forgotten": True}})
    await exchange(bot_api, updates.callback_update(CHAT, yes))
    assert fake_rasa.received[-1]["message"] == "/affirm" + "é" * 30
    bot_api.push_update(updates.callback_update(CHAT, yes))
    answers = await bot_api.wait_for("answerCallbackQuery", 2)
    assert answers[-1].params["text"] == i18n.t("button_expired", "de")  # language state is gone too


async def test_group_chat_answers_only_when_addressed(polling, bot_api, fake_rasa):
    group = -100123
    bot_api.push_update(updates.text_update(group, "talking among ourselves"))
    bot_api.push_update(updates.text_update(group, "/help@other_bot"))
    await settle()
    assert fake_rasa.received == []
    await exchange(bot_api, updates.mention_update(group, "@advisor_bot which routes exist?"))
    reply_to_bot = {
        "message_id": 1,
        "date": 0,
        "chat": updates.chat(group),
        "from": {"id": 999000, "is_bot": True, "first_name": "Advisor"},
        "text": "earlier",
    }
    await exchange(bot_api, updates.text_update(group, "and the red ones?", reply_to_message=reply_to_bot))
    await exchange(bot_api, updates.text_update(group, "/help@advisor_bot"))
    assert [b["message"] for b in fake_rasa.received] == ["which routes exist?", "and the red ones?", "/help"]
    assert {b["sender"] for b in fake_rasa.received} == {
        f"telegram:{group}:{updates.USER_ID + 1}"
    }  # per member
    assert {b["metadata"]["chat_type"] for b in fake_rasa.received} == {"supergroup"}


async def test_configured_username_is_used_for_mentions(start_gateway, bot_api, fake_rasa):
    await start_gateway(TELEGRAM_BOT_USERNAME="ShuAdvisorBot")
    await exchange(bot_api, updates.mention_update(-100, "@ShuAdvisorBot hi", username="ShuAdvisorBot"))
    assert fake_rasa.received[0]["message"] == "hi"


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document", "location"])
async def test_non_text_messages_get_a_short_localized_reply(polling, bot_api, fake_rasa, kind):
    sent = await exchange(bot_api, updates.media_update(CHAT, kind))
    assert sent[0].params["text"] == i18n.t("text_only", "de")
    assert fake_rasa.received == []


async def test_non_text_in_groups_edits_and_channel_posts_are_handled_quietly(polling, bot_api, fake_rasa):
    bot_api.push_update(updates.media_update(-100, "photo"))
    bot_api.push_update(updates.channel_post_update(-1009, "news"))
    edited = await exchange(bot_api, updates.edited_update(CHAT, "fixed typo"))
    assert [c.params["text"] for c in edited] == [i18n.t("edited_message", "de")]
    await settle()
    assert fake_rasa.received == []
    assert len(bot_api.called("sendMessage")) == 1


async def test_unknown_command_points_to_help(polling, bot_api, fake_rasa):
    sent = await exchange(bot_api, updates.text_update(CHAT, "/teleport", language_code="es"))
    assert sent[0].params["text"] == i18n.t("unknown_command", "es")
    assert fake_rasa.received == []


async def test_images_are_sent_and_a_broken_one_does_not_lose_the_text(polling, bot_api, fake_rasa):
    fake_rasa.reply_with(
        {"image": "https://example.org/broken.png"},
        {"text": "Route map above."},
        {"image": "https://example.org/map.png"},
    )
    bot_api.fail_next("sendPhoto", 400)
    sent = await exchange(bot_api, updates.text_update(CHAT, "show me the route"))
    assert sent[0].params["text"] == "Route map above."
    photos = await bot_api.wait_for("sendPhoto", 2)
    assert [p.params["photo"] for p in photos] == [
        "https://example.org/broken.png",
        "https://example.org/map.png",
    ]


async def test_buttons_without_text_get_a_localized_prompt(polling, bot_api, fake_rasa):
    fake_rasa.reply_with({"buttons": [{"title": "Ja", "payload": "/affirm"}]})
    sent = await exchange(bot_api, updates.text_update(CHAT, "weiter", language_code="fr"))
    assert sent[0].params["text"] == i18n.t("choose_option", "fr")
    assert [b["callback_data"] for b in keyboard_of(sent[0])] == ["p:/affirm"]
