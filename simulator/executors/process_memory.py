"""How much memory a process environment has used: the peak resident memory (VmHWM) of its
runtime and of every process under it, read from /proc. A sum of peaks, so it errs high (the
processes' peaks need not have come at once, and pages they share count for each), as a
container's memory peak errs high with its page cache. Processes that have ended are no
longer counted: a caller keeps the highest value it has seen."""

from __future__ import annotations

import os
from collections.abc import Iterator

PROC = "/proc"


def tree_peak_kb(pid: int, proc: str = PROC) -> int | None:
    """The summed VmHWM, in KB, of `pid` and its descendants; None if `pid` is gone."""
    peaks = [peak for member in _tree(pid, proc)
             if (peak := _peak_kb(member, proc)) is not None]
    return sum(peaks) if peaks else None


def _tree(root: int, proc: str) -> Iterator[int]:
    pending, seen = [root], set()
    while pending:
        pid = pending.pop()
        if pid in seen:
            continue
        seen.add(pid)
        yield pid
        pending.extend(_children(pid, proc))


def _children(pid: int, proc: str) -> list[int]:
    """Each thread lists the children it started (Linux's /proc/<pid>/task/<tid>/children)."""
    try:
        threads = os.listdir(f"{proc}/{pid}/task")
    except OSError:
        return []
    children: list[int] = []
    for thread in threads:
        try:
            with open(f"{proc}/{pid}/task/{thread}/children", "rb") as listed:
                children += [int(child) for child in listed.read().split()]
        except (OSError, ValueError):
            continue
    return children


def _peak_kb(pid: int, proc: str) -> int | None:
    """None for a process that has ended (a zombie has no memory left to report)."""
    try:
        with open(f"{proc}/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None
