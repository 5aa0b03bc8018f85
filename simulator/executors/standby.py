"""Standby containers: started ahead of demand, before they know which function they serve.

A cold start in Docker is mostly the engine creating and starting a container (how long that
takes: docs/MEASUREMENTS.md). A standby container has already paid that: its runtime has
started and waits on a named pipe in its own folder. Claiming it for a function links the
function's code and layers into the folders the container already mounts (read-only) at
/var/task and /opt, then writes the function's environment variables into the pipe; what is
left of the cold start is the handler's import, as on AWS when a sandbox is claimed.

Each slot has its own folder, so a container sees only the code of the function it serves."""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from simulator.executors.base import sets_start_variables

log = logging.getLogger(__name__)

CONTROL_MOUNT = "/var/lambda-sim"
CHANNEL_NAME = "assignment"
CHANNEL_VARIABLE = "LAMBDA_SIM_STANDBY"
READER_POLL_SECONDS = 0.002


@dataclass(frozen=True)
class StandbyProfile:
    """What a container is created with before it knows its function."""

    image: str
    memory_mb: int
    tmp_size_mb: int


@dataclass
class StandbySlot:
    """One standby container's folder, named by the slot's id: task/ and opt/ (mounted
    read-only) and the pipe."""

    root: Path
    profile: StandbyProfile
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    container_id: str = ""
    _discarded: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def folder(self) -> Path:
        return self.root / self.id

    @property
    def task_dir(self) -> Path:
        return self.folder / "task"

    @property
    def opt_dir(self) -> Path:
        return self.folder / "opt"

    @property
    def control_dir(self) -> Path:
        return self.folder / "control"

    @property
    def channel(self) -> Path:
        return self.control_dir / CHANNEL_NAME

    def prepare(self) -> None:
        for folder in (self.task_dir, self.opt_dir, self.control_dir):
            folder.mkdir(parents=True)
        os.mkfifo(self.channel, 0o644)  # the runtime runs as another user: readable by all

    def assign(self, code_dir: Path, opt_dir: Path | None, variables: dict[str, str]) -> None:
        """Give the slot its function. The pipe is written on a thread: the runtime may not
        have opened its end yet. Nothing under the slots' own root is linked in (a code
        folder may hold the state folder: a template's `CodeUri: .`)."""
        excluded = self.root.resolve()
        link_tree(code_dir, self.task_dir, excluded)
        if opt_dir is not None:
            link_tree(opt_dir, self.opt_dir, excluded)
        message = json.dumps({"variables": variables}).encode()
        threading.Thread(target=self._send, args=(message,), daemon=True,
                         name=f"standby-assign-{self.id[:8]}").start()

    def discard(self) -> None:
        """The container is gone: stop waiting for it to read, drop the folder."""
        self._discarded.set()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _send(self, message: bytes) -> None:
        """Open the pipe once the runtime has its end open (until then an open for writing
        fails with ENXIO), then write the whole message."""
        while not self._discarded.is_set():
            try:
                pipe = os.open(self.channel, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO:
                    log.debug("standby %s: no assignment pipe: %s", self.id, error)
                    return
                self._discarded.wait(READER_POLL_SECONDS)
                continue
            try:
                os.set_blocking(pipe, True)
                view = memoryview(message)
                while view:
                    view = view[os.write(pipe, view):]
            except OSError as error:  # the runtime ended before it read its assignment
                log.debug("standby %s never read its assignment: %s", self.id, error)
            finally:
                os.close(pipe)
            return


def link_tree(source: Path, target: Path, excluded: Path | None = None) -> None:
    """Mirror a folder into an existing one with hard links (a copy across file systems).
    The target itself stays: a container has it mounted. `excluded` and what is under it are
    left out; a file that vanishes meanwhile (an editor's save) is skipped."""
    for root, folders, files in os.walk(source):
        here = Path(root)
        there = target / here.relative_to(source)
        for name in list(folders):
            if excluded is not None and (here / name).resolve() == excluded:
                folders.remove(name)
            elif (here / name).is_symlink():
                os.symlink(os.readlink(here / name), there / name)
            else:
                (there / name).mkdir(exist_ok=True)
        for name in files:
            _link_file(here / name, there / name)


def _link_file(source: Path, target: Path) -> None:
    try:
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
            return
        try:
            os.link(source, target)
        except OSError as error:
            if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(source, target)
    except FileNotFoundError:
        pass


def servable(runtime: str, variables: dict[str, str], debugging: bool) -> bool:
    """Standby runtimes are our Python bootstrap, started without the function's variables."""
    if debugging or not runtime.startswith("python"):
        return False
    return not sets_start_variables(variables, frozenset({"PYTHONPATH"}))


class StandbyPool:
    """Started, unclaimed slots by profile. The most recently used profiles keep theirs.

    A profile keeps `per_profile` slots, or more while functions of it were deployed and
    have not started an environment yet (one each, up to `max_wanted`): functions created
    together are invoked together, each cold start then taking a started container."""

    def __init__(self, per_profile: int, max_profiles: int = 4, max_wanted: int = 6) -> None:
        self.per_profile = per_profile
        self._max_profiles = max_profiles
        self._max_wanted = max_wanted
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._ready: OrderedDict[StandbyProfile, list[StandbySlot]] = OrderedDict()
        self._starting: dict[StandbyProfile, int] = {}
        self._wanted: dict[StandbyProfile, int] = {}

    def want(self, profile: StandbyProfile) -> None:
        """A function of this profile was deployed and has no environment yet."""
        with self._lock:
            self._wanted[profile] = min(self._wanted.get(profile, 0) + 1, self._max_wanted)

    def claim(self, profile: StandbyProfile, wait: float = 0.0) -> StandbySlot | None:
        """A started slot; when none is but one is starting, waiting up to `wait` seconds
        for it, which is sooner than a container started now would be."""
        deadline = time.monotonic() + wait
        with self._changed:
            while not self._ready.get(profile) and self._starting.get(profile, 0) > 0 \
                    and (remaining := deadline - time.monotonic()) > 0:
                self._changed.wait(remaining)
            slots = self._ready.get(profile)
            if not slots:
                return None
            if self._wanted.get(profile, 0) > 0:
                self._wanted[profile] -= 1
            return slots.pop(0)

    def to_start(self, profile: StandbyProfile) -> tuple[int, list[StandbySlot]]:
        """How many slots to start for this profile now it is in use, and the slots of the
        profiles it pushes out."""
        with self._lock:
            self._ready.setdefault(profile, [])
            self._ready.move_to_end(profile)
            evicted: list[StandbySlot] = []
            while len(self._ready) > self._max_profiles:
                pushed_out, slots = self._ready.popitem(last=False)
                self._wanted.pop(pushed_out, None)
                evicted.extend(slots)
            wanted = max(self.per_profile, self._wanted.get(profile, 0)) if self.per_profile \
                else 0
            missing = wanted - len(self._ready[profile]) - self._starting.get(profile, 0)
            if missing > 0:
                self._starting[profile] = self._starting.get(profile, 0) + missing
            return max(missing, 0), evicted

    def started(self, slot: StandbySlot | None, profile: StandbyProfile) -> bool:
        """A slot finished starting (None: it failed to). False: its profile was pushed out
        meanwhile, so the slot is not wanted."""
        with self._changed:
            self._starting[profile] -= 1
            self._changed.notify_all()
            if slot is not None and profile in self._ready:
                self._ready[profile].append(slot)
                return True
            return False

    def remove(self, slot: StandbySlot) -> None:
        """A slot's container ended before it was claimed."""
        with self._lock:
            slots = self._ready.get(slot.profile)
            if slots and slot in slots:
                slots.remove(slot)

    def waiting(self) -> int:
        """How many started slots wait to be claimed."""
        with self._lock:
            return sum(len(slots) for slots in self._ready.values())

    def drain(self) -> list[StandbySlot]:
        with self._lock:
            slots = [slot for group in self._ready.values() for slot in group]
            self._ready.clear()
            return slots
