"""The real assistant scaled out for the fault tests: action servers and several Rasa instances
started by scripts/services.py's own classes, on free ports, against the session's PostgreSQL and
Redis. The gateway runs in the test process (aiohttp test client on the real app), as in
tests/integration, so tests can look at its routing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_ports

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 300.0  # two Rasa instances loading their model at once on two busy cores


def load_services():
    """scripts/services.py as a module (it is a script, not a package)."""
    if "services" in sys.modules:
        return sys.modules["services"]
    spec = importlib.util.spec_from_file_location("services", ROOT / "scripts" / "services.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["services"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class Stack:
    """The running core services; `rasa` are the Rasa instances in port order."""

    env: dict[str, str]
    supervisor: object
    services: list

    @property
    def rasa(self) -> list:
        return [s for s in self.services if s.name.startswith("rasa")]

    @property
    def rasa_urls(self) -> list[str]:
        return [s.listen for s in self.rasa]

    def kill(self, service) -> None:
        """SIGKILL: the process gets no chance to finish what it is doing, as in a crash."""
        os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait()

    def restart(self, timeout: float = START_TIMEOUT) -> None:
        """Stops every service and starts them again (the whole stack restarted)."""
        self.supervisor.stop_all()
        self.supervisor.start_all(timeout=timeout)

    def stop(self) -> None:
        """Stops every service and removes the stack's data directory (logs, caches)."""
        self.supervisor.stop_all()
        shutil.rmtree(self.env["ADVISOR_DATA_DIR"], ignore_errors=True)


def start_stack(postgres, redis, instances: int = 2, action_servers: int = 1) -> Stack:
    services = load_services()
    rasa_ports, action_ports = free_ports(instances), free_ports(action_servers)
    data_dir = tempfile.mkdtemp(prefix="advisor-scale-")
    env = services.service_env(
        {
            **os.environ,
            "ADVISOR_DATA_DIR": data_dir,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "RASA_INSTANCES": str(instances),
            "ACTION_SERVERS": str(action_servers),
            "RASA_PORT": str(rasa_ports[0]),
            "ACTION_SERVER_PORT": str(action_ports[0]),
            "RASA_URL": f"http://127.0.0.1:{rasa_ports[0]}",
        }
    )
    core = services.core_services(env)
    supervisor = services.Supervisor(core, env)
    try:
        supervisor.start_all(timeout=START_TIMEOUT)
    except SystemExit as exc:
        raise RuntimeError("the scaled-out stack did not start; see the logs in " + data_dir) from exc
    return Stack(env, supervisor, core)
