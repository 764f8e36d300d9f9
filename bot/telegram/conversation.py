"""Relays one user turn to Rasa and delivers the reply to the chat, the Telegram way."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from telegram import Bot, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import Forbidden, TelegramError

from bot.i18n import normalize_language
from bot.i18n import t as common_t
from bot.rasa_client import BotMessage, RasaUnavailable
from bot.telegram import i18n, render
from bot.telegram.state import Context, chat_state, services

log = logging.getLogger(__name__)

TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for about 5 s per action


def reply_language(update: Update, context: Context) -> str:
    """The language Rasa last answered in, else the user's Telegram language, else the default."""
    user = update.effective_user
    return (
        (context.chat_data.language if context.chat_data else None)
        or normalize_language(user.language_code if user else None)
        or services(context).default_language
    )


def metadata(update: Update, explicit_language: str | None = None) -> dict[str, Any]:
    """The channel hints Rasa's language resolution uses (docs/CONTRACTS.md)."""
    user, chat = update.effective_user, update.effective_chat
    hint = normalize_language(user.language_code if user else None)
    return {
        "channel": "telegram",
        "language": explicit_language or hint,
        "language_source": "explicit" if explicit_language else "channel",
        "chat_type": chat.type if chat else None,
    }


def sender_id(update: Update) -> str:
    """Rasa's sender: `telegram:<chat id>` in a private chat; in a group one conversation per member,
    `telegram:<chat id>:<user id>`, so no member can answer, consent for or delete another's (forms,
    "forget me" and leads all follow the sender). A tapped button counts for whoever tapped it."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if chat.type == ChatType.PRIVATE or user is None:
        return f"telegram:{chat.id}"
    return f"telegram:{chat.id}:{user.id}"


async def relay(update: Update, context: Context, message: str, explicit_language: str | None = None) -> None:
    """Sends one message to Rasa as this chat's (or group member's) sender and shows the answer, or
    says Rasa is away."""
    chat = update.effective_chat
    assert chat is not None
    rasa = services(context).rasa
    try:
        async with typing_action(context.bot, chat.id):
            replies = await rasa.send(sender_id(update), message, metadata(update, explicit_language))
    except RasaUnavailable:
        await say(context, chat.id, common_t("rasa_unavailable", reply_language(update, context)))
        return
    await deliver(update, context, replies)


@contextlib.asynccontextmanager
async def typing_action(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Shows "typing…" for as long as the block runs, so a slow answer does not look dead."""
    task = asyncio.create_task(_keep_typing(bot, chat_id))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _keep_typing(bot: Bot, chat_id: int) -> None:
    while True:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # cosmetic: never let it break the answer
            log.debug("typing action failed for chat %s: %s", chat_id, exc)
            return
        await asyncio.sleep(TYPING_REFRESH_SECONDS)


async def deliver(update: Update, context: Context, replies: Sequence[BotMessage]) -> None:
    """Shows text, buttons and images in order; `custom` messages only update the chat's state."""
    chat = update.effective_chat
    assert chat is not None
    forgotten = _apply_custom(context, replies)
    state = chat_state(context)
    known = set(state.buttons)
    for reply in replies:
        await _show(context, chat.id, reply, reply_language(update, context))
    # In a group the chat's state (reply language, button short ids) is the other members' too, and
    # holds nothing of the member who was forgotten (their conversation in Rasa is their own sender).
    forgotten = forgotten and chat.type == ChatType.PRIVATE
    shared = services(context).shared
    if shared is not None:  # other gateways must understand these buttons' short ids too
        new = {k: v for k, v in state.buttons.items() if k not in known}
        await (shared.forget(chat.id) if forgotten else shared.remember_buttons(chat.id, new))
    if forgotten:
        context.application.drop_chat_data(chat.id)
        log.info("dropped Telegram state of chat %s after the user's forget request", chat.id)


def _apply_custom(context: Context, replies: Sequence[BotMessage]) -> bool:
    """Takes the conversation language from custom.language; True when the user was forgotten."""
    forgotten = False
    for reply in replies:
        custom = reply.custom or {}
        if language := normalize_language(custom.get("language")):
            chat_state(context).language = language
        forgotten = forgotten or custom.get("forgotten") is True
    return forgotten


async def _show(context: Context, chat_id: int, reply: BotMessage, language: str) -> None:
    if reply.text or reply.buttons:
        text = reply.text or i18n.t("choose_option", language)
        markup = render.keyboard(reply.buttons, chat_state(context).buttons) if reply.buttons else None
        await say(context, chat_id, text, markup)
    if reply.image:
        await _show_image(context, chat_id, reply.image)


async def say(context: Context, chat_id: int, text: str, markup: Any = None) -> None:
    """Sends plain text escaped for HTML, split under Telegram's limit; buttons go on the last part."""
    chunks = render.split_text(text)
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await context.bot.send_message(chat_id, render.escape(chunk), reply_markup=markup if last else None)


async def _show_image(context: Context, chat_id: int, url: str) -> None:
    """A broken image URL from Rasa should not cost the user the rest of the answer."""
    try:
        await context.bot.send_photo(chat_id, url)
    except Forbidden:
        raise
    except TelegramError as exc:
        log.warning("could not send image %s to chat %s: %s", url, chat_id, exc)
