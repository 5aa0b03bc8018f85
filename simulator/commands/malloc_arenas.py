"""Keeps the server's resident memory from creeping up under a steady load (glibc only; a
no-op elsewhere).

glibc's malloc gives busy threads arenas of their own, up to eight per core, and keeps what is
freed in each for reuse; with a thread per connection, the resident size then drifts upwards
while the live data stays the same. A server whose threads mostly wait needs few arenas, and a
periodic trim hands the free pages back to the system."""

from __future__ import annotations

import ctypes
import platform
import sys
from functools import cache

ARENAS = 2
M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h


@cache
def _glibc() -> ctypes.CDLL | None:
    if sys.platform != "linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def limit_arenas(arenas: int = ARENAS) -> None:
    """Call before the server starts its threads: arenas already made stay."""
    libc = _glibc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, arenas)


def trim() -> None:
    """Return the free memory at the top of each arena, and its free whole pages, to the
    system."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
