"""Builders of Bot API update JSON, as Telegram would send it, with fresh update ids."""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1)
USER_ID = 4242


def next_update_id() -> int:
    return next(_ids)


def user(language_code: str | None = "de", user_id: int = USER_ID) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Ana"}
    if language_code:
        data["language_code"] = language_code
    return data


def chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Ana"}
    return {"id": chat_id, "type": "supergroup", "title": "Investors"}


def message(
    chat_id: int, text: str | None = None, language_code: str | None = "de", **extra: Any
) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": chat(chat_id),
        "from": user(language_code, USER_ID if chat_id > 0 else USER_ID + 1),
        **extra,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg.setdefault("entities", [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}])
    return msg


def text_update(chat_id: int, text: str, language_code: str | None = "de", **extra: Any) -> dict[str, Any]:
    return {"update_id": next_update_id(), "message": message(chat_id, text, language_code, **extra)}


def mention_update(chat_id: int, text: str, username: str = "advisor_bot") -> dict[str, Any]:
    at = text.index("@" + username)
    entities = [{"type": "mention", "offset": at, "length": len(username) + 1}]
    return text_update(chat_id, text, entities=entities)


def callback_update(chat_id: int, data: str, language_code: str | None = "de") -> dict[str, Any]:
    bot_message = message(chat_id, "pick one", None)
    bot_message["from"] = {"id": 999000, "is_bot": True, "first_name": "Advisor", "username": "advisor_bot"}
    return {
        "update_id": next_update_id(),
        "callback_query": {
            "id": f"cq{next(_ids)}",
            "from": user(language_code),
            "chat_instance": "ci",
            "message": bot_message,
            "data": data,
        },
    }


def media_update(chat_id: int, kind: str) -> dict[str, Any]:
    content = {
        "sticker": {
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        },
        "photo": {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
        "voice": {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 2}},
        "document": {"document": {"file_id": "d", "file_unique_id": "d", "file_name": "cv.pdf"}},
        "location": {"location": {"latitude": 30.65, "longitude": 104.06}},
    }[kind]
    return {"update_id": next_update_id(), "message": message(chat_id, None, **content)}


def edited_update(chat_id: int, text: str) -> dict[str, Any]:
    msg = message(chat_id, text)
    msg["edit_date"] = int(time.time())
    return {"update_id": next_update_id(), "edited_message": msg}


def channel_post_update(chat_id: int, text: str) -> dict[str, Any]:
    post = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "text": text,
        "chat": {"id": chat_id, "type": "channel", "title": "News"},
    }
    return {"update_id": next_update_id(), "channel_post": post}
