"""Killing what a process environment started, by its mark, and what a killed server left."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.executors.process_cleanup import RuntimeRecords, kill_environments, mark

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")

# Starts a grandchild in a session of its own, prints its pid, and sleeps: what a handler that
# forks and calls setsid leaves behind once its runtime's process group is killed.
ESCAPER = """
import os, sys, time
pid = os.fork()
if pid == 0:
    os.setsid()
    time.sleep(60)
    os._exit(0)
print(pid, flush=True)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def gone(pid: int, timeout: float = 5) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[str]]]:
    processes: list[subprocess.Popen[str]] = []
    yield processes
    for process in processes:
        process.kill()
        process.wait()


def escaper(started: list[subprocess.Popen[str]], variables: dict[str, str]
            ) -> tuple[subprocess.Popen[str], int]:
    """A runtime in its own group and the pid of the child that escaped the group."""
    process = subprocess.Popen([sys.executable, "-c", ESCAPER], stdout=subprocess.PIPE,
                               text=True, env={**os.environ, **variables},
                               start_new_session=True)
    started.append(process)
    assert process.stdout is not None
    return process, int(process.stdout.readline())


def test_a_child_in_a_session_of_its_own_is_killed_by_its_mark(
        started: list[subprocess.Popen[str]]) -> None:
    environment_id = uuid.uuid4().hex
    runtime, child = escaper(started, mark(environment_id))
    _, bystander = escaper(started, mark(uuid.uuid4().hex))
    assert os.getpgid(child) != runtime.pid

    assert kill_environments({environment_id}) == 2

    assert gone(child)
    assert runtime.wait(timeout=5) == -9
    assert alive(bystander)


def test_leftovers_of_a_killed_run_are_killed_at_the_next_start(
        tmp_path: Path, started: list[subprocess.Popen[str]]) -> None:
    records = RuntimeRecords(tmp_path / "runtimes")
    environment_id = uuid.uuid4().hex
    runtime, child = escaper(started, mark(environment_id))
    records.add(environment_id, runtime.pid)
    unmarked = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                start_new_session=True, text=True)
    started.append(unmarked)
    records.add(uuid.uuid4().hex, unmarked.pid)  # a recorded group id since reused

    RuntimeRecords(tmp_path / "runtimes").kill_leftovers()

    assert gone(child)
    assert runtime.wait(timeout=5) == -9
    assert alive(unmarked.pid), "a process that is not ours was killed"
    assert list((tmp_path / "runtimes").iterdir()) == []
