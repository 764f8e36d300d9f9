"""Rasa's REST channel, except that a turn that failed returns no messages at all.

Rasa's own channel answers `200` with whatever the turn collected before it failed, so a turn whose
tracker could not be saved (the database went away) would still show its reply, and the user would
then find it missing from the conversation. Here a failed turn answers `200 []`: the reply lacks the
language marker, which the gateway shows as the localized "temporarily unavailable"
(docs/CONTRACTS.md), and nothing the user saw is lost. Enabled in credentials.yml; same URL
(`/webhooks/rest/webhook`) and request format as the built-in channel.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint


class StrictRestInput(RestInput):
    """RestInput whose failed turns answer with no messages instead of half a reply."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def handle(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:
                if isinstance(message.output_channel, CollectingOutputChannel):
                    message.output_channel.messages.clear()
                raise

        return super().blueprint(handle)
