"""How much memory a container has used: its memory cgroup's peak (cgroup v1's
memory.max_usage_in_bytes, v2's memory.peak; page cache included, as the kernel counts it).

Where the simulator sees the engine's cgroup file system (it runs on the engine's host), the
container's file is found once, from its process's /proc/<pid>/cgroup and the host's mounts,
and each measurement is one small file read. Where it does not (the simulator itself in a
container), the engine's stats stream is sampled in the background instead: a stats request
takes the engine a second to answer, far too long for an invoke's path."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docker.errors import DockerException
from requests.exceptions import RequestException

log = logging.getLogger(__name__)

PROC = Path("/proc")
V1_PEAK = "memory.max_usage_in_bytes"
# memory.peak came with Linux 5.19; before it, the current usage at each measurement.
V2_PEAKS = ("memory.peak", "memory.current")


@dataclass(frozen=True)
class CgroupMount:
    """Where a cgroup hierarchy is mounted, and which of its cgroups is the mount's root."""

    root: str
    mount_point: Path


class ContainerMemory:
    """The memory peak of one container, by whichever way works here; it only ever grows."""

    def __init__(self, api: Any, container_id: str, proc: Path = PROC) -> None:
        self._api = api
        self._container_id = container_id
        self._proc = proc
        self._file: Path | None = None
        self._looked = False
        self._sampling = False
        self._closed = threading.Event()
        self._peak_bytes: int | None = None

    def peak_kb(self) -> int | None:
        if not self._looked:
            self._looked = True
            self._file = self._find_file()
        if self._file is not None:
            self._note(_read_number(self._file))
        elif not self._sampling and not self._closed.is_set():
            self._sampling = True
            threading.Thread(target=self._sample, daemon=True,
                             name=f"memory-{self._container_id[:8]}").start()
        return None if self._peak_bytes is None else self._peak_bytes // 1024

    def close(self) -> None:
        """The container is going: stop sampling it."""
        self._closed.set()

    def _note(self, value: int | None) -> None:
        if value and value > (self._peak_bytes or 0):
            self._peak_bytes = value

    def _find_file(self) -> Path | None:
        try:
            pid = int(self._api.inspect_container(self._container_id)["State"]["Pid"] or 0)
        except (DockerException, RequestException, KeyError, TypeError, ValueError) as error:
            log.debug("no process of container %s: %s", self._container_id[:12], error)
            return None
        if not pid:
            return None
        return memory_peak_file(pid, self._container_id, self._proc)

    def _sample(self) -> None:
        try:
            for stats in self._api.stats(self._container_id, stream=True, decode=True):
                memory = stats.get("memory_stats") or {}
                self._note(memory.get("max_usage") or memory.get("usage"))
                if self._closed.is_set():
                    return
        except (DockerException, RequestException, ValueError) as error:
            log.debug("memory stats of %s ended: %s", self._container_id[:12], error)


def memory_peak_file(pid: int, container_id: str, proc: Path = PROC) -> Path | None:
    """The file holding the memory peak of the cgroup of `pid`, if this process can read it.
    The cgroup must name the container: a pid from the engine's namespace may be another
    process in ours."""
    try:
        memberships = (proc / str(pid) / "cgroup").read_text().splitlines()
        mounts = cgroup_mounts((proc / "self" / "mountinfo").read_text())
    except OSError:
        return None
    candidates: list[Path] = []
    for membership in memberships:
        hierarchy, controllers, path = membership.split(":", 2)
        if container_id not in path:
            continue
        if "memory" in controllers.split(",") and "memory" in mounts:
            candidates += _under(mounts["memory"], path, (V1_PEAK,))
        elif hierarchy == "0" and not controllers and "unified" in mounts:
            candidates += _under(mounts["unified"], path, V2_PEAKS)
    return next((file for file in candidates if _read_number(file) is not None), None)


def cgroup_mounts(mountinfo: str) -> dict[str, CgroupMount]:
    """The v1 memory hierarchy's mount ("memory") and the v2 hierarchy's ("unified")."""
    mounts: dict[str, CgroupMount] = {}
    for line in mountinfo.splitlines():
        fields, _, tail = line.partition(" - ")
        head, described = fields.split(), tail.split()
        if len(head) < 5 or len(described) < 3:
            continue
        mount = CgroupMount(head[3], Path(head[4]))
        if described[0] == "cgroup" and "memory" in described[2].split(","):
            mounts.setdefault("memory", mount)
        elif described[0] == "cgroup2":
            mounts.setdefault("unified", mount)
    return mounts


def _under(mount: CgroupMount, path: str, names: tuple[str, ...]) -> list[Path]:
    """The files of cgroup `path` in a hierarchy mounted at `mount`."""
    root = mount.root.rstrip("/")
    if root and not path.startswith(root + "/"):
        return []
    folder = mount.mount_point / path[len(root):].lstrip("/")
    return [folder / name for name in names]


def _read_number(file: Path) -> int | None:
    try:
        return int(file.read_bytes())
    except (OSError, ValueError):
        return None
