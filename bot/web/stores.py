"""Which chat store the web channel uses: PostgreSQL when DATABASE_URL is set, else SQLite.

Both implement `AnyChatStore`, the interface the web channel uses; mypy checks each class against
it (chat_store returns either as one), so a method added to one store and not the other fails
`make lint`. tests/scale/test_chat_stores.py runs the same behaviour checks against each.
"""

from __future__ import annotations

from typing import Protocol

from bot.web.settings import WebSettings
from bot.web.store import ChatStore, Session, StoredMessage
from bot.web.store_pg import PostgresChatStore


class AnyChatStore(Protocol):
    """Sessions and their history; open() once at start-up, close() at shutdown."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def create_session(self, site: str, language: str | None) -> Session: ...
    async def get_session(self, session_id: str) -> Session | None: ...
    async def remember_language(self, session_id: str, language: str | None) -> None: ...
    async def append(self, session_id: str, messages: list[StoredMessage]) -> None: ...
    async def history(self, session_id: str, limit: int) -> list[StoredMessage]: ...
    async def forget(self, session_id: str) -> None: ...
    async def delete_session(self, session_id: str) -> None: ...
    async def prune(self, idle_days: int) -> int: ...


def chat_store(settings: WebSettings) -> AnyChatStore:
    if settings.database_url:
        return PostgresChatStore(settings.database_url)
    return ChatStore(settings.database)
