"""A real aiohttp Bot API server on 127.0.0.1 that PTB talks to through `base_url`.

It answers the methods the connector calls, records every call with its decoded parameters,
queues updates for getUpdates, and can be told to fail: `fail_next("sendMessage", 429, retry_after=1)`
or `blocked_chats.add(chat_id)` (403 on every send to that chat).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 999000,
    "is_bot": True,
    "first_name": "Advisor",
    "username": "advisor_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
SEND_METHODS = {"sendMessage", "sendPhoto"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeBotApi:
    token: str = "123456:TEST-token_for_fake_api"
    calls: list[Call] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    admins: set[int] = field(default_factory=set)  # user ids that getChatMember reports as administrators
    url: str = ""
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _update_pushed: asyncio.Event = field(default_factory=asyncio.Event)

    # --- programming the fake -------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> None:
        self._updates.append(update)
        self._notify()

    def fail_next(self, method: str, status: int, retry_after: int | None = None) -> None:
        description = {429: "Too Many Requests: retry later", 403: "Forbidden: bot was blocked by the user"}
        self._failures.setdefault(method, []).append(
            Failure(status, description.get(status, "Bad Request"), retry_after)
        )

    # --- inspecting it --------------------------------------------------------------------
    def called(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            call.params["text"]
            for call in self.called("sendMessage")
            if chat_id is None or call.params["chat_id"] == chat_id
        ]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Waits until `method` was called `count` times; fails the test with what happened."""
        deadline = time.monotonic() + timeout
        while len(self.called(method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [(c.method, c.params.get("text")) for c in self.calls]
                raise AssertionError(f"expected {count} x {method}, got calls: {seen}")
            await asyncio.sleep(0.01)
        return self.called(method)

    def _notify(self) -> None:
        self._update_pushed.set()

    # --- the HTTP side --------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        return app

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        if method != "getUpdates":
            self.calls.append(Call(method, params, time.monotonic()))
        failure = self._failure_for(method, params)
        if failure:
            return _error(failure.status, failure.description, failure.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _ok(True)
        return _ok(await handler(params))

    def _failure_for(self, method: str, params: dict[str, Any]) -> Failure | None:
        if method in SEND_METHODS | {"sendChatAction"} and params.get("chat_id") in self.blocked_chats:
            return Failure(403, "Forbidden: bot was blocked by the user")
        queue = self._failures.get(method)
        return queue.pop(0) if queue else None

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates and float(params.get("timeout") or 0) > 0:
            self._update_pushed.clear()
            try:
                await asyncio.wait_for(self._update_pushed.wait(), 0.5)
            except asyncio.TimeoutError:
                pass
        return list(self._updates)

    async def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        user_id = int(params["user_id"])
        user = {"id": user_id, "is_bot": False, "first_name": "Ana"}
        if user_id in self.admins:
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return {"status": "member", "user": user}

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        return self._message(params, text=params.get("text", ""))

    async def _m_sendPhoto(self, params: dict[str, Any]) -> Any:
        return self._message(params, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = params["chat_id"]
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "title": "g"}
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            **content,
        }


JSON_FIELDS = {
    "chat_id",
    "user_id",
    "reply_markup",
    "commands",
    "allowed_updates",
    "timeout",
    "offset",
    "show_alert",
}


async def _params(request: web.Request) -> dict[str, Any]:
    """PTB sends form fields whose complex values are JSON; decode those, keep text as text."""
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post()
    return {key: json.loads(value) if key in JSON_FIELDS else value for key, value in form.items()}


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
