"""`python -m bot.staff`: create and manage staff accounts (the only way accounts come to exist).

    python -m bot.staff add-user NAME --role admin|viewer   # password prompted, or one line on stdin
    python -m bot.staff set-password NAME
    python -m bot.staff remove-user NAME
    python -m bot.staff list-users
    python -m bot.staff set-telegram NAME CHAT_ID           # the chat "send to me first" goes to

The accounts live in `$ADVISOR_DATA_DIR/staff.sqlite3` (the same variable the gateway reads).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TextIO

from bot.settings import Settings, SettingsError
from bot.staff.accounts import ROLES, AccountError, Accounts
from bot.staff.settings import StaffSettings


def read_password(stdin: TextIO) -> str:
    """Prompted twice on a terminal; otherwise the first line of stdin (for scripts)."""
    if stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat it: ") != first:
            raise AccountError("the two passwords differ")
        return first
    return stdin.readline().rstrip("\r\n")


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(prog="python -m bot.staff", description="Staff console accounts.")
    commands = cli.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-user", help="create an account (password prompted or on stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, required=True)
    commands.add_parser("set-password", help="change a password and unlock the account").add_argument("name")
    commands.add_parser("remove-user", help="delete an account").add_argument("name")
    commands.add_parser("list-users", help="names and roles")
    link = commands.add_parser("set-telegram", help="the staff member's own Telegram chat id")
    link.add_argument("name")
    link.add_argument("chat_id", type=int)
    return cli


def run(args: argparse.Namespace, accounts: Accounts, stdin: TextIO, out: TextIO) -> None:
    if args.command == "add-user":
        accounts.add_user_sync(args.name, args.role, read_password(stdin))
        print(f"created {args.role} {args.name!r}; log in at /staff/login", file=out)
    elif args.command == "set-password":
        accounts.set_password_sync(args.name, read_password(stdin))
        print(f"changed the password of {args.name!r}", file=out)
    elif args.command == "remove-user":
        accounts.remove_user_sync(args.name)
        print(f"removed {args.name!r}", file=out)
    elif args.command == "set-telegram":
        accounts.set_telegram_sync(args.name, args.chat_id)
        print(f"{args.name!r} gets test broadcasts in chat {args.chat_id}", file=out)
    else:
        for user in accounts.users_sync():
            print(f"{user.name}\t{user.role}", file=out)


def main(argv: list[str] | None = None, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    args = parser().parse_args(argv)
    try:
        staff = StaffSettings.from_gateway(Settings.from_env())
        accounts = Accounts(staff.accounts_db)
        accounts.db.open_sync()
        try:
            run(args, accounts, stdin, out)
        finally:
            accounts.db.close_sync()
    except (AccountError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
