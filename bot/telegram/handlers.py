"""The PTB handlers: one small async function per concern, registered by `register`."""

from __future__ import annotations

import logging
import re
import sqlite3

from telegram import Message, MessageEntity, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import start_codes
from bot.i18n import LANGUAGES, NATIVE_NAMES, normalize_language
from bot.i18n import t as common_t
from bot.stores import StoreUnavailable
from bot.telegram import i18n, render
from bot.telegram.conversation import relay, reply_language, say
from bot.telegram.outreach import handlers as outreach_handlers
from bot.telegram.state import Context, TelegramApp, chat_state, services

log = logging.getLogger(__name__)

# Commands that simply open a topic: the message Rasa receives (intent shortcuts, CONTRACTS.md); the
# ones that are start codes too send what their start code sends.
TOPIC_COMMANDS = {
    "help": "/help",
    **start_codes.TOPICS,
    "contact": "/human_handoff",
    "forget": "/forget_me",
}
MENU_COMMANDS = (
    "start",
    "help",
    "language",
    "measures",
    "routes",
    "invest",
    "source",
    "contact",
    "forget",
    "subscribe",
    "unsubscribe",
)

PRIVATE = filters.ChatType.PRIVATE
NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


async def drop_repeated_update(update: Update, context: Context) -> None:
    """Telegram redelivers an update it thinks was lost; each update_id is answered once (by one
    gateway of several, when they share Redis)."""
    updates = services(context).updates
    try:
        first = (
            await updates.first_time(update.update_id)
            if updates
            else context.bot_data.first_time(update.update_id)
        )
    except sqlite3.Error as exc:  # the local update log (a full or read-only disk): answer rather than drop
        log.warning(
            "Telegram update log unusable (%s); deduplicating update %s in memory", exc, update.update_id
        )
        first = context.bot_data.first_time(update.update_id)
    except StoreUnavailable as exc:  # PTB would run the other handler groups after an error here
        await on_store_unavailable(update, context, exc)
        raise ApplicationHandlerStop from exc
    if not first:
        log.info("ignoring repeated update %s", update.update_id)
        raise ApplicationHandlerStop


async def limit_chat_rate(update: Update, context: Context) -> None:
    """A chat over TELEGRAM_RATE_CHAT is told once how long to wait; its other messages are dropped."""
    chat = update.effective_chat
    if chat is None or not (update.message or update.callback_query):
        return
    try:
        wait = await services(context).chat_limit.refusal(chat.id)
    except StoreUnavailable as exc:  # PTB would run the other handler groups after an error here
        await on_store_unavailable(update, context, exc)
        raise ApplicationHandlerStop from exc
    if wait is None:
        return
    log.info("chat %s is over its message rate; dropping update %s", chat.id, update.update_id)
    if update.callback_query:
        await update.callback_query.answer()
    if wait:
        await say(context, chat.id, i18n.t("rate_limited", reply_language(update, context), seconds=wait))
    raise ApplicationHandlerStop


async def on_start(update: Update, context: Context) -> None:
    """/start [code]: deep links open a topic or pick the language (bot/start_codes.py)."""
    action = start_codes.resolve(context.args[0] if context.args else None)
    if action.language:
        chat_state(context).language = action.language
    await relay(update, context, action.message, explicit_language=action.language)


async def on_topic_command(update: Update, context: Context) -> None:
    """/help, /measures, /routes, /invest, /source, /contact, /forget: fixed questions to Rasa."""
    message = update.effective_message
    assert message is not None and message.text is not None
    command = message.text.split()[0][1:].split("@")[0].lower()
    if command in PERSONAL_COMMANDS and message.chat.type != ChatType.PRIVATE:
        await say(context, message.chat.id, group_hint(update, context))
    await relay(update, context, TOPIC_COMMANDS[command])


PERSONAL_COMMANDS = ("contact", "forget")


def group_hint(update: Update, context: Context) -> str:
    """In a group: the member's conversation is their own, but the group reads it; a link to a private
    chat with the bot (its t.me address, when the username is known)."""
    username = services(context).bot_username(context.bot)
    return i18n.t("group_private_hint", reply_language(update, context), link=f"https://t.me/{username}")


async def on_language_command(update: Update, context: Context) -> None:
    """/language: the eight languages as buttons, each named in its own language."""
    chat = update.effective_chat
    assert chat is not None
    names = [(code, NATIVE_NAMES[code]) for code in LANGUAGES]
    markup = render.language_keyboard(names)
    await say(context, chat.id, i18n.t("choose_language", reply_language(update, context)), markup)


async def on_language_choice(update: Update, context: Context) -> None:
    """A tap on the /language keyboard: an explicit choice that Rasa ranks above detection."""
    query = update.callback_query
    assert query is not None
    language = normalize_language((query.data or "")[len(render.LANGUAGE_PREFIX) :])
    if language is None or update.effective_chat is None:
        await query.answer(i18n.t("button_expired", reply_language(update, context)), show_alert=True)
        return
    await query.answer()
    chat_state(context).language = language
    await relay(update, context, "/change_language", explicit_language=language)


