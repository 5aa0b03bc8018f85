"""Python runtimes forked from a zygote that has already started the interpreter and imported
the bootstrap: a process cold start becomes a fork plus the handler's import, and a burst of
environments starts in a fraction of the time their interpreter start-ups would take
(docs/MEASUREMENTS.md has both). See `zygote` for the other side."""

from __future__ import annotations

import json
import logging
import os
import queue
import signal
import socket
import subprocess
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import sets_start_variables
from simulator.executors.runtime_files import bootstrap_path

log = logging.getLogger(__name__)

ZYGOTE = Path(__file__).with_name("zygote.py")
MAX_MESSAGE = 64 * 1024
START_TIMEOUT_SECONDS = 30.0
# The interpreter variables the process executor itself sets, the same for every runtime.
ALLOWED_START_VARIABLES = frozenset({"PYTHONPATH", "PYTHONDONTWRITEBYTECODE"})

EndCallback = Callable[[int], None]


def forkable(variables: dict[str, str]) -> bool:
    """A function that sets a variable read at a process's start gets a process of its own."""
    return not sets_start_variables(variables, ALLOWED_START_VARIABLES)


class ForkServer:
    """One zygote of one interpreter, started on first use and again if it dies."""

    def __init__(self, python: str, search_path: str) -> None:
        self._python = python
        self._search_path = search_path
        self._lock = threading.Lock()  # one fork at a time: replies come back in order
        self._state = threading.Lock()
        self._channel: socket.socket | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._started: queue.Queue[int | None] = queue.Queue()
        self._on_end: dict[int, EndCallback] = {}
        self._ended: dict[int, int] = {}

    def fork(self, variables: dict[str, str], cwd: Path, address_space: int | None,
             on_end: EndCallback, private_tmp: Path | None = None,
             keep: Sequence[str] = ()) -> tuple[int, int]:
        """Start a runtime; returns its pid and the read end of its output. `on_end` gets its
        exit code (negative: the signal) once it has ended. With `private_tmp`, that folder is
        the runtime's /tmp, and the folders of `keep` stay reachable (see `private_tmp`)."""
        message = json.dumps({"variables": variables, "cwd": str(cwd),
                              "address_space": address_space,
                              "private_tmp": str(private_tmp) if private_tmp else None,
                              "keep": list(keep)}).encode()
        read_end, write_end = os.pipe()
        try:
            with self._lock:
                channel = self._ensure_zygote()
                try:
                    socket.send_fds(channel, [message], [write_end])
                except OSError as error:
                    raise EnvironmentUnavailable(f"the runtime fork server is gone: {error}") \
                        from error
                try:
                    pid = self._started.get(timeout=START_TIMEOUT_SECONDS)
                except queue.Empty:
                    pid = None
                if pid is None:
                    raise EnvironmentUnavailable("the runtime fork server did not start the "
                                                 "runtime")
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        with self._state:
            code = self._ended.pop(pid, None)
            if code is None:
                self._on_end[pid] = on_end
        if code is not None:
            on_end(code)
        return pid, read_end

    def close(self) -> None:
        with self._lock:
            if self._channel is not None:
                # The zygote sees the end, kills its runtimes and ends. A shutdown, not just a
                # close: the listening thread's pending receive holds the socket open.
                try:
                    self._channel.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                self._channel.close()
                self._channel = None
            if self._process is not None:
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
                self._process = None

    # -- internals ------------------------------------------------------------------------

    def _ensure_zygote(self) -> socket.socket:
        if self._channel is not None and self._process is not None \
                and self._process.poll() is None:
            return self._channel
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = subprocess.Popen(
                [self._python, str(ZYGOTE), str(bootstrap_path()), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                env={"PATH": self._search_path, "LANG": "en_US.UTF-8",
                     "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"},
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as error:
            ours.close()
            raise EnvironmentUnavailable(f"could not start the runtime fork server: {error}") \
                from error
        finally:
            theirs.close()
        self._channel = ours
        self._started = queue.Queue()
        threading.Thread(target=self._listen, args=(ours, self._started), daemon=True,
                         name="fork-server").start()
        return ours

    def _listen(self, channel: socket.socket, started: queue.Queue[int | None]) -> None:
        """The zygote's answers: a pid per fork, then each runtime's end. If the zygote
        itself ends, so have its runtimes."""
        while True:
            try:
                packet = channel.recv(MAX_MESSAGE)
            except OSError:
                packet = b""
            if not packet:
                break
            answer = json.loads(packet)
            if "started" in answer:
                if answer["started"] is None:
                    log.warning("the runtime fork server could not start a runtime: %s",
                                answer.get("error"))
                started.put(None if answer["started"] is None else int(answer["started"]))
            else:
                self._report_end(int(answer["ended"]), int(answer["code"]))
        started.put(None)
        with self._state:
            orphans = list(self._on_end)
        for pid in orphans:
            self._report_end(pid, -signal.SIGKILL)

    def _report_end(self, pid: int, code: int) -> None:
        with self._state:
            on_end = self._on_end.pop(pid, None)
            if on_end is None:
                self._ended[pid] = code
        if on_end is not None:
            on_end(code)
