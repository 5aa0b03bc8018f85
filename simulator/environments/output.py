"""Turns an environment's output stream into per-invocation log records with AWS's
START / END / REPORT lines around each invocation's own output."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

END_MARKER = re.compile(rb"\x1eLAMBDA_SIM_END ([0-9a-zA-Z-]+)\x1e\n")
LOG_TAIL_BYTES = 4096
# A record whose answer came this long ago without its marker no longer holds back the next.
STALE_MARKER_SECONDS = 0.5
# Lines a record holds while the one ahead of it waits for its marker (a moment's worth).
MAX_HELD_LINES = 10_000


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
    for others an invocation's log closes as soon as its answer arrives.

    The next invocation never waits for the previous one's log: the marker can come after the
    answer (Docker hands output over on a path of its own). Records queue in order; a record
    behind one whose END is not written yet keeps its START and its output until that END is
    written, so the stream still reads START, output, END, REPORT, invocation by invocation."""

    def __init__(self, emit: Callable[[str], None], expects_marker: bool) -> None:
        self._emit = emit
        self._expects_marker = expects_marker
        self._lock = threading.Lock()
        self._buffer = b""
        self._records: deque[_QueuedLog] = deque()  # begun, END not yet written; oldest first

    def begin(self, request_id: str, version: str) -> InvocationLog:
        """Queue an invocation's record and write its START line."""
        record = self.reserve(request_id, version)
        self.announce(record)
        return record

    def reserve(self, request_id: str, version: str) -> InvocationLog:
        """Queue an invocation's record with its START line still to write: `announce`
        writes it, or the record's first line does if that comes first. The event can go to
        the runtime in between, ahead of the log's work."""
        record = InvocationLog(request_id, version)
        with self._lock:
            self._flush_partial()
            self._settle_stale_head()
            self._records.append(
                _QueuedLog(record, start=f"START RequestId: {request_id} Version: {version}\n"))
        return record

    def announce(self, record: InvocationLog) -> None:
        """Write a reserved record's START line, unless a line of it already did."""
        with self._lock:
            for queued in reversed(self._records):
                if queued.record is record:
                    self._write_start(queued)
                    return

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
                self._close_output_of(match.group(1).decode())
            keep = self._buffer.rfind(b"\n") + 1
            if keep:
                self._write_output(self._buffer[:keep], partial_ok=False)
                self._buffer = self._buffer[keep:]

    def end(self, record: InvocationLog, report: str, trailer: list[str] | None = None) -> None:
        """The invocation has its answer; write END/REPORT once its output is in too."""
        with self._lock:
            record.report = report
            record.trailer = trailer or []
            for queued in self._records:
                if queued.record is record:
                    queued.reported_at = time.monotonic()
            if not self._expects_marker:
                self._flush_partial()
                record.output_closed = True
            self._write_finished()

    def close(self) -> None:
        """The environment is gone: whatever it wrote is all there will be."""
        with self._lock:
            self._flush_partial()
            for queued in self._records:
                queued.record.output_closed = True
            self._write_finished()

    def _close_output_of(self, request_id: str) -> None:
        """A marker ends its invocation's output, and that of any earlier one still open (the
        runtime has moved past them). A marker of no queued invocation changes nothing."""
        ids = [queued.record.request_id for queued in self._records]
        if request_id not in ids:
            return
        for queued in list(self._records)[: ids.index(request_id) + 1]:
            queued.record.output_closed = True
        self._write_finished()

    def _settle_stale_head(self) -> None:
        """A record answered long ago whose marker never came (the runtime lost its output)
        stops holding the ones behind it."""
        head = self._records[0] if self._records else None
        if head is not None and head.reported_at is not None \
                and time.monotonic() - head.reported_at > STALE_MARKER_SECONDS:
            head.record.output_closed = True
            self._write_finished()

    def _flush_partial(self) -> None:
        if self._buffer:
            self._write_output(self._buffer, partial_ok=True)
            self._buffer = b""

    def _write_output(self, data: bytes, partial_ok: bool) -> None:
        if not data:
            return
        text = data.decode(errors="replace")
        owner = next((q for q in self._records if not q.record.output_closed), None)
        for line in text.splitlines(keepends=True):
            if not line.endswith("\n"):
                line += "\n"
            if owner is None:
                self._emit(line)
            else:
                self._write(owner, line)

    def _write_finished(self) -> None:
        """Write END/REPORT for each record at the head whose answer and output are both in;
        the next record's held lines follow."""
        while self._records:
            head = self._records[0].record
            if head.report is None or not head.output_closed:
                return
            for line in head.trailer:
                self._write(self._records[0], line)
            self._write(self._records[0], f"END RequestId: {head.request_id}\n")
            self._write(self._records[0], head.report)
            head.complete.set()
            self._records.popleft()
            if self._records:  # the new head writes what it held
                held, self._records[0].held = self._records[0].held, []
                for line in held:
                    self._write(self._records[0], line)

    def _write_start(self, queued: _QueuedLog) -> None:
        if queued.start is not None:
            start, queued.start = queued.start, None
            self._write(queued, start)

    def _write(self, queued: _QueuedLog, line: str) -> None:
        """A line of a queued record, after its START: written now at the head, held until
        then behind it."""
        self._write_start(queued)
        if self._records and self._records[0] is not queued:
            if len(queued.held) < MAX_HELD_LINES:
                queued.held.append(line)
                return
        # At the head, or past what a record may hold: written now (out of order beats lost).
        queued.record.keep(line)
        self._emit(line)


@dataclass
class _QueuedLog:
    """A begun record and, while another is ahead of it, the lines it holds back."""

    record: InvocationLog
    start: str | None = None  # the START line, until it is written
    held: list[str] = field(default_factory=list)
    reported_at: float | None = None
