#!/usr/bin/env python3
"""Runs the advisor: trains when needed, starts the three services, stops them all together.

    python3 scripts/services.py train        # train only if config, domain, data, components or rasa.lock changed
    python3 scripts/services.py run          # train if needed, start actions + Rasa + gateway, wait
    python3 scripts/services.py start-core   # start actions + Rasa only, wait
    python3 scripts/services.py with-core -- COMMAND ...   # start actions + Rasa, run COMMAND once both
                                             # answer their health checks, stop them; COMMAND's exit code

RASA_INSTANCES=N starts N Rasa processes on ports RASA_PORT, RASA_PORT+1, … and ACTION_SERVERS
action servers (default N) on ACTION_SERVER_PORT, +1, …; Rasa instance i calls action server
i mod ACTION_SERVERS, and the gateway gets every Rasa URL in RASA_URLS. N > 1 needs DATABASE_URL
and REDIS_URL: the instances must share one tracker store and one lock store.

Standard library only, so it runs before any environment exists. Every variable it reads is listed
in README.md ("Configuration") with its default; `service_env()` is where the defaults live.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import logging.handlers
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.logs import SECRET_VARIABLES, redact  # noqa: E402  (standard library only, like this script)
from common.env import env_flag  # noqa: E402  (standard library only)

VENV = ROOT / os.environ.get("VENV_DIR", ".venv")
RASA_BIN = VENV / "rasa" / "bin"
GATEWAY_PY = VENV / "gateway" / "bin" / "python"
MODEL_DIR = ROOT / "models"
MODEL_NAME = "advisor"
FINGERPRINT = MODEL_DIR / ".fingerprint"
# What the model is made from: the pipeline, domain and data, our components (with the Unicode ranges
# in common/scripts.py the tokenizer splits scripts by), and the locked versions of Rasa, TensorFlow and
# the tokenizers (a different Rasa may load an old model wrongly, or not at all).
TRAINING_INPUTS = (
    "config.yml",
    "domain",
    "data",
    "components",
    "common/scripts.py",
    "requirements/rasa.lock",
)
MAX_RESTARTS = 5  # restarts of one instance of several before the launcher gives up


def log(message: str) -> None:
    print(f"[advisor] {message}", flush=True)


def _env_flag(env: dict[str, str], name: str) -> bool:
    """A yes/no setting; a word that is neither stops the launcher, naming the variable."""
    try:
        return env_flag(env, name)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None


def _redis_env(redis_url: str) -> dict[str, str]:
    """Splits REDIS_URL (redis://[:password@]host[:port][/db]) into the lock store's fields."""
    if not redis_url:
        return {
            "LOCK_STORE_TYPE": "in_memory",
            "REDIS_HOST": "",
            "REDIS_PORT": "6379",
            "REDIS_PASSWORD": "",
            "REDIS_DB": "1",
        }
    parts = urllib.parse.urlsplit(redis_url)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise SystemExit(f"REDIS_URL must look like redis://host:6379/1, got {redis_url!r}")
    return {
        "LOCK_STORE_TYPE": "redis",
        "REDIS_HOST": parts.hostname,
        "REDIS_PORT": str(parts.port or 6379),
        "REDIS_PASSWORD": parts.password or "",
        "REDIS_DB": parts.path.lstrip("/") or "1",
    }


def _count(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number >= 1, got {raw!r}")
    return int(raw)


def _check_shared_stores(env: dict[str, str]) -> None:
    """Several Rasa processes are only correct with one tracker store and one lock store for all."""
    if int(env["RASA_INSTANCES"]) == 1:
        return
    missing = [name for name in ("DATABASE_URL", "REDIS_URL") if not env.get(name, "").strip()]
    if missing:
        raise SystemExit(
            f"RASA_INSTANCES={env['RASA_INSTANCES']} needs {' and '.join(missing)}: several Rasa processes"
            " must share the tracker store (PostgreSQL) and the lock store (Redis), which keeps one"
            " sender's turns in order"
        )


LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost. Any other name (even one that resolves to 127.0.0.1 today) and
    the wildcards 0.0.0.0 and :: count as public."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_loopback(env: dict[str, str]) -> None:
    """Rasa and the action server have no authentication of their own (the REST channel takes any
    sender id, the action server runs any action for any tracker it is sent): reachable from other
    machines, anyone could read or write conversations and leads. They listen on loopback unless the
    operator says otherwise with ALLOW_PUBLIC_BIND=1 (e.g. containers on a private network)."""
    public = [
        f"{name}={env[name]}" for name in ("RASA_HOST", "ACTION_SERVER_HOST") if not is_loopback(env[name])
    ]
    if not public:
        return
    if not _env_flag(env, "ALLOW_PUBLIC_BIND"):
        raise SystemExit(
            f"refusing to start: {', '.join(public)} is not a loopback address. Rasa and the action server"
            " have no authentication and must only be reachable from this machine (127.0.0.1). Set"
            " ALLOW_PUBLIC_BIND=1 only if a firewall or private network keeps them from the internet."
        )
    log(
        f"WARNING: ALLOW_PUBLIC_BIND=1: {', '.join(public)} listens beyond loopback; Rasa and the action"
        " server have no authentication: keep them behind a firewall or on a private network"
    )


def instance_urls(env: dict[str, str], host_key: str, port_key: str, count: int) -> list[str]:
    """http://host:port, http://host:port+1, … for `count` instances numbered from the base port."""
    base = int(env[port_key])
    return [f"http://{env[host_key]}:{base + i}" for i in range(count)]


def service_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment shared by all services, with every documented default filled in."""
    env = dict(os.environ if base is None else base)
    data_dir = Path(env.setdefault("ADVISOR_DATA_DIR", str(ROOT / "var"))).resolve()
    env["ADVISOR_DATA_DIR"] = str(data_dir)
    database_url = env.get("DATABASE_URL", "").strip()
    env["TRACKER_URL"] = database_url or f"sqlite:///{data_dir / 'tracker.sqlite3'}"
    env["TRACKER_DIALECT"] = urllib.parse.urlsplit(env["TRACKER_URL"]).scheme.split("+")[0]
    env.update(_redis_env(env.get("REDIS_URL", "").strip()))
    env.setdefault("ACTION_SERVER_HOST", "127.0.0.1")
    env.setdefault("ACTION_SERVER_PORT", "5055")
    env["ACTION_SERVER_URL"] = f"http://{env['ACTION_SERVER_HOST']}:{env['ACTION_SERVER_PORT']}/webhook"
    env["SANIC_HOST"] = env["ACTION_SERVER_HOST"]  # rasa_sdk reads its bind address from here
    env.setdefault("RASA_HOST", "127.0.0.1")
    env.setdefault("RASA_PORT", "5005")
    env.setdefault("RASA_URL", f"http://{env['RASA_HOST']}:{env['RASA_PORT']}")
    _check_loopback(env)
    env["RASA_INSTANCES"] = str(_count(env, "RASA_INSTANCES", 1))
    env["ACTION_SERVERS"] = str(_count(env, "ACTION_SERVERS", int(env["RASA_INSTANCES"])))
    _check_shared_stores(env)
    if int(env["RASA_INSTANCES"]) > 1:
        env.setdefault(
            "RASA_URLS", ",".join(instance_urls(env, "RASA_HOST", "RASA_PORT", int(env["RASA_INSTANCES"])))
        )
    env.setdefault("GATEWAY_HOST", "127.0.0.1")
    env.setdefault("GATEWAY_PORT", "8080")
    # Small machines: a few threads each, no telemetry, quiet TensorFlow.
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("TF_INTER_OP_PARALLELISM_THREADS", "2")
    env.setdefault("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    env.setdefault("OMP_NUM_THREADS", "2")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONUNBUFFERED", "1")
    # Rasa imports our tokenizer (components/) and tracker store (actions/) from the project root.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    data_dir.mkdir(parents=True, exist_ok=True)
    return env


# ---------------------------------------------------------------- training


def training_fingerprint() -> str:
    """A hash of every file that changes what the model learns."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        root = ROOT / name
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path() -> Path:
    return MODEL_DIR / f"{MODEL_NAME}.tar.gz"


def train_command(out: Path, *extra: str) -> list[str]:
    """`rasa train` on the project's config, domain and data into `out`: the launcher and the benchmark
    (benchmarks/bench.py, which times a cold training) train the same model."""
    data = ["--domain", "domain", "--data", "data", "--config", "config.yml"]
    return [str(RASA_BIN / "rasa"), "train", *data, "--out", str(out), *extra]


def train_if_needed(env: dict[str, str], force: bool = False) -> None:
    wanted = training_fingerprint()
    if (
        not force
        and model_path().exists()
        and FINGERPRINT.exists()
        and FINGERPRINT.read_text().strip() == wanted
    ):
        log(f"model is up to date ({model_path().relative_to(ROOT)}), not retraining")
        return
    log("training the model (config, domain, data, components or requirements/rasa.lock changed)...")
    started = time.monotonic()
    MODEL_DIR.mkdir(exist_ok=True)
    command = train_command(MODEL_DIR, "--fixed-model-name", MODEL_NAME, "--force")
    log_path = Path(env["ADVISOR_DATA_DIR"]) / "logs" / "train.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log(f"training log: {log_path}")
    with open(log_path, "wb") as handle:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-40:]
        print("\n".join(tail), file=sys.stderr)
        raise SystemExit(f"training failed (exit {result.returncode}); full log: {log_path}")
    FINGERPRINT.write_text(wanted)
    log(f"trained in {time.monotonic() - started:.0f} s")


# ---------------------------------------------------------------- services


def log_retention_days(env: dict[str, str]) -> int:
    raw = env.get("LOG_RETENTION_DAYS", "").strip() or "14"
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"LOG_RETENTION_DAYS must be a whole number of days >= 1, got {raw!r}")
    return int(raw)


