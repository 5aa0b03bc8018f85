"""Every command, run as a user would with something it needs missing or broken: no simulator
answering, a file that isn't there, a port that is taken, a state folder that is a file.
Each says so in one `error:` line and exits non-zero, never with a traceback; and a server
stopped with SIGTERM says it is stopping, in one line too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

NOBODY = "http://127.0.0.1:9"  # the discard port: nothing of ours listens there
PROJECT = Path(__file__).resolve().parents[2]


def run(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simulator.cli", *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(PROJECT)})


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


BROKEN = {
    "invoke-no-server": ["invoke", "fn", "--endpoint", NOBODY],
    "invoke-missing-event": ["invoke", "fn", "--event", "missing.json", "--endpoint", NOBODY],
    "logs-no-server": ["logs", "fn", "--endpoint", NOBODY],
    "ls-no-server": ["ls", "--endpoint", NOBODY],
    "deploy-no-server": ["deploy", "template.yaml", "--endpoint", NOBODY],
    "emit-sqs-no-server": ["emit", "sqs", "queue", "body", "--endpoint", NOBODY],
    "emit-s3-no-server": ["emit", "s3", "bucket", "key", "--endpoint", NOBODY],
    "emit-schedule-no-server": ["emit", "schedule", "rule", "--endpoint", NOBODY],
    "emit-http-no-server": ["emit", "http", "GET", "/", "--endpoint", NOBODY],
    "cost-no-server": ["cost", "--endpoint", NOBODY],
    "durable-ls-no-server": ["durable", "ls", "fn", "--endpoint", NOBODY],
    "durable-advance-no-server": ["durable", "advance", "10", "--endpoint", NOBODY],
    "images-unknown-runtime": ["images", "build", "cobol1.0"],
    "init-into-a-full-folder": ["init", "full"],
    "serve-state-folder-is-a-file": ["serve", "--port", "0", "--executor", "process",
                                     "--state-dir", "a-file"],
}


@pytest.mark.parametrize("arguments", BROKEN.values(), ids=list(BROKEN))
def test_a_broken_precondition_is_one_error_line(arguments: list[str], tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "template.yaml").write_text("x")
    (tmp_path / "template.yaml").write_text("Resources: {}\n")
    (tmp_path / "a-file").write_text("not a folder")

    finished = run(*arguments, cwd=tmp_path)

    lines = [line for line in (finished.stdout + finished.stderr).splitlines() if line.strip()]
    assert finished.returncode != 0
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "Traceback" not in finished.stderr


def test_serving_on_a_taken_port_is_one_error_line(taken_port: int, tmp_path: Path) -> None:
    finished = run("serve", "--port", str(taken_port), "--executor", "process",
                   "--state-dir", str(tmp_path / "state"), cwd=tmp_path)

    lines = [line for line in (finished.stdout + finished.stderr).splitlines() if line.strip()]
    assert finished.returncode == 1
    assert lines == [f"error: cannot listen on 127.0.0.1:{taken_port}: Address already in use"]


def test_a_stopped_server_says_so_in_one_line(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", "0", "--executor",
         "process", "--state-dir", str(tmp_path / "state")],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert server.stderr is not None
    try:
        started = server.stderr.readline()  # the console writes to standard error
        assert "Lambda Simulator" in started
        time.sleep(0.5)

        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=60)
    finally:
        server.kill()  # nothing left running, whatever happened

    assert server.returncode == 0
    assert stdout == ""
    assert stderr.strip() == "stopping: removing execution environments"
