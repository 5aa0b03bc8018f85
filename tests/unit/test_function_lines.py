"""Function log lines reach the console in order, off the invoke path, and none are lost at
the stop."""

from __future__ import annotations

import io
import time

from simulator.commands.function_lines import WRITE_INTERVAL, FunctionLines
from simulator.logs import LogStore


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
