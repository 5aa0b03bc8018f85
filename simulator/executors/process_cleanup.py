"""Finding and killing everything a process environment started, even what escaped its
process group (a child the handler moved into a session of its own), and what a killed
server left running.

Every runtime's environment carries a mark naming its execution environment, which its
descendants inherit; `/proc/<pid>/environ` shows it. The mark is a convenience, not a
boundary: a process that execs with an emptied environment sheds it (so the runtime's process
group is killed as well), and without `/proc` (macOS) only the group is."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from simulator.executors.base import RunningRuntime
from simulator.executors.process_memory import tree_peak_kb

log = logging.getLogger(__name__)

MARK_VARIABLE = "LAMBDA_SIM_ENVIRONMENT_ID"
SWEEPS = 5  # a marked process may fork while we look; each sweep kills what the last missed


def mark(environment_id: str) -> dict[str, str]:
    """The variable that marks an environment's processes."""
    return {MARK_VARIABLE: environment_id}


def kill_environments(environment_ids: set[str]) -> int:
    """SIGKILL every process marked with one of these environments; how many were."""
    wanted = {f"{MARK_VARIABLE}={environment_id}".encode() for environment_id in environment_ids}
    killed: set[int] = set()
    for _ in range(SWEEPS):
        found = [pid for pid in _pids() if pid not in killed and _mark_of(pid) in wanted]
        if not found:
            break
        for pid in found:
            _kill(pid)
        killed.update(found)
    return len(killed)


def kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class MarkedRuntime(RunningRuntime):
    """A runtime on the host, killed with everything it started: its process group, itself
    if it is not yet the group's leader (a fork just made), and what left the group but
    carries the environment's mark. A runtime forked from the zygote is also the subreaper of
    its descendants, and the zygote kills those it inherits when the runtime ends."""

    def __init__(self, pid: int, tmp_dir: Path, environment_id: str) -> None:
        self.pid = pid
        self.tmp_dir = tmp_dir
        self.environment_id = environment_id
        self._stopped = threading.Event()
        self._peak_kb: int | None = None

    @property
    def handle(self) -> str:
        return f"process {self.pid}"

    def peak_memory_kb(self) -> int | None:
        """The highest of what its process tree has held at each measurement (see
        `process_memory`): a child that has ended no longer counts, its peak stays."""
        measured = tree_peak_kb(self.pid)
        if measured is not None and measured > (self._peak_kb or 0):
            self._peak_kb = measured
        return self._peak_kb

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.kill_all()

    def kill_all(self) -> None:
        kill_group(self.pid)
        _kill(self.pid)
        kill_environments({self.environment_id})


class RuntimeRecords:
    """One file per running process environment in the state folder (named by the
    environment, holding its process group), so that the next start can find the runtimes
    of a server that was killed before it could stop them."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def add(self, environment_id: str, pgid: int) -> None:
        """Best effort: a runtime that cannot be recorded (full disk) still runs; only its
        clean-up after a crash of the server is lost."""
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            (self._folder / environment_id).write_text(str(pgid))
        except OSError as error:
            log.warning("could not record runtime %s for clean-up: %s", environment_id, error)

    def remove(self, environment_id: str) -> None:
        (self._folder / environment_id).unlink(missing_ok=True)

    def kill_leftovers(self) -> int:
        """Kill the runtimes of every recorded environment, and forget them. A recorded group
        is killed only if its leader still carries the environment's mark: its id may have
        been reused by an unrelated process since."""
        if not self._folder.is_dir():
            return 0
        records = list(self._folder.iterdir())
        for record in records:
            try:
                pgid = int(record.read_text())
            except (OSError, ValueError):
                continue
            if _mark_of(pgid) == f"{MARK_VARIABLE}={record.name}".encode():
                kill_group(pgid)
        killed = kill_environments({record.name for record in records})
        for record in records:
            record.unlink(missing_ok=True)
        return killed


def _pids() -> Iterator[int]:
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    own = os.getpid()
    for entry in entries:
        if entry.isdigit() and int(entry) != own:
            yield int(entry)


def _mark_of(pid: int) -> bytes | None:
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None
    prefix = f"{MARK_VARIABLE}=".encode()
    return next((entry for entry in environ.split(b"\0") if entry.startswith(prefix)), None)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
