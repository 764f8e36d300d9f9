"""The launcher's environment: SQLite and in-memory locks by default, PostgreSQL/Redis from URLs."""

import importlib.util
import os
import socket
import sys
import time
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "services", Path(__file__).resolve().parents[2] / "scripts" / "services.py"
)
services = importlib.util.module_from_spec(_spec)
sys.modules["services"] = services  # dataclasses look their module up
_spec.loader.exec_module(services)


def test_defaults_use_sqlite_under_the_data_dir(tmp_path):
    env = services.service_env({"ADVISOR_DATA_DIR": str(tmp_path / "data")})
    assert env["TRACKER_URL"] == f"sqlite:///{tmp_path / 'data' / 'tracker.sqlite3'}"
    assert env["TRACKER_DIALECT"] == "sqlite"
    assert env["LOCK_STORE_TYPE"] == "in_memory"
    assert env["RASA_TELEMETRY_ENABLED"] == "false"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5055/webhook"
    assert (tmp_path / "data").is_dir()


def test_database_and_redis_urls_switch_to_postgres_and_redis(tmp_path):
    env = services.service_env(
        {
            "ADVISOR_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://advisor:secret@db.internal:5433/advisor",
            "REDIS_URL": "redis://:pw@cache.internal:6380/2",
        }
    )
    assert env["TRACKER_URL"] == "postgresql://advisor:secret@db.internal:5433/advisor"
    assert env["TRACKER_DIALECT"] == "postgresql"
    assert (
        env["LOCK_STORE_TYPE"],
        env["REDIS_HOST"],
        env["REDIS_PORT"],
        env["REDIS_PASSWORD"],
        env["REDIS_DB"],
    ) == ("redis", "cache.internal", "6380", "pw", "2")


def test_malformed_redis_url_is_refused_with_a_clear_message(tmp_path):
    with pytest.raises(SystemExit, match="REDIS_URL"):
        services.service_env({"ADVISOR_DATA_DIR": str(tmp_path), "REDIS_URL": "localhost:6379"})


def test_api_needs_a_token(tmp_path):
    env = services.service_env({"ADVISOR_DATA_DIR": str(tmp_path), "RASA_ENABLE_API": "true"})
    with pytest.raises(SystemExit, match="RASA_API_TOKEN"):
        services.core_services(env)
    env["RASA_API_TOKEN"] = "t0ken-that-ps-must-not-show"
    rasa = services.core_services(env)[1]
    assert rasa.command[-1] == "--enable-api"
    assert not any("t0ken" in part for part in rasa.command)  # what `ps` shows of the process


def test_the_wrapper_hands_rasa_the_token_from_the_environment():
    spec = importlib.util.spec_from_file_location(
        "rasa_with_token", services.ROOT / "scripts" / "rasa_with_token.py"
    )
    wrapper = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(wrapper)
    argv = wrapper.rasa_argv(["rasa_with_token.py", "run", "--enable-api"], {"RASA_API_TOKEN": "t0ken"})
    assert argv == ["rasa", "run", "--enable-api", "--auth-token", "t0ken"]
    with pytest.raises(SystemExit, match="RASA_API_TOKEN"):
        wrapper.rasa_argv(["x", "run"], {})


def wait_for(predicate, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_service_output_is_redacted_into_a_log_file(tmp_path):
    token = "123456:AAbbCCddEEffGGhhIIjjKKll"
    env = {**os.environ, "RASA_API_TOKEN": "api-token-never-logged", "TELEGRAM_BOT_TOKEN": token}
    script = (
        f"print('calling https://api.telegram.org/bot{token}/getMe'); print('auth api-token-never-logged')"
    )
    service = services.Service("demo", [sys.executable, "-c", script], "http://127.0.0.1:9/", "-")
    (tmp_path / "logs").mkdir()
    service.start(env, tmp_path / "logs")
    service.process.wait(timeout=30)
    wait_for(lambda: "auth" in service.log_path.read_text())
    written = service.log_path.read_text()
    assert "getMe" in written and "auth [redacted]" in written
    assert "api-token-never-logged" not in written and "AAbbCCddEEffGGhhIIjjKKll" not in written
    assert (tmp_path / "run" / "demo.pid").read_text().strip() == str(service.process.pid)
    service.stop()
    assert not (tmp_path / "run" / "demo.pid").exists()


def test_logs_rotate_daily_and_keep_log_retention_days_old_files(tmp_path):
    path = tmp_path / "gateway.log"
    for day in range(1, 6):  # five older days on disk
        (tmp_path / f"gateway.log.2020-01-0{day}").write_text("old")
    writer = services.LogWriter(path, services.log_retention_days({"LOG_RETENTION_DAYS": "2"}), [])
    assert writer.handler.when == "MIDNIGHT"
    writer.write("today")
    writer.handler.doRollover()  # what midnight does
    kept = sorted(p.name for p in tmp_path.glob("gateway.log.*"))
    assert len(kept) == 2 and "gateway.log.2020-01-01" not in kept
    writer.handler.close()
    with pytest.raises(SystemExit, match="LOG_RETENTION_DAYS"):
        services.log_retention_days({"LOG_RETENTION_DAYS": "forever"})


def test_fingerprint_changes_with_training_data(tmp_path, monkeypatch):
    for name in ("domain", "data", "components"):
        (tmp_path / name).mkdir()
    (tmp_path / "config.yml").write_text("a")
    monkeypatch.setattr(services, "ROOT", tmp_path)
    before = services.training_fingerprint()
    (tmp_path / "data" / "x.yml").write_text("nlu: []")
    assert services.training_fingerprint() != before


def test_fingerprint_changes_with_the_rasa_lock(tmp_path, monkeypatch):
    """Another Rasa, TensorFlow or tokenizer version retrains: a model may not load, or load wrongly."""
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "rasa.lock").write_text("rasa==3.6.21")
    (tmp_path / "requirements" / "gateway.lock").write_text("aiohttp==3.14.5")
    monkeypatch.setattr(services, "ROOT", tmp_path)
    before = services.training_fingerprint()
    (tmp_path / "requirements" / "gateway.lock").write_text("aiohttp==3.14.6")
    assert services.training_fingerprint() == before  # the gateway does not touch the model
    (tmp_path / "requirements" / "rasa.lock").write_text("rasa==3.6.21\ntensorflow==2.12.1")
    assert services.training_fingerprint() != before


