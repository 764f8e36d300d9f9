"""The network guard: a test talks to this machine and nowhere else.

While pytest runs (installed by tests/conftest.py in both environments), a socket connect or datagram
to an address outside the loopback range (127.0.0.0/8, ::1), or a name lookup of anything but
localhost, raises `BlockedNetworkCall` before a packet leaves, and is recorded; tests/conftest.py
fails the test that made it even when the code under test caught the error (a client that retries,
or turns a network error into a friendly reply, would otherwise hide it).

Why: the suites must pass on CI machines that reach nothing but package registries, traffic to other
hosts is flagged on them, and a test that quietly reached the real Telegram Bot API or a web page
would pass on one machine, fail on the next and could send a real token. Every fake the tests need
(Rasa, the Bot API, PostgreSQL, Redis) listens on 127.0.0.1.

It covers this Python process: the servers a test starts as subprocesses (Rasa, the action server,
PostgreSQL, Redis, Chromium) are outside it. Standard library only, so both environments load it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable
from typing import Any

LOCAL_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
GUARDED_FAMILIES = (socket.AF_INET, socket.AF_INET6)

_attempts: list[str] = []
_lock = threading.Lock()
_saved: dict[str, Any] = {}


class BlockedNetworkCall(OSError):
    """A test tried to reach beyond this machine. An OSError, so code under test sees what it would
    see on a machine without that network; the test fails anyway (see `fail_on_attempts`)."""


def is_local(host: str | bytes | None) -> bool:
    """127.0.0.0/8, ::1 (also as [::1] or ::ffff:127.x.y.z) or the name localhost."""
    if host is None:
        return False
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = host.strip().strip("[]").lower().split("%", 1)[0]  # %scope of a link-local IPv6 address
    if name in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _is_address_literal(host: str | bytes) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(host.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _refuse(what: str) -> None:
    with _lock:
        _attempts.append(what)
    raise BlockedNetworkCall(
        f"network guard: {what}: tests talk only to this machine (127.0.0.0/8, ::1, localhost); "
        "start a fake on 127.0.0.1 instead (tests/network_guard.py)"
    )


def _check_address(sock: socket.socket, address: Any, verb: str) -> None:
    if sock.family in GUARDED_FAMILIES and isinstance(address, tuple) and address:
        host, port = address[0], address[1] if len(address) > 1 else None
        if not is_local(host):
            _refuse(f"{verb} {host} port {port}")


def _check_lookup(host: Any) -> None:
    """A lookup of a name other than localhost asks a DNS server; an address literal asks nobody
    (connecting to it is checked on connect); None or "" is a server's own wildcard."""
    if host in (None, "", b"") or _is_address_literal(host) or is_local(host):
        return
    _refuse(f"name lookup of {host!r}")


def _guarded_methods() -> dict[str, Callable[..., Any]]:
    def connect(self: socket.socket, address: Any) -> None:
        _check_address(self, address, "connect to")
        return _saved["socket.connect"](self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check_address(self, address, "connect to")
        return _saved["socket.connect_ex"](self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        _check_address(self, args[-1] if args else None, "datagram to")
        return _saved["socket.sendto"](self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        _check_lookup(host)
        return _saved["getaddrinfo"](host, *args, **kwargs)

    def gethostbyname(host: Any) -> str:
        _check_lookup(host)
        return _saved["gethostbyname"](host)

    def gethostbyname_ex(host: Any) -> Any:
        _check_lookup(host)
        return _saved["gethostbyname_ex"](host)

    return {
        "socket.connect": connect,
        "socket.connect_ex": connect_ex,
        "socket.sendto": sendto,
        "getaddrinfo": getaddrinfo,
        "gethostbyname": gethostbyname,
        "gethostbyname_ex": gethostbyname_ex,
    }


def install() -> None:
    """Wraps socket.socket's connect, connect_ex and sendto and the module's name lookups (asyncio,
    aiohttp, httpx, asyncpg and redis-py all reach the network through these)."""
    if _saved:
        return
    for key, guarded in _guarded_methods().items():
        owner, name = _owner_and_name(key)
        _saved[key] = getattr(owner, name)
        setattr(owner, name, guarded)


def uninstall() -> None:
    for key, original in list(_saved.items()):
        owner, name = _owner_and_name(key)
        setattr(owner, name, original)
    _saved.clear()


def _owner_and_name(key: str) -> tuple[Any, str]:
    """'socket.connect' is socket.socket's method, 'getaddrinfo' the socket module's function."""
    if key.startswith("socket."):
        return socket.socket, key.split(".", 1)[1]
    return socket, key


def take_attempts() -> list[str]:
    """The refused calls since the last take, and forget them."""
    with _lock:
        taken = list(_attempts)
        _attempts.clear()
    return taken


def fail_on_attempts(when: str = "") -> None:
    """Fails the current test if anything was refused since the last check."""
    import pytest

    attempts = take_attempts()
    if attempts:
        pytest.fail(
            f"network guard: the test reached beyond this machine{when}: " + "; ".join(attempts),
            pytrace=False,
        )
