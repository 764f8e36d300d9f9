"""`python -m bot`: run the gateway on GATEWAY_HOST:GATEWAY_PORT."""

from __future__ import annotations

import sys

from aiohttp import web

from bot.access_log import PrivateAccessLogger
from bot.app import create_app
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError


def main() -> int:
    configure_logging()
    try:
        settings = Settings.from_env()
        web.run_app(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            print=None,
            access_log_class=PrivateAccessLogger,
        )
    except SettingsError as exc:  # also raised while channels start, e.g. a rejected bot token
        print(f"gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