def test_with_core_runs_the_command_once_the_services_answer_and_stops_them(tmp_path, monkeypatch):
    """`services.py with-core -- CMD` (make test-integration): CMD runs only after every service's health
    check answers, with the services' environment, and its exit code is the launcher's."""
    port = services_free_port()
    slow_server = (
        "import http.server, sys, time; time.sleep(1.5); "
        f"http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler).serve_forever()"
    )
    url = f"http://127.0.0.1:{port}"
    fake = services.Service("fake", [sys.executable, "-c", slow_server], f"{url}/", url)
    monkeypatch.setattr(services, "core_services", lambda env: [fake])
    env = services.service_env({**os.environ, "ADVISOR_DATA_DIR": str(tmp_path), "FAKE_URL": url})
    command = [
        sys.executable,
        "-c",
        "import os, sys, urllib.request; urllib.request.urlopen(os.environ['FAKE_URL'] + '/', timeout=5);"
        " sys.exit(3 if os.environ['ADVISOR_DATA_DIR'] else 0)",
    ]
    assert services.run_with_core(env, command) == 3
    assert fake.exited() is not None, "the service is stopped afterwards"
    assert not (tmp_path / "run" / "fake.pid").exists()


def services_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_several_instances_need_shared_stores(tmp_path):
    with pytest.raises(SystemExit, match="DATABASE_URL and REDIS_URL"):
        services.service_env({"ADVISOR_DATA_DIR": str(tmp_path), "RASA_INSTANCES": "2"})
    with pytest.raises(SystemExit, match="REDIS_URL"):
        services.service_env(
            {
                "ADVISOR_DATA_DIR": str(tmp_path),
                "RASA_INSTANCES": "2",
                "DATABASE_URL": "postgresql://a@db/advisor",
            }
        )
    with pytest.raises(SystemExit, match="RASA_INSTANCES"):
        services.service_env({"ADVISOR_DATA_DIR": str(tmp_path), "RASA_INSTANCES": "zero"})


def test_three_instances_two_action_servers_and_the_gateways_urls(tmp_path):
    env = services.service_env(
        {
            "ADVISOR_DATA_DIR": str(tmp_path),
            "RASA_INSTANCES": "3",
            "ACTION_SERVERS": "2",
            "DATABASE_URL": "postgresql://a@db/advisor",
            "REDIS_URL": "redis://cache:6379/1",
            "RASA_PORT": "7005",
            "ACTION_SERVER_PORT": "7055",
        }
    )
    assert env["RASA_URLS"] == "http://127.0.0.1:7005,http://127.0.0.1:7006,http://127.0.0.1:7007"
    core = services.core_services(env)
    assert [s.name for s in core] == ["actions-1", "actions-2", "rasa-1", "rasa-2", "rasa-3"]
    assert [s.command[-1] for s in core] == ["7055", "7056", "7005", "7006", "7007"]
    assert [s.env["ACTION_SERVER_URL"] for s in core[2:]] == [
        "http://127.0.0.1:7055/webhook",
        "http://127.0.0.1:7056/webhook",
        "http://127.0.0.1:7055/webhook",
    ]
    assert all(s.replaceable for s in core)


@pytest.mark.parametrize("variable", ["RASA_HOST", "ACTION_SERVER_HOST"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "rasa.internal"])
def test_rasa_and_the_action_server_refuse_a_non_loopback_bind(tmp_path, variable, host):
    with pytest.raises(
        SystemExit, match=f"refusing to start: {variable}={host} is not a loopback.*ALLOW_PUBLIC_BIND=1"
    ):
        services.service_env({"ADVISOR_DATA_DIR": str(tmp_path), variable: host})


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_binds_start(tmp_path, host):
    env = services.service_env(
        {"ADVISOR_DATA_DIR": str(tmp_path), "RASA_HOST": host, "ACTION_SERVER_HOST": host}
    )
    assert env["SANIC_HOST"] == host


def test_allow_public_bind_starts_with_a_warning(tmp_path, capsys):
    env = services.service_env(
        {"ADVISOR_DATA_DIR": str(tmp_path), "RASA_HOST": "0.0.0.0", "ALLOW_PUBLIC_BIND": "1"}
    )
    assert env["RASA_HOST"] == "0.0.0.0"
    assert "WARNING: ALLOW_PUBLIC_BIND=1: RASA_HOST=0.0.0.0" in capsys.readouterr().out


def test_a_yes_no_setting_that_is_neither_stops_the_launcher_naming_it(tmp_path):
    with pytest.raises(SystemExit, match="ALLOW_PUBLIC_BIND must be one of .* got 'maybe'"):
        services.service_env(
            {"ADVISOR_DATA_DIR": str(tmp_path), "RASA_HOST": "0.0.0.0", "ALLOW_PUBLIC_BIND": "maybe"}
        )
