"""Origins in the one form browsers send them, so a configured origin and a request's `Origin` header
compare equal when they name the same site: lower-case scheme and host, an internationalised host in
its ASCII (punycode) form, no default port (`:443` for https, `:80` for http), no trailing slash."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna

DEFAULT_PORTS = {"http": 80, "https": 443}


def _ascii_host(host: str) -> str | None:
    """An IP address as such, a name in its IDNA (UTS 46) ASCII form; None when neither."""
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if host.isascii():  # already ASCII (also names IDNA 2008 refuses, such as a_b.example)
        return host.lower() if re.fullmatch(r"[A-Za-z0-9._-]+", host) else None
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return None


def canonical_origin(raw: str) -> str | None:
    """`scheme://host[:port]` in canonical form, or None when `raw` is not an origin (a path, a query,
    user info, another scheme, `null`, a host IDNA refuses)."""
    try:
        parts = urlsplit(raw.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    if parts.query or parts.fragment or "@" in parts.netloc:
        return None
    host = _ascii_host(parts.hostname)
    if host is None:
        return None
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else "")


def canonical_host(scheme: str, host: str) -> str | None:
    """The `host[:port]` part of the origin a page served at `scheme://host` has."""
    origin = canonical_origin(f"{scheme}://{host}")
    return origin.split("://", 1)[1] if origin else None
