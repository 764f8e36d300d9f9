"""The Rasa sender id of a web conversation: `web:` + HMAC-SHA256(server key, session id).

The session id is the visitor's bearer credential. Rasa writes the sender id into its tracker store
and its logs, and the gateway into its own; with the HMAC there, none of them holds a usable
credential, and nobody without the key can link a sender id back to a session.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.web.settings import WebSettings

KEY_FILE = "web_sender.key"


def sender_key(settings: WebSettings) -> bytes:
    """WIDGET_SENDER_KEY when set; else a random key created once in the data dir (mode 0600), so
    conversations continue across restarts without any configuration."""
    if settings.sender_key:
        return settings.sender_key.encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another gateway process created it first
            return path.read_bytes().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_bytes().strip()


def sender_id(key: bytes, session_id: str) -> str:
    """The conversation's id towards Rasa; stable for a session, useless as a credential."""
    digest = hmac.new(key, session_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"web:{digest[:40]}"


def key_fingerprint(key: bytes) -> str:
    """A value that is equal for equal keys and tells nothing about the key, so gateways sharing a
    database can check that they use the same key without storing it there."""
    return hmac.new(key, b"advisor web sender key fingerprint", hashlib.sha256).hexdigest()[:32]
