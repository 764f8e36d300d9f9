"""The one place that talks to Rasa's REST channel (sender, message, metadata)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection, or answered with an error."""


class RasaBusy(RasaUnavailable):
    """RASA_MAX_CONCURRENT turns are already waiting for Rasa: refused at once rather than queued."""

    retry_after = 5  # seconds a client is asked to wait


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class BotMessage:
    """One message of the bot's reply, channel-neutral."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None

    @classmethod
    def from_rest(cls, raw: dict[str, Any]) -> "BotMessage":
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in raw.get("buttons") or ()
            if isinstance(b, dict) and b.get("payload")
        )
        custom = raw.get("custom") if isinstance(raw.get("custom"), dict) else None
        return cls(text=raw.get("text"), buttons=buttons, image=raw.get("image"), custom=custom)


@dataclass(frozen=True)
class Turn:
    """One answered turn, as the observers (the analytics) see it."""

    sender: str
    message: str
    metadata: dict[str, Any]
    reply: list[BotMessage]
    latency_ms: int

    def custom(self) -> dict[str, Any]:
        """The reply's custom-only messages merged, later keys winning (language, outcome, topic…)."""
        merged: dict[str, Any] = {}
        for message in self.reply:
            merged.update(message.custom or {})
        return merged


TurnObserver = Callable[[Turn], Awaitable[None]]


@dataclass
class RasaClient:
    """Relays user messages to Rasa with a bounded wait, so a slow or dead Rasa never hangs a user.

    Being the one place every turn of every channel passes, it also hands each answered turn to the
    observer (the per-turn analytics); an observer's failure is logged and never reaches the user.
    """

    session: aiohttp.ClientSession
    base_url: str
    timeout: float = 20.0
    max_concurrent: int = 32
    observer: TurnObserver | None = None
    _webhook: str = field(init=False)
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self._webhook = f"{self.base_url}/webhooks/rest/webhook"
        self._slots = asyncio.Semaphore(self.max_concurrent)

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any] | None = None
    ) -> list[BotMessage]:
        """One turn, if a slot is free: a full Rasa means a fast "busy", not an unbounded queue in
        which every waiting user would end up with a timeout anyway."""
        if self._slots.locked():
            log.warning("Rasa busy: %d turns in flight; refusing %s", self.max_concurrent, sender)
            raise RasaBusy("too many turns in flight")
        async with self._slots:
            return await self._send(sender, message, metadata)

    async def _send(self, sender: str, message: str, metadata: dict[str, Any] | None) -> list[BotMessage]:
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        started = time.monotonic()
        try:
            async with self.session.post(
                self._webhook, json=body, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                payload = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            log.warning("Rasa unavailable for %s: %r", sender, exc)
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc
        if not isinstance(payload, list):
            raise RasaUnavailable("Rasa answered with an unexpected body")
        messages = [BotMessage.from_rest(item) for item in payload if isinstance(item, dict)]
        if not any(m.custom and m.custom.get("language") for m in messages):
            # Every turn of the assistant ends with the language marker (docs/CONTRACTS.md). Without it
            # the action server did not answer (Rasa then replies `200 []`): never show silence.
            log.warning("Rasa answered %s without the language marker: the action server is not answering", sender)
            raise RasaUnavailable("reply without the language marker")
        latency_ms = round((time.monotonic() - started) * 1000)
        await self._observe(Turn(sender, message, metadata or {}, messages, latency_ms))
        return messages

    async def _observe(self, turn: Turn) -> None:
        if self.observer is None:
            return
        try:
            await self.observer(turn)
        except Exception:  # statistics must never cost a user the answer
            log.exception("recording the turn of %s failed", turn.sender)
