"""/subscribe, /unsubscribe, the topic toggles and the "stop these messages" button.

/subscribe with no argument subscribes a chat to every topic at once (one tap is enough), and shows
the topics as toggles to narrow it; turning the last one off unsubscribes. Sent again by a chat that
is subscribed already, it shows that chat's own choice rather than resetting it to every topic. In a group only an
administrator of the group can subscribe or unsubscribe it.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.telegram import i18n
from bot.telegram.conversation import reply_language, say
from bot.telegram.outreach.delivery import STOP_CALLBACK
from bot.telegram.outreach.store import TOPICS, SQLiteOutreach
from bot.telegram.state import Context, TelegramApp, services

TOGGLE = "sub:"
ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


def store(context: Context) -> SQLiteOutreach:
    outreach = services(context).outreach
    assert outreach is not None, "outreach handlers are registered only with a store"
    return outreach


def topics_keyboard(chosen: tuple[str, ...], language: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                ("✅ " if topic in chosen else "⬜ ") + i18n.t(f"topic_{topic}", language),
                callback_data=f"{TOGGLE}{topic}",
            )
        ]
        for topic in TOPICS
    ]
    rows.append([InlineKeyboardButton(i18n.t("outreach_stop", language), callback_data=STOP_CALLBACK)])
    return InlineKeyboardMarkup(rows)


async def allowed(update: Update, context: Context) -> bool:
    """Private chats always; groups only when the person asking administers the group."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in ADMINS


async def permitted(update: Update, context: Context) -> tuple[int, str] | None:
    """(chat id, reply language) when this user may change the chat's subscription, else None after
    telling them only a group's admins may."""
    chat = update.effective_chat
    assert chat is not None
    language = reply_language(update, context)
    if not await allowed(update, context):
        await say(context, chat.id, i18n.t("admins_only", language))
        return None
    return chat.id, language


async def on_subscribe(update: Update, context: Context) -> None:
    asker = await permitted(update, context)
    if asker is None:
        return
    chat_id, language = asker
    chosen = (
        await store(context).subscription(chat_id) or TOPICS
    )  # a subscriber keeps the topics it narrowed to
    await store(context).subscribe(chat_id, language, chosen)
    await context.bot.send_message(
        chat_id, i18n.t("subscribed", language), reply_markup=topics_keyboard(chosen, language)
    )


async def on_unsubscribe(update: Update, context: Context) -> None:
    asker = await permitted(update, context)
    if asker is None:
        return
    chat_id, language = asker
    removed = await store(context).unsubscribe(chat_id)
    await say(context, chat_id, i18n.t("unsubscribed" if removed else "not_subscribed", language))


async def on_toggle(update: Update, context: Context) -> None:
    """A topic button: on → off or off → on; the last one off ends the subscription."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    language = reply_language(update, context)
    topic = (query.data or "")[len(TOGGLE) :]
    current = await store(context).subscription(chat.id)
    if topic not in TOPICS or current is None or not await allowed(update, context):
        await query.answer(i18n.t("button_expired", language), show_alert=True)
        return
    await query.answer()
    chosen = tuple(t for t in TOPICS if (t in current) != (t == topic))
    if not chosen:
        await store(context).unsubscribe(chat.id)
        await query.edit_message_text(i18n.t("unsubscribed", language))
        return
    await store(context).subscribe(chat.id, language, chosen)
    await query.edit_message_reply_markup(topics_keyboard(chosen, language))


async def on_stop(update: Update, context: Context) -> None:
    """The button under every outreach message: ends the subscription at once."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    language = reply_language(update, context)
    if not await allowed(update, context):
        await query.answer(i18n.t("admins_only", language), show_alert=True)
        return
    await query.answer()
    removed = await store(context).unsubscribe(chat.id)
    await say(context, chat.id, i18n.t("unsubscribed" if removed else "not_subscribed", language))


def register(application: TelegramApp) -> None:
    """Before the catch-all handlers of bot/telegram/handlers.py (group -1 is the dedup)."""
    new_only = filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("subscribe", on_subscribe, filters=new_only))
    application.add_handler(CommandHandler("unsubscribe", on_unsubscribe, filters=new_only))
    application.add_handler(CallbackQueryHandler(on_toggle, pattern=f"^{TOGGLE}"))
    application.add_handler(CallbackQueryHandler(on_stop, pattern=f"^{STOP_CALLBACK}$"))
