"""Turns an environment's output stream into per-invocation log records with AWS's
START / END / REPORT lines around each invocation's own output."""

from __future__ import annotations

import math
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

END_MARKER = re.compile(rb"\x1eLAMBDA_SIM_END ([0-9a-zA-Z-]+)\x1e\n")
LOG_TAIL_BYTES = 4096


@dataclass
class InvocationLog:
    """The log of one invocation. `complete` is set once END and REPORT are written.

    `lines` holds only the newest lines that cover the last 4 KB (all the tail needs): every
    line goes to the log store as it comes, so an invocation that prints 100 MB costs the
    server a few kilobytes here, not 100 MB."""

    request_id: str
    version: str
    lines: deque[str] = field(default_factory=deque)
    output_closed: bool = False
    report: str | None = None
    trailer: list[str] = field(default_factory=list)
    complete: threading.Event = field(default_factory=threading.Event)
    _kept_chars: int = field(default=0, init=False, repr=False)

    def keep(self, line: str) -> None:
        """Add a line, dropping the oldest ones the last 4 KB no longer reach. Characters
        count for bytes: a character is at least one byte, so the kept text covers 4 KB."""
        line = line[-LOG_TAIL_BYTES:]
        self.lines.append(line)
        self._kept_chars += len(line)
        while self._kept_chars - len(self.lines[0]) >= LOG_TAIL_BYTES:
            self._kept_chars -= len(self.lines.popleft())

    def tail(self) -> str:
        """The last 4 KB of the invocation's log, as `X-Amz-Log-Result` carries it."""
        text = "".join(self.lines).encode()
        return text[-LOG_TAIL_BYTES:].decode(errors="ignore")


def billed_duration_ms(duration_ms: float, init_duration_ms: float | None) -> int:
    """What AWS bills, rounded up to the millisecond: since August 2025 an on-demand cold
    start's init phase is billed with its first invocation."""
    return max(1, math.ceil(duration_ms + (init_duration_ms or 0.0)))


def memory_used_mb(max_memory_kb: int | None) -> int:
    """The REPORT line's Max Memory Used: whole MB, at least 1 for a runtime that was
    measured at all."""
    if not max_memory_kb:
        return 0
    return max(1, round(max_memory_kb / 1024))


def report_line(
    request_id: str,
    duration_ms: float,
    memory_mb: int,
    max_memory_used_mb: int,
    init_duration_ms: float | None,
    xray: str = "",
) -> str:
    """A sampled invocation's report carries its X-Ray ids on a second line, as on AWS."""
    billed = billed_duration_ms(duration_ms, init_duration_ms)
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
        f"Billed Duration: {billed} ms\tMemory Size: {memory_mb} MB\t"
        f"Max Memory Used: {max_memory_used_mb} MB\t"
    )
    if init_duration_ms is not None:
        line += f"Init Duration: {init_duration_ms:.2f} ms\t"
    return line + "\n" + (xray + "\n" if xray else "")


class OutputCollector:
    """Splits the runtime's single output stream (stdout and stderr merged) by invocation.

    Runtimes that write the end-of-invocation marker let us attribute every byte exactly;
    for others an invocation's log closes as soon as its answer arrives."""

    def __init__(self, emit: Callable[[str], None], expects_marker: bool) -> None:
        self._emit = emit
        self._expects_marker = expects_marker
        self._lock = threading.Lock()
        self._buffer = b""
        self._current: InvocationLog | None = None

    def begin(self, request_id: str, version: str) -> InvocationLog:
        record = InvocationLog(request_id, version)
        with self._lock:
            self._flush_partial()
            self._current = record
            self._write(f"START RequestId: {request_id} Version: {version}\n")
        return record

    def feed(self, chunk: bytes) -> None:
        """Called by the executor's reader thread with raw output bytes."""
        with self._lock:
            self._buffer += chunk
            while True:
                match = END_MARKER.search(self._buffer)
                if match is None:
                    break
                self._write_output(self._buffer[: match.start()], partial_ok=True)
                self._buffer = self._buffer[match.end() :]
                current = self._current
                if current is not None and current.request_id == match.group(1).decode():
                    current.output_closed = True
                    self._finish_if_ready(current)
            keep = self._buffer.rfind(b"\n") + 1
            if keep:
                self._write_output(self._buffer[:keep], partial_ok=False)
                self._buffer = self._buffer[keep:]

    def end(self, record: InvocationLog, report: str, trailer: list[str] | None = None) -> None:
        """The invocation has its answer; write END/REPORT once its output is in too."""
        with self._lock:
            record.report = report
            record.trailer = trailer or []
            if not self._expects_marker:
                self._flush_partial()
                record.output_closed = True
            self._finish_if_ready(record)

    def close(self) -> None:
        """The environment is gone: whatever it wrote is all there will be."""
        with self._lock:
            self._flush_partial()
            current = self._current
            if current is not None:
                current.output_closed = True
                self._finish_if_ready(current)

    def _flush_partial(self) -> None:
        if self._buffer:
            self._write_output(self._buffer, partial_ok=True)
            self._buffer = b""

    def _write_output(self, data: bytes, partial_ok: bool) -> None:
        if not data:
            return
        text = data.decode(errors="replace")
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                line += "\n"
            if self._current is not None and not self._current.complete.is_set():
                self._current.keep(line)
            self._emit(line)

    def _finish_if_ready(self, record: InvocationLog) -> None:
        if record.complete.is_set() or record.report is None or not record.output_closed:
            return
        for line in record.trailer:
            self._write(line)
        self._write(f"END RequestId: {record.request_id}\n")
        self._write(record.report)
        record.complete.set()

    def _write(self, line: str) -> None:
        if self._current is not None and not self._current.complete.is_set():
            self._current.keep(line)
        self._emit(line)
