"""The gateway's access log, without what identifies a visitor."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger


class PrivateAccessLogger(AbstractAccessLogger):
    """aiohttp's access log without what identifies a visitor: no IP address, no user agent, no
    referrer, no query string; method, path, status, size and time are enough to operate the service."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %s %.3fs",
            request.method,
            request.rel_url.path,
            response.status,
            response.body_length,
            time,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