async def on_button(update: Update, context: Context) -> None:
    """A tap on a Rasa button: answer the callback first, then send its payload to Rasa."""
    query = update.callback_query
    assert query is not None
    store = context.chat_data.buttons if context.chat_data else {}
    payload = render.resolve_callback(query.data or "", store)
    if payload is None and update.effective_chat is not None:
        payload = await shared_button(context, update.effective_chat.id, query.data or "")
    if payload is None or update.effective_chat is None:
        await query.answer(i18n.t("button_expired", reply_language(update, context)), show_alert=True)
        return
    await query.answer()
    await relay(update, context, payload)


async def shared_button(context: Context, chat_id: int, data: str) -> str | None:
    """A button another gateway sent: its short id is in Redis (shared_state.py)."""
    shared = services(context).shared
    if shared is None or not data.startswith(render.SHORT_ID_PREFIX):
        return None
    return await shared.button(chat_id, data[len(render.SHORT_ID_PREFIX) :])


async def on_text(update: Update, context: Context) -> None:
    """A question in plain text; in groups only when it is addressed to the bot."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text
    if message.chat.type != ChatType.PRIVATE:
        username = services(context).bot_username(context.bot)
        if not addressed_to_bot(message, username, context.bot.id):
            return
        text = strip_mention(text, username) or "/greet"
    await relay(update, context, text)


def addressed_to_bot(message: Message, username: str, bot_id: int) -> bool:
    """A group message is for the bot when it replies to the bot or mentions it."""
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot_id:
        return True
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        if entity.type == MessageEntity.MENTION and username and value[1:].lower() == username.lower():
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    return False


def strip_mention(text: str, username: str) -> str:
    if not username:
        return text.strip()
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command we do not offer: point to /help rather than guess (only if it is for us)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    target = message.text.split()[0].partition("@")[2]
    username = services(context).bot_username(context.bot)
    if message.chat.type != ChatType.PRIVATE and target.lower() != username.lower():
        return
    await say(context, message.chat.id, i18n.t("unknown_command", reply_language(update, context)))


async def on_non_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice, files, locations… in a private chat: say we read text only."""
    chat = update.effective_chat
    assert chat is not None
    await say(context, chat.id, i18n.t("text_only", reply_language(update, context)))


async def on_edited_message(update: Update, context: Context) -> None:
    """An edit of an answered message: ask for a new message instead of answering twice."""
    chat = update.effective_chat
    assert chat is not None
    await say(context, chat.id, i18n.t("edited_message", reply_language(update, context)))


async def on_store_unavailable(update: Update, context: Context, error: Exception) -> None:
    """Redis (shared Telegram state) is down: the same words as when Rasa is away."""
    log.warning("Telegram update %s: %s", update.update_id, error)
    if update.effective_chat is not None:
        await say(
            context, update.effective_chat.id, common_t("rasa_unavailable", reply_language(update, context))
        )


async def on_error(update: object, context: Context) -> None:
    """The one error handler: log everything, tell the user briefly, never show a stack trace."""
    error = context.error
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(error, StoreUnavailable) and isinstance(update, Update):
        await on_store_unavailable(update, context, error)
        return
    if isinstance(error, Forbidden):
        log.warning(
            "Telegram refused to deliver to chat %s (bot blocked or removed); not retrying: %s",
            chat.id if chat else "?",
            error,
        )
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Telegram update %s in chat %s failed", update_id, chat.id if chat else "?", exc_info=error)
    if chat is None or not isinstance(update, Update):
        return
    try:
        await say(context, chat.id, i18n.t("internal_error", reply_language(update, context)))
    except TelegramError as exc:
        log.warning("could not tell chat %s about the error: %s", chat.id, exc)


def register(application: TelegramApp) -> None:
    """Wires every handler; groups -2 and -1 run first, so repeated updates and a chat over its rate
    stop there."""
    application.add_handler(TypeHandler(Update, drop_repeated_update), group=-2)
    application.add_handler(TypeHandler(Update, limit_chat_rate), group=-1)
    new_only = filters.UpdateType.MESSAGE  # an edited "/start" must not run the command again
    application.add_handler(CommandHandler("start", on_start, filters=new_only))
    application.add_handler(CommandHandler("language", on_language_command, filters=new_only))
    application.add_handler(CommandHandler(list(TOPIC_COMMANDS), on_topic_command, filters=new_only))
    outreach_handlers.register(application)
    application.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, on_unknown_command))
    application.add_handler(CallbackQueryHandler(on_language_choice, pattern=f"^{render.LANGUAGE_PREFIX}"))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, on_text))
    application.add_handler(MessageHandler(NON_TEXT & PRIVATE & filters.UpdateType.MESSAGE, on_non_text))
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & PRIVATE, on_edited_message))
    application.add_error_handler(on_error)
