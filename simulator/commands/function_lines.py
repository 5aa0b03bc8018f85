"""Function log lines on the console, written by a thread of their own in batches: the invoke
path only queues each line (a `LogStore` listener), and the writer wakes at most every
`WRITE_INTERVAL`. Writing and flushing each START, END and REPORT line where it was logged,
and passing each through `logging`, added to the server's work on every warm invoke
(docs/MEASUREMENTS.md has how much).

The queue is bounded: a function that writes faster than the console takes is held back (its
output is read more slowly), rather than the server holding what it wrote."""

from __future__ import annotations

import threading
from typing import TextIO

from simulator.environments.log_names import LOG_GROUP_PREFIX
from simulator.observability.log_store import LogEvent, LogGroup, LogStream

WRITE_INTERVAL = 0.05
MAX_QUEUED_LINES = 2_000


class FunctionLines:
    """Shows each line as `[function] message`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending: list[tuple[str, str]] = []
        self._room = threading.Condition()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._writer = threading.Thread(target=self._write_forever, name="function-lines",
                                        daemon=True)
        self._writer.start()

    def record(self, group: LogGroup, stream: LogStream, event: LogEvent) -> None:
        """Queue only (formatting and writing happen on the writer thread); wait while the
        queue is full."""
        with self._room:
            while len(self._pending) >= MAX_QUEUED_LINES and self._writer.is_alive():
                self._wake.set()
                self._room.wait(WRITE_INTERVAL)
            self._pending.append((group.name, event.message))

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._closed.set()
        self._wake.set()
        self._writer.join(timeout=5)

    def _write_forever(self) -> None:
        while True:
            self._wake.wait(WRITE_INTERVAL)
            self._wake.clear()
            closing = self._closed.is_set()
            with self._room:
                batch, self._pending = self._pending, []
                self._room.notify_all()
            if batch:
                self._stream.write("".join(
                    f"[{group_name.removeprefix(LOG_GROUP_PREFIX)}] {message.rstrip(chr(10))}\n"
                    for group_name, message in batch))
                self._stream.flush()
            if closing:
                return
