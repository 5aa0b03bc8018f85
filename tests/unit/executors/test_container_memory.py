"""A container's memory peak: its cgroup's file, found once from its process's cgroup and the
host's mounts (cgroup v1, v2, and a simulator whose own cgroup is the mount's root), read at
each measurement; where the simulator cannot see it, the engine's stats, sampled in the
background. /proc and the cgroup mounts are laid out here as Linux lays them out."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from docker.errors import NotFound

from simulator.executors.container_memory import (
    ContainerMemory,
    cgroup_mounts,
    memory_peak_file,
)

CONTAINER = "e6e586d32f55fb8ea8d2212b77fb865c1a039bc398d4f604aa903eeb8ee8126e"
V1_CGROUP = "\n".join([
    f"9:name=systemd:/docker/{CONTAINER}",
    f"4:memory:/docker/{CONTAINER}",
    f"1:cpu:/docker/{CONTAINER}",
    f"0::/docker/{CONTAINER}",
]) + "\n"
V2_CGROUP = f"0::/system.slice/docker-{CONTAINER}.scope\n"


def mountinfo(*mounts: tuple[str, str, str, str]) -> str:
    """Lines of /proc/self/mountinfo: (root, mount point, file system type, super options)."""
    return "".join(f"{30 + number} 23 0:{number} {root} {point} rw,relatime shared:9 - "
                   f"{kind} {kind} {options}\n"
                   for number, (root, point, kind, options) in enumerate(mounts))


def host(tmp_path: Path, cgroup: str, mounts: str, pid: int = 4242) -> Path:
    proc = tmp_path / "proc"
    (proc / str(pid)).mkdir(parents=True)
    (proc / str(pid) / "cgroup").write_text(cgroup)
    (proc / "self").mkdir()
    (proc / "self" / "mountinfo").write_text(mounts)
    return proc


def cgroup_file(folder: Path, name: str, value: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{value}\n")
    return folder / name


def test_the_mounts_of_the_v1_memory_and_v2_hierarchies_are_found(tmp_path: Path) -> None:
    mounts = cgroup_mounts(mountinfo(
        ("/", "/sys/fs/cgroup", "tmpfs", "rw,mode=755"),
        ("/", "/sys/fs/cgroup/cpu", "cgroup", "rw,cpu"),
        ("/", "/sys/fs/cgroup/memory", "cgroup", "rw,memory"),
        ("/", "/sys/fs/cgroup/unified", "cgroup2", "rw")))
    assert {name: str(mount.mount_point) for name, mount in mounts.items()} == {
        "memory": "/sys/fs/cgroup/memory", "unified": "/sys/fs/cgroup/unified"}


def test_cgroup_v1_reads_the_memory_hierarchys_peak(tmp_path: Path) -> None:
    memory = tmp_path / "cgroup" / "memory"
    expected = cgroup_file(memory / "docker" / CONTAINER, "memory.max_usage_in_bytes", 3829760)
    proc = host(tmp_path, V1_CGROUP, mountinfo(("/", str(memory), "cgroup", "rw,memory"),
                                               ("/", "/unused", "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) == expected


def test_cgroup_v2_reads_memory_peak(tmp_path: Path) -> None:
    unified = tmp_path / "cgroup"
    folder = unified / "system.slice" / f"docker-{CONTAINER}.scope"
    expected = cgroup_file(folder, "memory.peak", 1)
    cgroup_file(folder, "memory.current", 1)
    proc = host(tmp_path, V2_CGROUP, mountinfo(("/", str(unified), "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) == expected


def test_cgroup_v2_without_a_peak_file_reads_the_current_usage(tmp_path: Path) -> None:
    unified = tmp_path / "cgroup"
    expected = cgroup_file(unified / "system.slice" / f"docker-{CONTAINER}.scope",
                           "memory.current", 1)
    proc = host(tmp_path, V2_CGROUP, mountinfo(("/", str(unified), "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) == expected


def test_a_mount_rooted_in_a_cgroup_finds_the_container_below_it(tmp_path: Path) -> None:
    unified = tmp_path / "cgroup"
    expected = cgroup_file(unified / f"docker-{CONTAINER}.scope", "memory.peak", 1)
    proc = host(tmp_path, V2_CGROUP, mountinfo(("/system.slice", str(unified), "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) == expected


def test_a_process_in_another_cgroup_is_not_taken_for_the_container(tmp_path: Path) -> None:
    """The engine's pid may name another process in the simulator's own pid namespace."""
    unified = tmp_path / "cgroup"
    cgroup_file(unified / "user.slice", "memory.peak", 1)
    proc = host(tmp_path, "0::/user.slice\n", mountinfo(("/", str(unified), "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) is None


def test_a_hierarchy_not_mounted_here_has_no_file(tmp_path: Path) -> None:
    proc = host(tmp_path, V2_CGROUP, mountinfo(("/", str(tmp_path / "none"), "cgroup2", "rw")))
    assert memory_peak_file(4242, CONTAINER, proc) is None


class Engine:
    """The two calls ContainerMemory makes of the Docker API."""

    def __init__(self, pid: int = 4242, samples: list[dict[str, Any]] | None = None) -> None:
        self.pid = pid
        self.samples = samples or []
        self.inspected = 0
        self.answering = threading.Event()  # the engine takes its time with stats
        self.streamed = threading.Event()

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        self.inspected += 1
        if self.pid < 0:
            raise NotFound("No such container")
        return {"State": {"Pid": self.pid}}

    def stats(self, container_id: str, stream: bool, decode: bool) -> Iterator[dict[str, Any]]:
        assert stream and decode
        self.answering.wait(5)
        yield from self.samples
        self.streamed.set()


def test_a_visible_cgroup_is_read_at_each_measurement_and_looked_up_once(
        tmp_path: Path) -> None:
    memory = tmp_path / "cgroup" / "memory"
    peak = cgroup_file(memory / "docker" / CONTAINER, "memory.max_usage_in_bytes", 30 * 1024**2)
    proc = host(tmp_path, V1_CGROUP, mountinfo(("/", str(memory), "cgroup", "rw,memory")))
    engine = Engine()
    measured = ContainerMemory(engine, CONTAINER, proc)
    assert measured.peak_kb() == 30 * 1024
    peak.write_text(f"{45 * 1024**2}\n")
    assert measured.peak_kb() == 45 * 1024
    peak.unlink()  # the container is gone: its peak stays
    assert measured.peak_kb() == 45 * 1024
    assert engine.inspected == 1


def test_an_unseen_cgroup_is_sampled_from_the_engines_stats(tmp_path: Path) -> None:
    proc = host(tmp_path, V2_CGROUP, mountinfo())
    engine = Engine(samples=[{"memory_stats": {"usage": 20 * 1024**2}},
                             {"memory_stats": {"usage": 25 * 1024**2}},
                             {"memory_stats": {}}])
    measured = ContainerMemory(engine, CONTAINER, proc)
    assert measured.peak_kb() is None  # nothing sampled yet: nothing to say
    engine.answering.set()
    assert engine.streamed.wait(5)
    deadline = time.monotonic() + 5
    while measured.peak_kb() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert measured.peak_kb() == 25 * 1024


def test_a_container_gone_before_its_first_measurement_has_none(tmp_path: Path) -> None:
    measured = ContainerMemory(Engine(pid=-1), CONTAINER, host(tmp_path, "", mountinfo()))
    measured.close()
    assert measured.peak_kb() is None
