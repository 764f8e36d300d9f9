"""Issue 11, item 6: in a group each member has their own conversation; nobody answers, consents
for or deletes another member's."""

from __future__ import annotations

from typing import Any

from bot.telegram import i18n
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange, keyboard_of

GROUP = -100777
ANA, BEN = 501, 502


def from_member(update: dict[str, Any], member: int, language_code: str = "de") -> dict[str, Any]:
    """The same update sent (or tapped) by another member of the group."""
    key = "callback_query" if "callback_query" in update else "message"
    update[key]["from"] = updates.user(language_code, user_id=member)
    return update


def addressed(text: str, member: int, language_code: str = "de") -> dict[str, Any]:
    reply_to_bot = {
        "message_id": 1,
        "date": 0,
        "chat": updates.chat(GROUP),
        "from": {"id": 999000, "is_bot": True, "first_name": "Advisor"},
        "text": "earlier",
    }
    return from_member(
        updates.text_update(GROUP, text, language_code, reply_to_message=reply_to_bot), member, language_code
    )


async def test_each_member_of_a_group_is_their_own_conversation(polling, bot_api, fake_rasa):
    fake_rasa.echo()
    await exchange(bot_api, addressed("I want to talk to a person", ANA))
    await exchange(bot_api, addressed("Ben Example", BEN))  # cannot answer Ana's form
    assert [b["sender"] for b in fake_rasa.received] == [f"telegram:{GROUP}:{ANA}", f"telegram:{GROUP}:{BEN}"]


async def test_a_button_counts_for_whoever_taps_it(polling, bot_api, fake_rasa):
    fake_rasa.reply_with({"text": "Einverstanden?", "buttons": [{"title": "Ja", "payload": "/affirm"}]})
    asked = (await exchange(bot_api, addressed("contact me", ANA)))[0]
    tap = keyboard_of(asked)[0]["callback_data"]
    fake_rasa.echo()
    await exchange(bot_api, from_member(updates.callback_update(GROUP, tap), BEN))
    assert fake_rasa.received[-1]["message"] == "/affirm"
    assert fake_rasa.received[-1]["sender"] == f"telegram:{GROUP}:{BEN}"  # never consent for Ana


async def test_contact_and_forget_in_a_group_point_to_a_private_chat(polling, bot_api, fake_rasa):
    fake_rasa.echo()
    for command, intent in (
        ("/contact@advisor_bot", "/human_handoff"),
        ("/forget@advisor_bot", "/forget_me"),
    ):
        sent = await exchange(
            bot_api, from_member(updates.text_update(GROUP, command, "ko"), ANA, "ko"), replies=2
        )
        assert sent[0].params["text"] == i18n.t("group_private_hint", "ko", link="https://t.me/advisor_bot")
        assert fake_rasa.received[-1] == {
            **fake_rasa.received[-1],
            "message": intent,
            "sender": f"telegram:{GROUP}:{ANA}",
        }


async def test_one_members_forget_keeps_the_groups_buttons_for_the_others(polling, bot_api, fake_rasa):
    fake_rasa.reply_with(
        {"text": "Mehr?", "buttons": [{"title": "Mehr", "payload": "/measure_info" + "x" * 70}]}
    )
    shown = (await exchange(bot_api, addressed("measures", BEN)))[0]
    more = keyboard_of(shown)[0]["callback_data"]
    fake_rasa.reply_with({"text": "Gelöscht."}, {"custom": {"language": "de", "forgotten": True}})
    await exchange(bot_api, addressed("yes, delete my data", ANA))
    fake_rasa.echo()
    await exchange(bot_api, from_member(updates.callback_update(GROUP, more), BEN))
    assert fake_rasa.received[-1]["message"] == "/measure_info" + "x" * 70


async def test_a_private_chat_keeps_its_sender(polling, bot_api, fake_rasa):
    fake_rasa.echo()
    await exchange(bot_api, updates.text_update(4242, "hello"))
    assert fake_rasa.received[-1]["sender"] == "telegram:4242"
