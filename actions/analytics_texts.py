"""The unanswered-question texts of the gateway's analytics store, as "forget me" must delete them.

The gateway (bot/analytics.py) keeps, in `$ADVISOR_DATA_DIR/analytics.sqlite3`, the texts of turns
the paper did not answer, under a pseudonym of the sender: HMAC(key, sender) with the key derived from
`analytics_secret.key` in the same folder. The action server deletes a sender's texts itself as part
of a confirmed "forget me" (before the user hears "done"), so the deletion is retried and a failure
is told like any other; the gateway deletes them again when it sees `custom.forgotten`.

Stdlib only: the gateway imports `pseudonym_key` and `pseudonym` from here, so both sides compute the
same pseudonym by construction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import sqlite3
from contextlib import closing
from pathlib import Path

DB_FILE = "analytics.sqlite3"
KEY_FILE = "analytics_secret.key"  # kept apart from the cookie key: rotating that must not orphan texts
_PURPOSE = b"advisor analytics pseudonyms"


def pseudonym_key(key: bytes) -> bytes:
    """The HMAC key of the pseudonyms, derived from the stored 32-byte secret."""
    return hmac.new(key, _PURPOSE, hashlib.sha256).digest()


def pseudonym(derived_key: bytes, *parts: str) -> str:
    """A short, stable, unlinkable name for `parts` (the sender; or the day and the sender)."""
    return hmac.new(derived_key, "\x00".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()[:20]


def forget_sender(data_dir: Path, sender: str) -> int:
    """Deletes the sender's unanswered-question texts; returns how many. Nothing to do (0) while the
    gateway has not made its store or key yet. Database errors propagate, for the caller to retry."""
    db_path, key_path = data_dir / DB_FILE, data_dir / KEY_FILE
    if not db_path.exists() or not key_path.exists():
        return 0
    key = base64.urlsafe_b64decode(key_path.read_text().strip())
    sender_key = pseudonym(pseudonym_key(key), sender)
    with closing(sqlite3.connect(db_path, timeout=10)) as db, db:
        try:
            return db.execute("DELETE FROM unanswered WHERE sender_key = ?", (sender_key,)).rowcount
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # the file exists, the gateway has not created its tables
                return 0
            raise
