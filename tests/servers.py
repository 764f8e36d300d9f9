"""Private throwaway PostgreSQL and Redis servers for the integration and fault tests.

Each instance gets its own data directory under a temporary directory, its own free port on
127.0.0.1, and is stopped (and its directory removed) by the session fixture that started it. They
can also be stopped and started again on the same port with the same data, which is what the fault
tests do. Standard library only, so both environments can use it. The binaries come from Debian's
`postgresql` and `redis-server` packages, which `make test` installs when they are missing
(scripts/install_servers.sh); a missing binary is an error here, never a skipped test.

PostgreSQL refuses to run as root, so as root initdb and postgres run as a system user
(`postgres`, created by Debian's package; `advisor-pg` is created when it does not exist).
"""

from __future__ import annotations

import glob
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 60.0  # seconds a server may take to accept connections before the setup fails


class ServerError(RuntimeError):
    """A test server could not be set up; the message says what is missing or what it logged."""


def free_ports(count: int = 1) -> list[int]:
    """`count` consecutive free ports on 127.0.0.1 (services.py numbers instances from a base port).

    Chosen below the kernel's range for outgoing connections, so a port found free cannot be taken
    as the local end of some process's connection before the server binds it."""
    low = _ephemeral_start()
    for _ in range(500):
        base = random.randrange(max(1024, low - 12000), low - count)
        if all(_port_free(base + i) for i in range(count)):
            return [base + i for i in range(count)]
    raise ServerError(f"no {count} consecutive free ports on 127.0.0.1")


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def _wait_until(check, what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerError(f"{what} did not come up in {START_TIMEOUT:.0f} s; its log ends:\n{tail}")
        time.sleep(0.1)


def _postgres_bin(name: str) -> str:
    """Debian keeps PostgreSQL's server programs in /usr/lib/postgresql/<version>/bin, off PATH."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_key)
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise ServerError(f"{name} not found: run scripts/install_servers.sh (make test does)")
    return found


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parts[-3]
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _postgres_user() -> str | None:
    """The system user PostgreSQL runs as when we are root (it refuses root), else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "advisor-pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "advisor-pg"],
        check=True,
        capture_output=True,
    )
    return "advisor-pg"


@dataclass
class PostgresServer:
    """One PostgreSQL cluster with database `advisor`, user `advisor`, trust auth on 127.0.0.1 only."""

    root: Path
    port: int = 0
    user: str | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://advisor@127.0.0.1:{self.port}/advisor"

    def _as_owner(self, command: list[str], **kwargs) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        return subprocess.run(prefix + command, capture_output=True, text=True, **kwargs)

    def init(self) -> None:
        """initdb + createdb, once; the cluster is then started and stopped at will."""
        self.user = _postgres_user()
        if self.user:
            shutil.chown(self.root, self.user)
        result = self._as_owner(
            [
                _postgres_bin("initdb"),
                "-D",
                str(self.data),
                "-U",
                "advisor",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        if result.returncode != 0:
            raise ServerError(f"initdb failed: {result.stderr[-2000:]}")
        self.start()
        result = self._as_owner(
            [_postgres_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "advisor", "advisor"]
        )
        if result.returncode != 0:
            raise ServerError(f"createdb failed: {result.stderr[-2000:]}")

    def start(self) -> None:
        # Throwaway data: durability settings off, which makes the suite faster and changes nothing
        # the tests check (a stop is a clean shutdown; the fault tests never pull the power).
        options = (
            f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        result = self._as_owner(
            [
                _postgres_bin("pg_ctl"),
                "start",
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.log),
                "-w",
                "-t",
                str(int(START_TIMEOUT)),
            ]
        )
        if result.returncode != 0:
            raise ServerError(f"PostgreSQL did not start: {result.stderr[-2000:]}\n{self._log_tail()}")

    def stop(self) -> None:
        """A fast shutdown: open connections are cut, as when the database host goes away."""
        self._as_owner([_postgres_bin("pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w"])

    def running(self) -> bool:
        return _accepts(self.port)

    def _log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

    def psql(self, sql: str) -> str:
        """Runs one SQL statement with psql and returns its unaligned output (for assertions)."""
        result = self._as_owner(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "advisor",
                "-d",
                "advisor",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ]
        )
        if result.returncode != 0:
            raise ServerError(f"psql failed: {result.stderr}")
        return result.stdout


@dataclass
class RedisServer:
    """One redis-server without persistence, bound to 127.0.0.1 on its own port."""

    root: Path
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log(self) -> Path:
        return self.root / "redis.log"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise ServerError("redis-server not found: run scripts/install_servers.sh (make test does)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.root),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                str(self.log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_until(self._pong, "redis-server", self.log)

    def _pong(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise ServerError(f"redis-server exited: {self.log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def running(self) -> bool:
        return _accepts(self.port)


def start_postgres() -> PostgresServer:
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="advisor-pg-")), port=free_ports()[0])
    server.init()
    return server


def start_redis() -> RedisServer:
    server = RedisServer(Path(tempfile.mkdtemp(prefix="advisor-redis-")), port=free_ports()[0])
    server.start()
    return server


def discard(server: PostgresServer | RedisServer) -> None:
    """Stops a server and removes its directory."""
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)
