"""Liveness and readiness of the gateway, with each dependency reported on its own.

A chat turn needs both Rasa and the action server: Rasa alone answers `200 []` (or hangs until its
action timeout) while the action server is down or stopped. So readiness checks the action server
directly too, and is red while either is down; liveness stays green, because restarting the gateway
would not bring either back.
"""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web

from bot import keys

PROBE_TIMEOUT = 3.0  # seconds; a stopped (SIGSTOP) process accepts the connection and never answers


async def probe(session: aiohttp.ClientSession, url: str) -> bool:
    """True when the URL answers 200 within PROBE_TIMEOUT."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=PROBE_TIMEOUT)) as resp:
            return resp.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def dependencies(app: web.Application) -> dict[str, str]:
    """`up`/`down` per dependency, probed concurrently so a report takes at most one timeout. With
    several Rasa instances (RASA_URLS) Rasa is up when one of them is (the gateway routes around the
    others); each instance is reported too, as `rasa <url>`."""
    settings, session = app[keys.SETTINGS], app[keys.RASA].session
    urls = settings.rasa_instances
    *rasa, actions = await asyncio.gather(
        *(probe(session, f"{url}/") for url in urls), probe(session, f"{settings.action_server_url}/health")
    )
    report = {"rasa": "up" if any(rasa) else "down", "action_server": "up" if actions else "down"}
    if len(urls) > 1:
        report.update({f"rasa {url}": "up" if ok else "down" for url, ok in zip(urls, rasa, strict=True)})
    return report


async def healthz(request: web.Request) -> web.Response:
    """Liveness (always 200 while the gateway runs) with each dependency's state and readiness."""
    report = await dependencies(request.app)
    return web.json_response({"status": "ok", "ready": _ready(report), **report})


async def readyz(request: web.Request) -> web.Response:
    """Readiness: 200 only when Rasa and the action server both answer, else 503 with the report."""
    report = await dependencies(request.app)
    ready = _ready(report)
    return web.json_response({"ready": ready, **report}, status=200 if ready else 503)


def _ready(report: dict[str, str]) -> bool:
    """Rasa (some instance) and the action server answer; single instances down do not count."""
    return report["rasa"] == "up" and report["action_server"] == "up"
