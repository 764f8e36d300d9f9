"""Runs `rasa` with `--auth-token` taken from RASA_API_TOKEN, so the token is on no command line.

A command line is readable by every user of the machine (`ps`, /proc/<pid>/cmdline); a process's
environment only by its owner. The launcher starts `python scripts/rasa_with_token.py run …` and
this script hands Rasa the token inside the process (changing sys.argv does not change what `ps`
shows).
"""

from __future__ import annotations

import os
import sys


def rasa_argv(argv: list[str], env: dict[str, str]) -> list[str]:
    """Rasa's own argv: ours plus the token from the environment."""
    token = env.get("RASA_API_TOKEN", "").strip()
    if not token:
        raise SystemExit("RASA_API_TOKEN is empty: the HTTP API is never open without a token")
    return ["rasa", *argv[1:], "--auth-token", token]


def main() -> None:
    from rasa.__main__ import main as rasa_main

    sys.argv = rasa_argv(sys.argv, dict(os.environ))
    rasa_main()


if __name__ == "__main__":
    main()
