"""Which chat store the web channel uses: PostgreSQL when DATABASE_URL is set, else SQLite.

Both implement the interface of `ChatStore` (store.py); a new method must be added to both, and
tests/scale/test_chat_stores.py runs the same checks against each.
"""

from __future__ import annotations

from typing import Union

from bot.web.settings import WebSettings
from bot.web.store import ChatStore
from bot.web.store_pg import PostgresChatStore

AnyChatStore = Union[ChatStore, PostgresChatStore]


def chat_store(settings: WebSettings) -> AnyChatStore:
    if settings.database_url:
        return PostgresChatStore(settings.database_url)
    return ChatStore(settings.database)
