"""Who is on the other end of a request, for every part of the gateway (chat API, staff console).

Behind a reverse proxy the peer is the proxy; the visitor's address and scheme are in headers anyone
can write. So they are read only when the peer is one of WIDGET_TRUSTED_PROXIES (the gateway's
proxies: the chat API and the console sit behind the same ones), and X-Forwarded-For from the right.
"""

from __future__ import annotations

import ipaddress
from typing import Mapping

from aiohttp import web

from bot.settings import SettingsError

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
TRUSTED_PROXIES = "WIDGET_TRUSTED_PROXIES"


def networks(env: Mapping[str, str], name: str = TRUSTED_PROXIES) -> tuple[IpNetwork, ...]:
    """`10.0.0.1, 192.168.0.0/16, ::1` → networks; the error names the variable and the bad entry."""
    found = []
    for entry in filter(None, (part.strip() for part in env.get(name, "").split(","))):
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as exc:
            raise SettingsError(f"{name}: {entry!r} is not an IP address or CIDR network") from exc
    return tuple(found)


def address(raw: str | None) -> IpAddress | None:
    try:
        parsed = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return None
    mapped = getattr(parsed, "ipv4_mapped", None)  # ::ffff:203.0.113.7 is the IPv4 visitor
    return mapped or parsed


def trusted(peer: IpAddress, proxies: tuple[IpNetwork, ...]) -> bool:
    return any(peer in network for network in proxies)


def client_ip(request: web.Request, proxies: tuple[IpNetwork, ...]) -> IpAddress | None:
    """The visitor's address. X-Forwarded-For is read only when the peer is a configured proxy, and
    then from the right: each proxy appends the address it saw, so the right-most hop that is not one
    of ours is the visitor; anything left of it was written by the visitor and could be forged."""
    peer = address(request.remote)
    if peer is None or not trusted(peer, proxies):
        return peer
    hops = ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
    for hop in reversed([h for h in hops if h.strip()]):
        hop_address = address(hop)
        if hop_address is None:  # not an address: written by someone we do not trust
            return peer
        if not trusted(hop_address, proxies):
            return hop_address
        peer = hop_address
    return peer


def rate_key(client: IpAddress | None) -> str:
    """Who a per-IP limit counts: one IPv4 address, or an IPv6 /64 (what one subscriber usually gets,
    so rotating through the addresses of one network does not reset the limit)."""
    if client is None:
        return "unknown"
    if client.version == 6:
        return str(ipaddress.ip_network(f"{client}/64", strict=False))
    return str(client)


def came_over_https(request: web.Request, proxies: tuple[IpNetwork, ...]) -> bool:
    """True when the browser's connection was https: TLS to the gateway itself, or a trusted proxy
    that says so in X-Forwarded-Proto. From any other peer the header is ignored."""
    if request.secure:
        return True
    peer = address(request.remote)
    if peer is None or not trusted(peer, proxies):
        return False
    protos = ",".join(request.headers.getall("X-Forwarded-Proto", [])).split(",")
    return any(proto.strip().lower() == "https" for proto in protos)
