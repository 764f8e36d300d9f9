"""Rasa loads the tracker store and the REST channel by the module paths its config names, and the
action server, which imports every module of `actions`, loads nothing of Rasa itself."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.actions.conftest import ROOT


# Rasa's server (TensorFlow, sanic-cors, apscheduler, pykwalify) raises DeprecationWarnings of its own
# while it is imported and reads its config (distutils, pkg_resources, load_module): not about our code.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_rasa_loads_the_forgetful_store_and_the_strict_channel_its_config_names(monkeypatch, tmp_path):
    from rasa.core.run import create_http_input_channels
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    from rasa_server.rest_channel import StrictRestInput
    from rasa_server.tracker_store import ForgetfulSQLTrackerStore

    launcher_env = {  # what scripts/services.py exports for endpoints.yml
        "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.sqlite3'}",
        "LOCK_STORE_TYPE": "in_memory",
        "REDIS_HOST": "",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "",
        "REDIS_DB": "1",
    }
    for name, value in launcher_env.items():
        monkeypatch.setenv(name, value)
    store = TrackerStore.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "tracker_store"))
    assert isinstance(store, ForgetfulSQLTrackerStore)
    channels = create_http_input_channels(None, str(ROOT / "credentials.yml"))
    assert [type(channel) for channel in channels] == [StrictRestInput]


def test_the_action_server_loads_nothing_of_rasa_itself(tmp_path):
    """rasa_sdk imports every module of the package; rasa.core there would cost seconds and memory."""
    code = (
        "import sys\n"
        "from rasa_sdk.executor import ActionExecutor\n"
        "ActionExecutor().register_package('actions')\n"
        "print(sorted(m for m in sys.modules if m == 'rasa' or m.startswith('rasa.')))\n"
    )
    env = {**os.environ, "ACTIONS_WARM_UP": "false", "ADVISOR_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
