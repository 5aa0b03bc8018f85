"""A process environment's memory: the peaks (VmHWM) of its runtime and of every process under
it, summed; read from a /proc laid out here as Linux lays it out, and from the real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulator.executors.process_memory import tree_peak_kb


def process(proc: Path, pid: int, peak_kb: int | None, children: dict[int, list[int]]) -> None:
    """/proc/<pid>: its status, and one thread listing children per entry of `children`."""
    (proc / str(pid)).mkdir(parents=True)
    status = "Name:\tsh\nVmPeak:\t  99999 kB\n"
    if peak_kb is not None:
        status += f"VmHWM:\t{peak_kb:>8} kB\nVmRSS:\t    1000 kB\n"
    (proc / str(pid) / "status").write_text(status)
    for thread, started in children.items():
        (proc / str(pid) / "task" / str(thread)).mkdir(parents=True)
        (proc / str(pid) / "task" / str(thread) / "children").write_text(
            "".join(f"{child} " for child in started))


def test_the_runtimes_peak_and_its_descendants_are_summed(tmp_path: Path) -> None:
    process(tmp_path, 100, 30_000, {100: [101], 102: [103]})  # two threads, a child each
    process(tmp_path, 101, 20_000, {101: [104]})
    process(tmp_path, 103, 5_000, {103: []})
    process(tmp_path, 104, 1_000, {104: []})
    process(tmp_path, 200, 99_000, {200: []})  # not under the runtime
    assert tree_peak_kb(100, str(tmp_path)) == 56_000


def test_a_process_without_memory_of_its_own_counts_for_nothing(tmp_path: Path) -> None:
    process(tmp_path, 100, 30_000, {100: [101, 102]})
    process(tmp_path, 101, None, {101: []})  # a zombie: no VmHWM line
    assert tree_peak_kb(100, str(tmp_path)) == 30_000


def test_a_runtime_that_is_gone_has_nothing_to_measure(tmp_path: Path) -> None:
    assert tree_peak_kb(100, str(tmp_path)) is None


def test_a_real_process_tree_is_measured_with_its_child() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytes([1]) * 50_000_000; "
                              "print(flush=True); time.sleep(30)"], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == b"\n"
        alone = tree_peak_kb(child.pid)
        with_child = tree_peak_kb(os.getpid())
        assert alone is not None and alone > 50_000_000 // 1024
        assert with_child is not None and with_child >= alone + 1024
    finally:
        child.kill()
        child.wait()
