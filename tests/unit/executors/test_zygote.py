"""The zygote on its own, spoken to as the fork server speaks to it: one JSON request per
runtime with its output pipe attached, the runtime's pid back, later how it ended. The
bootstrap here is a small stand-in whose `main` does what the request's ACT variable says."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.executors.forkserver import ZYGOTE
from simulator.executors.process import private_tmp_problem

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")

WAIT = 10.0

BOOTSTRAP = """
import json, os, sys, time

IMPORTED_BY = os.getpid()


def main():
    act = os.environ.get("ACT")
    if act == "report":
        print(json.dumps({"environ": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv,
                          "path": sys.path[1:3], "zone": time.strftime("%z"),
                          "imported_by": IMPORTED_BY, "pid": os.getpid(),
                          "session": os.getsid(0)}))
        sys.exit(int(os.environ.get("CODE", "0")))
    if act == "raise":
        raise RuntimeError("the bootstrap failed")
    if act == "exit-with-message":
        sys.exit("fatal: no config")
    if act == "allocate":
        bytearray(512 * 1024 * 1024)
        print("allocated")
        sys.exit(0)
    if act == "stream":
        print("first line")
        time.sleep(60)
    if act == "wait":
        time.sleep(60)
    if act == "write-tmp":
        seen = sorted(os.listdir("/tmp"))
        with open("/tmp/" + os.environ["NAME"], "w") as written:
            written.write("by the runtime")
        print(json.dumps({"seen": seen, "cwd": os.getcwd()}))
        sys.exit(0)
