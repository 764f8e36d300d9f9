"""A gateway killed (SIGKILL) in the middle of writing history leaves a store that opens, passes
SQLite's integrity check, holds only whole turns, and takes the next write: a crash never wedges or
half-writes the web history."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bot.web.store import ChatStore, StoredMessage, stored_key

ROOT = Path(__file__).resolve().parents[3]

# A writer that appends two-line turns (question and answer) as fast as it can, printing "ready" once
# its session exists, so the test kills it while turns are being committed.
WRITER = """
import asyncio, sys
from pathlib import Path
from bot.web.store import ChatStore, StoredMessage

async def main():
    store = ChatStore(Path(sys.argv[1]))
    await store.open()
    session = await store.create_session("demo", "en")
    print(session.id, flush=True)
    n = 0
    while True:
        n += 1
        await store.append(session.id, [StoredMessage("user", f"q{n}"), StoredMessage("bot", "a" * 2000)])

asyncio.run(main())
"""


def start_writer(path: Path) -> tuple[subprocess.Popen, str]:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    return writer, writer.stdout.readline().strip()


def stored_lines(path: Path, session_id: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT COUNT(*) FROM messages WHERE session_id = ?", (stored_key(session_id),)
        ).fetchone()[0]


async def test_a_writer_killed_mid_write_leaves_whole_turns_and_a_working_store(tmp_path):
    path = tmp_path / "web_chat.sqlite3"
    for _ in range(3):  # three kills at different moments of a write
        writer, session_id = start_writer(path)
        while stored_lines(path, session_id) < 20:  # well into its stream of writes
            time.sleep(0.01)
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        assert stored_lines(path, session_id) % 2 == 0, "a turn was stored half"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store = ChatStore(path)
    await store.open()
    try:
        before = stored_lines(path, session_id)
        await store.append(session_id, [StoredMessage("user", "after the crash")])
        history = await store.history(session_id, 1)
        assert [m.text for m in history] == ["after the crash"]
        assert stored_lines(path, session_id) == before + 1
    finally:
        await store.close()
