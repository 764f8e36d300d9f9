"""The web channel's aiohttp AppKeys (the gateway-wide ones live in bot/keys.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

    from bot.web.assets import Assets
    from bot.web.guards import RateLimits
    from bot.web.settings import WebSettings
    from bot.web.stores import AnyChatStore

WEB_SETTINGS: web.AppKey["WebSettings"] = web.AppKey("web_settings")
STORE: web.AppKey["AnyChatStore"] = web.AppKey("web_store")
LIMITS: web.AppKey["RateLimits"] = web.AppKey("web_limits")
VALIDATORS: web.AppKey[dict[str, "Draft202012Validator"]] = web.AppKey("web_validators")
OPENAPI: web.AppKey[dict[str, Any]] = web.AppKey("web_openapi")
ASSETS: web.AppKey["Assets"] = web.AppKey("web_assets")
SENDER_KEY: web.AppKey[bytes] = web.AppKey("web_sender_key", bytes)
VISITOR_LANGUAGE: web.RequestKey[str | None] = web.RequestKey("web_visitor_language")
