"""Issue 11, item 8: an update handled before a restart is not answered again after it (no Redis)."""

from __future__ import annotations

import sqlite3

from bot.keys import TELEGRAM_APPLICATION
from bot.telegram.update_log import SQLiteUpdateLog
from tests.bot.telegram import updates
from tests.bot.telegram.helpers import exchange, settle

CHAT = 4242


async def test_an_update_redelivered_after_a_restart_is_not_answered_again(start_gateway, bot_api, fake_rasa):
    update = updates.text_update(CHAT, "only once")
    first = await start_gateway()
    await exchange(bot_api, update)
    await first.close()  # the gateway stops; polling would fetch its last batch again
    await start_gateway()
    bot_api.push_update(dict(update))
    await exchange(bot_api, updates.text_update(CHAT, "a new one"))
    await settle()
    assert [b["message"] for b in fake_rasa.received] == ["only once", "a new one"]


async def test_the_update_log_is_bounded_and_never_takes_an_old_id_for_new(tmp_path):
    log = SQLiteUpdateLog(tmp_path / "updates.sqlite3", bot_id=7, keep=5)
    await log.open()
    try:
        assert [await log.first_time(i) for i in range(1, 13)] == [True] * 12
        assert not await log.first_time(12)
        assert not await log.first_time(3)  # pruned long ago: still seen
        rows = await log._db.run("SELECT update_id FROM telegram_updates ORDER BY update_id")
        assert [r[0] for r in rows] == [8, 9, 10, 11, 12]
        assert await log.first_time(13)
    finally:
        await log.close()
    other_bot = SQLiteUpdateLog(tmp_path / "updates.sqlite3", bot_id=8, keep=5)
    await other_bot.open()
    assert await other_bot.first_time(12)  # ids are per bot
    await other_bot.close()


async def test_an_unusable_update_log_still_answers_once(polling, bot_api, fake_rasa):
    services = polling.server.app[TELEGRAM_APPLICATION].bot_data.services

    async def disk_error(update_id: int) -> bool:
        raise sqlite3.OperationalError("disk I/O error")

    services.updates.first_time = disk_error
    update = updates.text_update(CHAT, "still answered")
    await exchange(bot_api, update)
    bot_api.push_update(dict(update))
    await settle()
    assert [b["message"] for b in fake_rasa.received] == ["still answered"]
