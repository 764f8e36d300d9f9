"""Headers every gateway response carries, set as the response is prepared so
that routing errors (404, 405), the API's JSON, the widget's assets and the Telegram webhook get them
too. A response that sets its own (the demo page's policy, the staff console's) keeps it.

- `X-Content-Type-Options: nosniff` — a browser never runs a JSON answer as a script.
- `Referrer-Policy: no-referrer` — the gateway's pages link nowhere that needs to know the page.
- `Content-Security-Policy` (default for anything not a page): nothing may load, nothing may frame it.
  The demo page has its own (bot/web/assets.py: its script and styles from the gateway, the widget's
  API calls to the gateway, `frame-ancestors 'none'`); the widget is embedded as a `<script>`, never
  in a frame, so no page of the gateway needs to be framed.
- `X-Frame-Options: DENY` — `frame-ancestors 'none'` for browsers that predate CSP 2.
- `Cache-Control: no-store` on the chat API (sessions, turns, history: one visitor's conversation
  must stay out of shared and browser caches).
"""

from __future__ import annotations

from aiohttp import web

API_PREFIX = "/api/v1/"

EVERYWHERE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
}


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in EVERYWHERE.items():
        response.headers.setdefault(name, value)
    if request.path.startswith(API_PREFIX):
        response.headers["Cache-Control"] = "no-store"


def setup(app: web.Application) -> None:
    app.on_response_prepare.append(add_security_headers)
