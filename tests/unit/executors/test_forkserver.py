"""The fork server on its own: runtimes forked from a zygote, their ends reported with the
code a subprocess would have, and nothing left running when the zygote or the simulator
goes away. The runtimes here talk to a listener that never answers, so they wait."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.executors.forkserver import ForkServer, forkable


@pytest.fixture
def silent_api() -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def server() -> Iterator[ForkServer]:
    fork_server = ForkServer(sys.executable, "/usr/bin:/bin")
    yield fork_server
    fork_server.close()


def variables(api: str, code: Path) -> dict[str, str]:
    return {"AWS_LAMBDA_RUNTIME_API": api, "_HANDLER": "app.handler",
            "LAMBDA_TASK_ROOT": str(code), "PYTHONPATH": str(code), "PATH": "/usr/bin:/bin"}


def wait_for(ends: list[int], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(ends) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def leads_its_session(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while os.getsid(pid) != pid and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getsid(pid) == pid


def alive(pid: int) -> bool:
    """Running, not a zombie that nobody has reaped yet."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def test_a_forked_runtime_is_a_session_leader_whose_end_is_reported(
        server: ForkServer, silent_api: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    ends: list[int] = []
    pid, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, ends.append)
    os.close(output)
    assert leads_its_session(pid)
    os.kill(pid, signal.SIGSEGV)
    wait_for(ends, 1)
    assert ends == [-signal.SIGSEGV]


def test_the_runtime_writes_its_output_to_its_own_pipe(server: ForkServer, tmp_path: Path,
                                                      silent_api: str) -> None:
    (tmp_path / "app.py").write_text("print('imported', flush=True)\n"
                                     "def handler(event, context):\n    return 1\n")
    pid, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, lambda _: None)
    with os.fdopen(output, "rb") as stream:
        assert stream.readline() == b"imported\n"
    os.kill(pid, signal.SIGKILL)


def test_runtimes_end_with_their_zygote_and_the_next_fork_starts_another(
        server: ForkServer, silent_api: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    ends: list[int] = []
    pid, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, ends.append)
    os.close(output)
    zygote = server._process
    assert zygote is not None
    server.close()
    wait_for(ends, 1)
    assert ends == [-signal.SIGKILL]
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(pid), "the runtime outlived its zygote"
    again, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, ends.append)
    os.close(output)
    assert server._process is not zygote and alive(again)


def test_functions_that_set_interpreter_variables_get_their_own_interpreter() -> None:
    assert forkable({"PYTHONPATH": "/var/task", "MINE": "1"})
    assert not forkable({"PYTHONHASHSEED": "0"})


def test_a_forked_runtime_holds_none_of_the_zygotes_descriptors(
        server: ForkServer, silent_api: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import json, os\nprint(json.dumps(sorted(int(fd) for fd in os.listdir('/proc/self/fd'))),"
        " flush=True)\n"
        "def handler(event, context):\n    return 1\n")
    pid, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, lambda _: None)
    with os.fdopen(output, "rb") as stream:
        descriptors = json.loads(stream.readline())
    os.kill(pid, signal.SIGKILL)
    # stdin/stdout/stderr, the Runtime API connection and the listing's own descriptor
    assert len([fd for fd in descriptors if fd > 2]) <= 2, descriptors


def test_shared_library_variables_get_a_process_of_their_own() -> None:
    assert not forkable({"LD_LIBRARY_PATH": "/opt/lib"})


def test_a_child_that_left_the_runtimes_session_dies_with_the_runtime(
        server: ForkServer, silent_api: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import os, time\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(300)\n"
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "def handler(event, context):\n    return 1\n")
    ends: list[int] = []
    pid, output = server.fork(variables(silent_api, tmp_path), tmp_path, None, ends.append)
    with os.fdopen(output, "rb") as stream:
        child = int(stream.readline())
        assert leads_its_session(child)  # out of the runtime's session and group
        os.kill(pid, signal.SIGKILL)
    wait_for(ends, 1)
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not alive(child), "the escaped child outlived its runtime"
