"""glibc's malloc held in check for a long-running server: at most ARENAS arenas however many
threads allocate, and a trim that hands freed memory back to the system. Each check runs in a
fresh interpreter, so this process's allocator is left as it was."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from simulator.commands import malloc_arenas

pytestmark = pytest.mark.skipif(malloc_arenas._glibc() is None, reason="needs glibc")

# Eight threads that allocate at the same time, then glibc's own count of its arenas.
ARENAS_AFTER_EIGHT_THREADS = """
import ctypes, sys, threading
from simulator.commands import malloc_arenas
if sys.argv[1] == "limit":
    malloc_arenas.limit_arenas()
together = threading.Barrier(8)
def allocate():
    kept = [bytearray(4096) for _ in range(10)]
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL("libc.so.6").malloc_stats()
"""

# 64 MB in small blocks, all freed but the last (which keeps the heap's top in use, so free()
# alone gives nothing back); the resident size in kB before and after.
RESIDENT_AFTER_FREEING = """
import ctypes, sys
from simulator.commands import malloc_arenas
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def resident():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
blocks = []
for _ in range(16384):
    block = libc.malloc(4000)
    ctypes.memset(block, 1, 4000)
    blocks.append(block)
for block in blocks[:-1]:
    libc.free(block)
before = resident()
if sys.argv[1] == "trim":
    malloc_arenas.trim()
print(before, resident())
"""


def run(script: str, mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True,
                          timeout=60, check=True)


def arenas(mode: str) -> int:
    return sum(line.startswith("Arena ") for line in run(ARENAS_AFTER_EIGHT_THREADS, mode)
               .stderr.splitlines())


def test_threads_share_at_most_two_arenas_once_limited() -> None:
    assert malloc_arenas.ARENAS == 2
    assert arenas("limit") == 2


def test_without_the_limit_each_allocating_thread_gets_an_arena() -> None:
    assert arenas("none") > 2  # what the limit is there to prevent


def test_trim_hands_freed_memory_back_to_the_system() -> None:
    before, after = map(int, run(RESIDENT_AFTER_FREEING, "trim").stdout.split())
    assert before - after > 32 * 1024  # kB: most of the 64 MB freed


def test_freed_memory_stays_resident_without_a_trim() -> None:
    before, after = map(int, run(RESIDENT_AFTER_FREEING, "none").stdout.split())
    assert before - after < 8 * 1024


@pytest.fixture
def fresh_lookup() -> Iterator[None]:
    malloc_arenas._glibc.cache_clear()
    yield
    malloc_arenas._glibc.cache_clear()


def test_other_c_libraries_are_left_alone(
        fresh_lookup: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(malloc_arenas.platform, "libc_ver", lambda *args: ("musl", "1.2"))
    assert malloc_arenas._glibc() is None
    malloc_arenas.limit_arenas()
    malloc_arenas.trim()


def test_a_glibc_without_its_shared_object_is_left_alone(
        fresh_lookup: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(malloc_arenas.ctypes, "CDLL", missing)
    assert malloc_arenas._glibc() is None
    malloc_arenas.trim()
