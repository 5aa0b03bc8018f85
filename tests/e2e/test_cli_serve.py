"""`lambda-sim serve` as users run it: a real process, the default address, a restart that
keeps functions and code, and a clean stop on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import require_docker
from tests.helpers import create_function, lambda_client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(state_dir: Path, port: int, executor: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "LAMBDA_SIM_DOCKER_NETWORK": "lambda-sim-test",
                   "LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port),
         "--state-dir", str(state_dir), "--executor", executor],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            health = requests.get(f"http://127.0.0.1:{port}/_simulator/health", timeout=1)
            if health.ok:
                assert health.json()["executor"] == executor
                return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stdout.read().decode() if process.stdout else "no output")


def stop(process: subprocess.Popen[bytes]) -> str:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    return output.decode()


@pytest.mark.parametrize("executor", ["process", "docker"])
def test_functions_survive_a_restart(tmp_path: Path, executor: str) -> None:
    if executor == "docker":
        require_docker()
    port = free_port()
    state_dir = tmp_path / "state"
    server = start(state_dir, port, executor)
    client = lambda_client(f"http://127.0.0.1:{port}")
    try:
        name = create_function(client, """
            def handler(event, context):
                return {"answer": 42}
        """, Environment={"Variables": {"KEPT": "yes"}})
        assert json.loads(client.invoke(FunctionName=name)["Payload"].read()) == {"answer": 42}
    finally:
        output = stop(server)
    assert f"[{name}]" in output  # the console shows the function's log lines
    server = start(state_dir, port, executor)
    try:
        config = client.get_function_configuration(FunctionName=name)
        assert config["Environment"]["Variables"] == {"KEPT": "yes"}
        assert json.loads(client.invoke(FunctionName=name)["Payload"].read()) == {"answer": 42}
    finally:
        stop(server)


def test_listens_on_loopback_by_default(tmp_path: Path) -> None:
    port = free_port()
    server = start(tmp_path / "state", port, "process")
    try:
        listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
        assert f"127.0.0.1:{port}" in listening
        assert f"0.0.0.0:{port}" not in listening
    finally:
        stop(server)
