"""The gateway as `python -m bot` writes access-log lines without the visitor's IP address."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IP = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f]{1,4}(:[0-9a-f]{0,4}){2,7}\b", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str]) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as resp:
        resp.read()


def test_access_log_lines_carry_no_visitor_ip(tmp_path):
    port, nowhere = free_port(), free_port()
    env = {
        "GATEWAY_PORT": str(port),
        "ADVISOR_DATA_DIR": str(tmp_path),
        "RASA_URL": f"http://127.0.0.1:{nowhere}",
        "ACTION_SERVER_PORT": str(nowhere),
        "PATH": "/usr/bin:/bin",
    }
    gateway = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        for _ in range(150):  # generous: the process starts in about a second
            try:
                get(
                    f"http://127.0.0.1:{port}/healthz",
                    {"X-Forwarded-For": "203.0.113.77", "User-Agent": "probe/1"},
                )
                break
            except OSError:
                time.sleep(0.1)
        get(f"http://127.0.0.1:{port}/?lang=de&visitor=203.0.113.78", {"Referer": "https://203.0.113.79/"})
    finally:
        gateway.terminate()
        output = gateway.communicate(timeout=20)[1]
    access = [line for line in output.splitlines() if "aiohttp.access" in line]
    assert any("GET /healthz 200" in line for line in access), output
    assert any("GET / 200" in line for line in access), output
    for line in access:
        assert not IP.search(line.split("aiohttp.access", 1)[1]), line
        assert "probe/1" not in line
