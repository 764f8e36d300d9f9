"""The staff API's OpenAPI document describes every route the API has, and nothing it lacks, so a
script written from it never meets an undocumented endpoint (or a documented one that is gone)."""

from __future__ import annotations

import re

from bot.staff import create_staff_app, openapi
from bot.staff.settings import StaffSettings

PARAMETER = re.compile(r"\{\w+(:[^}]*)?\}")  # {id}, {lead_id:\d+}: the name does not matter


def test_every_api_route_is_in_the_openapi_document_and_back(tmp_path):
    app = create_staff_app(StaffSettings(data_dir=str(tmp_path)))
    served = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith("/api/v1/") and route.method != "HEAD":
            served.add((route.method.lower(), PARAMETER.sub("{}", path[len("/api/v1") :])))
    documented = {
        (method, PARAMETER.sub("{}", path))
        for path, operations in openapi.document()["paths"].items()
        for method in operations
    }
    assert served - {("get", "/openapi.json")} == documented
    assert ("post", "/broadcasts/{}/cancel") in documented
