"""Yes/no settings, read by one rule wherever they are read: the launcher (ALLOW_PUBLIC_BIND,
RASA_ENABLE_API), the action server (ACTIONS_WARM_UP) and the gateway. Standard library only.

An unknown word fails the start, naming the variable: "ture" must not quietly mean "no".
"""

from __future__ import annotations

from typing import Mapping

YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


def env_flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """The variable as a yes/no (default when unset or empty); ValueError naming it otherwise."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in YES:
        return True
    if raw in NO:
        return False
    raise ValueError(f"{name} must be one of {'/'.join(YES)} or {'/'.join(NO)}, got {raw!r}")
