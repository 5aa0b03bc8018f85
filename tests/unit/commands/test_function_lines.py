"""Function log lines reach the console in order, off the invoke path, and none are lost at
the stop; a console that falls behind holds the function's output back."""

from __future__ import annotations

import io
import threading
import time

from simulator.commands.function_lines import MAX_QUEUED_LINES, WRITE_INTERVAL, FunctionLines
from simulator.observability.log_store import LogStore


def test_lines_arrive_in_order_soon_and_all_by_close() -> None:
    console = io.StringIO()
    lines = FunctionLines(console)
    store = LogStore()
    store.listen(lines.record)
    try:
        store.append("fn", "stream", "first\n")
        deadline = time.monotonic() + 20 * WRITE_INTERVAL
        while "first" not in console.getvalue() and time.monotonic() < deadline:
            time.sleep(WRITE_INTERVAL / 5)
        assert console.getvalue() == "[fn] first\n"
        for number in range(1_000):
            store.append("fn", "stream", f"{number}\n")
    finally:
        lines.close()
    shown = console.getvalue().splitlines()
    assert shown == ["[fn] first", *(f"[fn] {number}" for number in range(1_000))]


class StuckConsole(io.StringIO):
    """A console that takes nothing until `go` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def write(self, text: str) -> int:
        self.go.wait(10)
        return super().write(text)


def test_a_console_that_falls_behind_holds_the_writer_back_instead_of_queueing_it_all() -> None:
    console = StuckConsole()
    lines = FunctionLines(console)
    store = LogStore()
    store.listen(lines.record)
    total = 3 * MAX_QUEUED_LINES
    writing = threading.Thread(
        target=lambda: [store.append("fn", "stream", f"{n}\n") for n in range(total)])
    try:
        writing.start()
        writing.join(20 * WRITE_INTERVAL)
        assert writing.is_alive(), "every line was queued while the console took none"
        console.go.set()
        writing.join(10)
        assert not writing.is_alive()
    finally:
        console.go.set()
        lines.close()
    assert console.getvalue().splitlines() == [f"[fn] {n}" for n in range(total)]
