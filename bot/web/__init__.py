"""Website channel: chat API, widget assets and demo page (issue #6)."""

from __future__ import annotations

from aiohttp import web

from bot.settings import Settings


def setup(app: web.Application, settings: Settings) -> None:
    """Registers the web channel's routes on the gateway app."""