def secret_values(env: dict[str, str]) -> list[str]:
    return [env.get(name, "").strip() for name in SECRET_VARIABLES]


class LogWriter:
    """A service's output, redacted, in a log file that rotates at midnight and keeps
    LOG_RETENTION_DAYS old files: logs hold sender ids and error details, so they do not grow or
    stay forever. The service writes to a pipe; this side owns the file, so rotation needs nothing
    from Rasa, the action server or the gateway."""

    def __init__(self, path: Path, retention_days: int, secrets: list[str]) -> None:
        self.secrets = [s for s in secrets if s and len(s) >= 8]
        self.handler = logging.handlers.TimedRotatingFileHandler(
            path, when="midnight", backupCount=retention_days, encoding="utf-8"
        )

    def write(self, line: str) -> None:
        record = logging.makeLogRecord({"msg": redact(line, self.secrets), "levelno": logging.INFO})
        self.handler.emit(record)

    def pump(self, stream) -> None:
        """Copies the stream line by line until the service closes it."""
        try:
            for raw in iter(stream.readline, b""):
                self.write(raw.decode("utf-8", "replace").rstrip("\n"))
        finally:
            stream.close()
            self.handler.close()


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str
    listen: str
    env: dict[str, str] = field(default_factory=dict)  # this instance's own variables
    replaceable: bool = False  # one of several instances: restarted when it dies, the others serve
    restarts: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    pid_path: Path | None = None

    def start(self, env: dict[str, str], log_dir: Path) -> None:
        self.log_path = log_dir / f"{self.name}.log"
        # Own process group: a terminal Ctrl-C reaches only us, and we stop each group in order.
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env={**env, **self.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        writer = LogWriter(self.log_path, log_retention_days(env), secret_values(env))
        threading.Thread(
            target=writer.pump, args=(self.process.stdout,), daemon=True, name=f"{self.name}-log"
        ).start()
        self.pid_path = log_dir.parent / "run" / f"{self.name}.pid"
        self.pid_path.parent.mkdir(parents=True, exist_ok=True)
        self.pid_path.write_text(f"{self.process.pid}\n")  # lets fault-injection tests find it

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def stop(self, timeout: float = 15) -> None:
        if self.pid_path is not None:
            self.pid_path.unlink(missing_ok=True)
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def log_tail(self, lines: int = 25) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def action_services(env: dict[str, str]) -> list[Service]:
    """ACTION_SERVERS rasa_sdk processes on ACTION_SERVER_PORT, +1, …"""
    count = int(env["ACTION_SERVERS"])
    services = []
    for index, url in enumerate(instance_urls(env, "ACTION_SERVER_HOST", "ACTION_SERVER_PORT", count)):
        port = url.rsplit(":", 1)[1]
        name = "actions" if count == 1 else f"actions-{index + 1}"
        command = [str(RASA_BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "--port", port]
        services.append(Service(name, command, f"{url}/health", url, replaceable=count > 1))
    return services


def rasa_services(env: dict[str, str], actions: list[Service]) -> list[Service]:
    """RASA_INSTANCES `rasa run` processes; instance i calls action server i mod ACTION_SERVERS."""
    count = int(env["RASA_INSTANCES"])
    services = []
    for index, url in enumerate(instance_urls(env, "RASA_HOST", "RASA_PORT", count)):
        port = url.rsplit(":", 1)[1]
        command = _with_api(
            [
                str(RASA_BIN / "rasa"),
                "run",
                "--model",
                str(model_path()),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
                "--interface",
                env["RASA_HOST"],
                "--port",
                port,
            ],
            env,
        )
        name = "rasa" if count == 1 else f"rasa-{index + 1}"
        action_url = f"{actions[index % len(actions)].listen}/webhook"
        services.append(
            Service(
                name, command, f"{url}/", url, env={"ACTION_SERVER_URL": action_url}, replaceable=count > 1
            )
        )
    return services


def _with_api(rasa_command: list[str], env: dict[str, str]) -> list[str]:
    """`rasa run` with the HTTP API when RASA_ENABLE_API is on (never without a token)."""
    if not _env_flag(env, "RASA_ENABLE_API"):
        return rasa_command
    if not env.get("RASA_API_TOKEN", "").strip():
        raise SystemExit("RASA_ENABLE_API=true needs RASA_API_TOKEN (the HTTP API is never open)")
    # The token reaches Rasa through the environment, never the command line that `ps` shows.
    return (
        [str(RASA_BIN / "python"), str(ROOT / "scripts" / "rasa_with_token.py")]
        + rasa_command[1:]
        + ["--enable-api"]
    )


def core_services(env: dict[str, str]) -> list[Service]:
    """The action servers first (Rasa calls them), then the Rasa instances."""
    actions = action_services(env)
    return actions + rasa_services(env, actions)


def gateway_service(env: dict[str, str]) -> Service:
    url = f"http://{env['GATEWAY_HOST']}:{env['GATEWAY_PORT']}"
    return Service("gateway", [str(GATEWAY_PY), "-m", "bot"], f"{url}/healthz", url)


class Supervisor:
    """Starts services in order, waits for each health check, and stops them in reverse."""

    def __init__(self, services: list[Service], env: dict[str, str]):
        self.services = services
        self.env = env
        self.log_dir = Path(env["ADVISOR_DATA_DIR"]) / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)

    def start_all(self, timeout: float) -> None:
        for service in self.services:
            service.start(self.env, self.log_dir)
            log(f"starting {service.name} (log: {service.log_path})")
        deadline = time.monotonic() + timeout
        for service in self.services:
            self._wait_healthy(service, deadline)
            log(f"{service.name:8s} ready on {service.listen}")

    def _wait_healthy(self, service: Service, deadline: float) -> None:
        while not service.healthy():
            code = service.exited()
            if code is not None:
                self.fail(f"{service.name} exited with code {code} while starting", service)
            if time.monotonic() > deadline:
                self.fail(f"{service.name} did not answer {service.health_url} in time", service)
            time.sleep(0.5)

    def fail(self, reason: str, service: Service) -> None:
        log(f"ERROR: {reason}. Last lines of {service.log_path}:")
        print(service.log_tail(), file=sys.stderr, flush=True)
        self.stop_all()
        raise SystemExit(1)

    def _replace_or_fail(self, service: Service) -> None:
        """One of several instances is restarted (the gateway routes around it meanwhile); a single
        service, or one that keeps dying, stops everything."""
        reason = f"{service.name} stopped unexpectedly (exit {service.exited()})"
        if not service.replaceable or service.restarts >= MAX_RESTARTS:
            self.fail(reason, service)
        service.restarts += 1
        log(f"{reason}; restarting it ({service.restarts}/{MAX_RESTARTS}), the other instances keep serving")
        service.start(self.env, self.log_dir)

    def stop_all(self) -> None:
        for service in reversed(self.services):
            if service.process is not None and service.exited() is None:
                log(f"stopping {service.name}")
            service.stop()

    def watch(self) -> None:
        """Blocks until a signal arrives or a service dies; then stops everything."""
        stop = {"requested": False}

        def request_stop(signum: int, _frame: object) -> None:
            stop["requested"] = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        while not stop["requested"]:
            for service in self.services:
                if service.exited() is not None:
                    self._replace_or_fail(service)
            time.sleep(0.5)
        log("shutting down")
        self.stop_all()
        log("all services stopped")


def run_with_core(env: dict[str, str], command: list[str]) -> int:
    """Starts the action servers and Rasa, waits until each answers its health check (the same wait as
    `run`, which also notices a service that exits while starting), runs `command` with the services'
    environment (RASA_URL, ACTION_SERVER_URL, ADVISOR_DATA_DIR, …), stops them, and returns the
    command's exit code. The end-to-end tests run this way (make test-integration), so no script keeps
    a readiness loop of its own."""
    supervisor = Supervisor(core_services(env), env)
    try:
        supervisor.start_all(timeout=float(env.get("ADVISOR_START_TIMEOUT", "180")))
        log(f"all services are up; running {' '.join(command)}")
        return subprocess.run(command, cwd=ROOT, env=env).returncode
    finally:
        supervisor.stop_all()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "run"
    env = service_env()
    if command == "train":
        train_if_needed(env, force="--force" in argv)
        return 0
    if command == "with-core":
        wrapped = argv[argv.index("--") + 1 :] if "--" in argv else []
        if not wrapped:
            print(__doc__, file=sys.stderr)
            return 2
        train_if_needed(env)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds through run_with_core's finally
        return run_with_core(env, wrapped)
    if command not in {"run", "start-core"}:
        print(__doc__, file=sys.stderr)
        return 2
    train_if_needed(env)
    services = core_services(env)
    if command == "run":
        services.append(gateway_service(env))
        if env.get("TELEGRAM_BOT_TOKEN"):
            log("TELEGRAM_BOT_TOKEN is set: the gateway starts the Telegram connector")
    supervisor = Supervisor(services, env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds through the finally below
    try:
        supervisor.start_all(timeout=float(env.get("ADVISOR_START_TIMEOUT", "180")))
        log("all services are up; press Ctrl-C to stop")
        supervisor.watch()
    except KeyboardInterrupt:
        log("interrupted while starting")
    finally:
        supervisor.stop_all()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except KeyboardInterrupt:  # Ctrl-C before any service started, e.g. while training
        log("interrupted; no service was left running")
        sys.exit(130)
