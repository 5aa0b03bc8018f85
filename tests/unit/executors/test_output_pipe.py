"""A container's output pipe, read here: what is written arrives in order, the reading ends
only once the container has ended and all it wrote is read."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from simulator.executors.output_pipe import OutputPipe


class Chunks:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.arrived = threading.Event()

    def deliver(self, chunk: bytes) -> None:
        self.chunks.append(chunk)
        self.arrived.set()

    def text(self) -> bytes:
        return b"".join(self.chunks)


def test_what_the_runtime_writes_arrives_and_reading_ends_after_the_container(
        tmp_path: Path) -> None:
    pipe = OutputPipe(tmp_path)
    received = Chunks()
    pipe.read_into(received.deliver, "test-pipe")
    writer = os.open(pipe.path, os.O_WRONLY)  # the runtime's end
    os.write(writer, b"hello\n")
    assert received.arrived.wait(5)
    os.write(writer, b"last words\n")
    os.close(writer)  # the container ends ...

    pipe.finish()  # ... and its end is reported once what it wrote is read

    assert received.text() == b"hello\nlast words\n"
    assert pipe._thread is not None and not pipe._thread.is_alive()


def test_reading_waits_for_a_runtime_that_has_not_opened_the_pipe_yet(tmp_path: Path) -> None:
    pipe = OutputPipe(tmp_path)
    received = Chunks()
    pipe.read_into(received.deliver, "test-pipe")

    assert not received.arrived.wait(0.2)
    assert pipe._thread is not None and pipe._thread.is_alive()  # no end of file meanwhile
    writer = os.open(pipe.path, os.O_WRONLY)
    os.write(writer, b"late start\n")
    os.close(writer)
    pipe.finish()
    assert received.text() == b"late start\n"


def test_the_runtime_user_may_write_and_nobody_else_may_read(tmp_path: Path) -> None:
    pipe = OutputPipe(tmp_path)
    mode = pipe.path.stat().st_mode
    pipe.close()

    assert stat.S_ISFIFO(mode)
    assert stat.S_IMODE(mode) == 0o622


def test_a_pipe_never_read_lets_go_of_both_ends(tmp_path: Path) -> None:
    before = len(os.listdir("/proc/self/fd"))
    pipe = OutputPipe(tmp_path)
    assert len(os.listdir("/proc/self/fd")) == before + 2

    pipe.close()

    assert len(os.listdir("/proc/self/fd")) == before
