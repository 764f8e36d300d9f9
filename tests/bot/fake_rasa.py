"""A real aiohttp server on 127.0.0.1 that speaks Rasa's REST channel, for gateway tests.

Tests program it: `fake.reply_with(...)` sets the next replies, `fake.down = True` makes it answer 503,
`fake.delay = 5` makes it slow (`fake.delays[sender]` one conversation only); `fake.received` records
every request body.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

Reply = list[dict[str, Any]]


@dataclass
class FakeRasa:
    received: list[dict[str, Any]] = field(default_factory=list)
    down: bool = False
    delay: float = 0.0
    delays: dict[str, float] = field(default_factory=dict)
    responder: Callable[[dict[str, Any]], Reply] | None = None

    def reply_with(self, *messages: dict[str, Any], marker: bool = True) -> None:
        """The next replies; like the real assistant they end with the language marker unless
        `marker=False` (what Rasa sends when the action server is down is `[]`)."""

        def respond(body: dict[str, Any]) -> Reply:
            reply = [dict(m) for m in messages]
            if marker and not any((m.get("custom") or {}).get("language") for m in reply):
                reply.append({"custom": {"language": (body.get("metadata") or {}).get("language") or "en"}})
            return reply

        self.responder = respond

    def echo(self) -> None:
        """Answers every message with `echo: <text>` and the conversation language marker."""
        self.responder = lambda body: [
            {"recipient_id": body["sender"], "text": f"echo: {body['message']}"},
            {
                "recipient_id": body["sender"],
                "custom": {"language": (body.get("metadata") or {}).get("language") or "en"},
            },
        ]

    async def _webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        delay = self.delays.get(body.get("sender"), self.delay)
        if delay:
            await asyncio.sleep(delay)
        if self.down:
            return web.Response(status=503)
        reply = self.responder(body) if self.responder else []
        return web.json_response(reply)

    async def _root(self, request: web.Request) -> web.Response:
        if self.down:
            return web.Response(status=503)
        return web.Response(text="Hello from Rasa: 3.6.21")

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        app.router.add_get("/", self._root)
        return app
