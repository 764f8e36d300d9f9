"""Every refusal or failure in the console as a localized page (or JSON under /staff/api/)."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.staff.guards import Handler, StaffError, is_api, t
from bot.staff.render import render

log = logging.getLogger(__name__)
_HTTP_CODES = {404: "not_found", 405: "method", 413: "too_large"}


async def _response(request: web.Request, error: StaffError) -> web.Response:
    message = t(request, f"error_{error.code}", **error.params)
    if is_api(request):
        body = {"error": {"code": error.code, "message": message}}
        return web.json_response(body, status=error.status, headers=error.headers)
    response = await render(request, "error.html", {"message": message}, status=error.status)
    response.headers.update(error.headers)
    return response


@web.middleware
async def errors_as_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StaffError as error:
        return await _response(request, error)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return await _response(request, StaffError(exc.status, _HTTP_CODES.get(exc.status, "bad_request")))
    except Exception:
        log.exception("staff console failed on %s %s", request.method, request.path)
        return await _response(request, StaffError(500, "internal"))
