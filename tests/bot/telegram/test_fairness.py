"""One Telegram chat cannot starve the others: per-chat order without holding global slots, and a
per-chat message rate."""

from __future__ import annotations

from bot.telegram import i18n
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import settle

FLOODER, OTHER = 9001, 9002


async def test_a_flooding_chat_holds_no_slot_another_chat_needs(start_gateway, bot_api, fake_rasa):
    await start_gateway(TELEGRAM_CONCURRENT_UPDATES="2")
    fake_rasa.delays[f"telegram:{FLOODER}"] = 0.5  # under RASA_TIMEOUT (1 s): every turn is answered
    for n in range(6):
        bot_api.push_update(updates.text_update(FLOODER, f"flood {n}"))
    bot_api.push_update(updates.text_update(OTHER, "my turn"))
    await bot_api.wait_for("sendMessage", 7, timeout=20)
    order = [call.params["chat_id"] for call in bot_api.called("sendMessage")]
    assert order.index(OTHER) < 2, order  # answered before the flood's second reply, not after it
    assert bot_api.sent_texts(FLOODER) == [f"echo: flood {n}" for n in range(6)]  # still in order


async def test_a_chat_over_its_rate_is_told_once_and_reaches_rasa_no_more(start_gateway, bot_api, fake_rasa):
    await start_gateway(TELEGRAM_RATE_CHAT="2/minute")
    for n in range(5):
        bot_api.push_update(updates.text_update(FLOODER, f"flood {n}", language_code="fr"))
    await bot_api.wait_for("sendMessage", 3, timeout=10)
    bot_api.push_update(updates.text_update(OTHER, "hello"))
    await bot_api.wait_for("sendMessage", 4, timeout=10)
    await settle()
    told = bot_api.sent_texts(FLOODER)
    assert told[:2] == ["echo: flood 0", "echo: flood 1"]
    assert len(told) == 3 and told[2].startswith(i18n.t("rate_limited", "fr", seconds=60)[:30])
    assert [b["message"] for b in fake_rasa.received if b["sender"] == f"telegram:{FLOODER}"] == [
        "flood 0",
        "flood 1",
    ]
    assert bot_api.sent_texts(OTHER) == ["echo: hello"]
