"""CSV exports that open right in spreadsheet programs and cannot run as formulas there.

UTF-8 with a byte-order mark, or Excel shows Chinese and Japanese names as mojibake. A cell that
starts with = + - @ (or a tab / carriage return, which some programs strip first) is prefixed with
an apostrophe: a lead's name like `=HYPERLINK(...)` typed by a visitor must stay text (OWASP "CSV
injection"). The rule is the action server's `actions.lead_schema.spreadsheet_safe`, which every export of
leads must apply; here it applies to every cell of every export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from aiohttp import web

from actions.lead_schema import spreadsheet_safe

BOM = "\ufeff"


def neutralise(value: Any) -> str:
    return spreadsheet_safe(None if value is None else str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
    return BOM + buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> web.Response:
    return web.Response(
        body=to_csv(header, rows).encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