"""


class Zygote:
    """A zygote process and our end of its channel."""

    def __init__(self, bootstrap: Path) -> None:
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.stderr = bootstrap.parent / "zygote.stderr"
        with self.stderr.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(ZYGOTE), str(bootstrap), str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stderr=stderr,
                start_new_session=True, env={"PATH": "/usr/bin:/bin", "ZYGOTE_ONLY": "1"})
        theirs.close()
        self.channel.settimeout(WAIT)
        self.pending: list[dict[str, Any]] = []

    def fork(self, request: dict[str, Any] | bytes) -> tuple[dict[str, Any], int]:
        """Send a request; the zygote's answer and the read end of the runtime's output."""
        read_end, write_end = os.pipe()
        message = request if isinstance(request, bytes) else json.dumps(request).encode()
        socket.send_fds(self.channel, [message], [write_end])
        os.close(write_end)
        return self.expect("started"), read_end

    def expect(self, kind: str, pid: int | None = None) -> dict[str, Any]:
        """The next message of this kind (for this pid), keeping the others for later."""
        while True:
            for message in self.pending:
                if kind in message and (pid is None or message[kind] == pid):
                    self.pending.remove(message)
                    return message
            self.pending.append(json.loads(self.channel.recv(65536)))

    def close(self) -> int:
        self.channel.close()
        try:
            return self.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


@pytest.fixture
def zygote(tmp_path: Path) -> Iterator[Zygote]:
    bootstrap = tmp_path / "runtime" / "bootstrap.py"
    bootstrap.parent.mkdir()
    bootstrap.write_text(BOOTSTRAP)
    started = Zygote(bootstrap)
    yield started
    if started.process.poll() is None:
        started.close()


def request(tmp_path: Path, act: str, **variables: str) -> dict[str, Any]:
    return {"variables": {"ACT": act, **variables}, "cwd": str(tmp_path), "address_space": None}


def read_all(descriptor: int) -> str:
    with os.fdopen(descriptor, "rb") as output:
        return output.read().decode()


def alive(pid: int) -> bool:
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def test_a_runtime_gets_exactly_the_requests_variables_folder_and_import_path(
        zygote: Zygote, tmp_path: Path) -> None:
    variables = {"PYTHONPATH": "/var/task:/opt/python", "TZ": "Asia/Tokyo", "CODE": "0"}
    answer, output = zygote.fork(request(tmp_path, "report", **variables))
    pid = answer["started"]
    report = json.loads(read_all(output))
    assert report["pid"] == pid
    assert report["environ"] == {"ACT": "report", **variables}  # nothing of the zygote's
    assert report["cwd"] == str(tmp_path)
    assert report["argv"] == [str(tmp_path / "runtime" / "bootstrap.py")]
    assert report["path"] == ["/var/task", "/opt/python"]
    assert report["zone"] == "+0900"  # the runtime's TZ, not the zygote's
    assert report["imported_by"] == zygote.process.pid  # imported once, before the fork
    assert report["session"] == pid  # a session of its own
    assert zygote.expect("ended", pid) == {"ended": pid, "code": 0}


def test_the_exit_code_is_reported(zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "report", CODE="3"))
    read_all(output)
    assert zygote.expect("ended", answer["started"])["code"] == 3


def test_an_exception_from_the_bootstrap_is_a_traceback_and_status_1(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "raise"))
    text = read_all(output)
    assert text.startswith("Traceback (most recent call last):")
    assert text.rstrip().endswith("RuntimeError: the bootstrap failed")
    assert zygote.expect("ended", answer["started"])["code"] == 1


def test_an_exit_with_a_message_prints_it_and_is_status_1(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "exit-with-message"))
    assert read_all(output).strip() == "fatal: no config"  # as a Python of its own prints it
    assert zygote.expect("ended", answer["started"])["code"] == 1


def test_a_killed_runtime_reports_the_signal_as_a_negative_code(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "wait"))
    os.close(output)
    os.kill(answer["started"], signal.SIGSEGV)
    assert zygote.expect("ended", answer["started"])["code"] == -signal.SIGSEGV


def test_the_address_space_limit_applies_to_the_runtime(zygote: Zygote, tmp_path: Path) -> None:
    limited = {**request(tmp_path, "allocate"), "address_space": 256 * 1024 * 1024}
    answer, output = zygote.fork(limited)
    assert read_all(output).rstrip().endswith("MemoryError")
    assert zygote.expect("ended", answer["started"])["code"] == 1
    answer, output = zygote.fork(request(tmp_path, "allocate"))  # the zygote is not limited
    assert read_all(output) == "allocated\n"
    assert zygote.expect("ended", answer["started"])["code"] == 0


def test_output_arrives_as_it_is_written(zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "stream"))
    with os.fdopen(output, "rb") as stream:
        assert stream.readline() == b"first line\n"  # while the runtime still runs
        assert alive(answer["started"])
        os.kill(answer["started"], signal.SIGKILL)
    assert zygote.expect("ended", answer["started"])["code"] == -signal.SIGKILL


def test_a_request_it_cannot_read_fails_alone_and_the_next_one_starts(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(b"{not json")
    os.close(output)
    assert answer["started"] is None and answer["error"]
    answer, output = zygote.fork(request(tmp_path, "report"))
    assert json.loads(read_all(output))["pid"] == answer["started"]


def test_a_runtime_in_a_missing_folder_fails_with_a_traceback(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork({**request(tmp_path, "report"),
                                  "cwd": str(tmp_path / "gone")})
    assert "FileNotFoundError" in read_all(output)
    assert zygote.expect("ended", answer["started"])["code"] == 1


def test_when_the_simulator_goes_away_its_runtimes_are_killed_and_the_zygote_ends(
        zygote: Zygote, tmp_path: Path) -> None:
    pids = []
    for _ in range(2):
        answer, output = zygote.fork(request(tmp_path, "wait"))
        os.close(output)
        pids.append(answer["started"])
    assert all(alive(pid) for pid in pids)
    assert zygote.close() == 0
    deadline = time.monotonic() + WAIT
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(alive(pid) for pid in pids)


def test_a_runtime_ending_as_the_simulator_stops_ends_the_zygote_quietly(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork(request(tmp_path, "wait"))
    os.close(output)
    zygote.channel.shutdown(socket.SHUT_RD)  # the simulator stopped listening

    os.kill(answer["started"], signal.SIGKILL)

    assert zygote.process.wait(timeout=WAIT) == 0
    assert zygote.stderr.read_text() == ""


def test_a_runtime_gets_its_folder_as_a_private_tmp(zygote: Zygote, tmp_path: Path) -> None:
    """Its own folder (under /tmp, as pytest's are) stays where it was."""
    problem = private_tmp_problem(tmp_path)
    if problem is not None:
        pytest.skip(f"no mount namespaces here: {problem}")
    folder, name = tmp_path / "environment-tmp", f"x-{os.getpid()}-{time.monotonic_ns()}"
    folder.mkdir()
    answer, output = zygote.fork({**request(tmp_path, "write-tmp", NAME=name),
                                  "private_tmp": str(folder), "keep": [str(tmp_path)]})
    report = json.loads(read_all(output))
    leading = list(tmp_path.resolve().relative_to("/tmp").parts[:1])
    assert report == {"seen": leading, "cwd": str(tmp_path)}
    assert (folder / name).read_text() == "by the runtime"
    assert not Path("/tmp", name).exists()
    assert zygote.expect("ended", answer["started"])["code"] == 0


def test_a_private_tmp_that_cannot_be_made_fails_the_runtime_with_the_reason(
        zygote: Zygote, tmp_path: Path) -> None:
    answer, output = zygote.fork({**request(tmp_path, "write-tmp", NAME="x"),
                                  "private_tmp": str(tmp_path / "missing")})
    assert "OSError" in read_all(output)
    assert zygote.expect("ended", answer["started"])["code"] == 1
