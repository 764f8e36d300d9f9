"""The one place that talks to Rasa's REST channel (sender, message, metadata), on one or more
Rasa instances.

With several instances (RASA_URLS) each conversation has a stable instance, chosen by rendezvous
hashing of the sender over the instance URLs, so adding or removing one instance moves only the
conversations that were on it. An instance that fails is skipped for RASA_RETRY_AFTER seconds and
its conversations go to their next instance; the shared tracker store (PostgreSQL) and lock store
(Redis) make that safe. A message is only ever sent again to another instance when the first one
refused the connection, i.e. certainly never saw it: a turn is never answered twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection, or answered with an error."""


class RasaBusy(RasaUnavailable):
    """RASA_MAX_CONCURRENT turns are already waiting for Rasa: refused at once rather than queued."""

    retry_after = 5  # seconds a client is asked to wait


class _NotDelivered(RasaUnavailable):
    """The connection was refused: this instance never received the message."""


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
class RasaInstance:
    """One Rasa process and when the gateway may use it again after a failure."""

    url: str
    down_until: float = 0.0
    failures: int = 0

    def available(self, now: float) -> bool:
        return now >= self.down_until

    def weight(self, sender: str) -> int:
        """Rendezvous hashing: each sender ranks the instances in its own stable order."""
        return int.from_bytes(
            hashlib.blake2b(f"{sender}\0{self.url}".encode(), digest_size=8).digest(), "big"
        )


@dataclass
class RasaClient:
    """Relays user messages to Rasa with a bounded wait, so a slow or dead Rasa never hangs a user.

    Being the one place every turn of every channel passes, it also hands each answered turn to the
    observer (the per-turn analytics); an observer's failure is logged and never reaches the user.
    """

    session: aiohttp.ClientSession
    base_url: str | Sequence[str]
    timeout: float = 20.0
    max_concurrent: int = 32
    retry_after: float = 10.0
    observer: TurnObserver | None = None
    instances: list[RasaInstance] = field(init=False)
    _slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        urls = [self.base_url] if isinstance(self.base_url, str) else list(self.base_url)
        self.instances = [RasaInstance(url.rstrip("/")) for url in urls]
        self._slots = asyncio.Semaphore(self.max_concurrent)

    def route(self, sender: str) -> list[RasaInstance]:
        """The sender's instances in the order to try: its own first, instances marked down last."""
        now = time.monotonic()
        ranked = sorted(self.instances, key=lambda instance: instance.weight(sender), reverse=True)
        return sorted(ranked, key=lambda instance: not instance.available(now))

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
        for instance in self.route(sender):
            try:
                payload = await self._post(instance, body)
            except _NotDelivered as exc:
                self._mark_down(instance, exc)
                continue
            except RasaUnavailable as exc:  # it may have seen the message: never send it elsewhere
                self._mark_down(instance, exc)
                raise
            instance.failures = 0
            messages = self._reply(sender, payload)
            latency_ms = round((time.monotonic() - started) * 1000)
            await self._observe(Turn(sender, message, metadata or {}, messages, latency_ms))
            return messages
        raise RasaUnavailable("no Rasa instance accepted the connection")

    async def _post(self, instance: RasaInstance, body: dict[str, Any]) -> Any:
        try:
            async with self.session.post(
                f"{instance.url}/webhooks/rest/webhook",
                json=body,
                timeout=aiohttp.ClientTimeout(total=self.timeout),
            ) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                return await resp.json(content_type=None)
        except aiohttp.ClientConnectorError as exc:
            raise _NotDelivered(str(exc)) from exc
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            log.warning("Rasa at %s unavailable for %s: %r", instance.url, body["sender"], exc)
            raise RasaUnavailable(str(exc) or type(exc).__name__) from exc

    def _mark_down(self, instance: RasaInstance, exc: Exception) -> None:
        instance.failures += 1
        instance.down_until = time.monotonic() + self.retry_after
        if len(self.instances) > 1:
            log.warning(
                "Rasa at %s failed (%s); its conversations go elsewhere for %.0f s",
                instance.url,
                exc,
                self.retry_after,
            )

    @staticmethod
    def _reply(sender: str, payload: Any) -> list[BotMessage]:
        if not isinstance(payload, list):
            raise RasaUnavailable("Rasa answered with an unexpected body")
        messages = [BotMessage.from_rest(item) for item in payload if isinstance(item, dict)]
        if not any(m.custom and m.custom.get("language") for m in messages):
            # Every turn of the assistant ends with the language marker (docs/CONTRACTS.md). Without it
            # the action server did not answer or a store failed (Rasa then replies `200 []`): never
            # show silence.
            log.warning(
                "Rasa answered %s without the language marker: the action server or a store is not answering",
                sender,
            )
            raise RasaUnavailable("reply without the language marker")
        return messages

    async def _observe(self, turn: Turn) -> None:
        if self.observer is None:
            return
        try:
            await self.observer(turn)
        except Exception:  # statistics must never cost a user the answer
            log.exception("recording the turn of %s failed", turn.sender)
