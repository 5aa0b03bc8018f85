"""Function log lines reach the console in order, off the invoke path, and none are lost at
the stop."""

from __future__ import annotations

import io
import logging
import time

from simulator.commands.function_lines import WRITE_INTERVAL, FunctionLines


def test_lines_arrive_in_order_soon_and_all_by_close() -> None:
    stream = io.StringIO()
    handler = FunctionLines(stream)
    log = logging.getLogger("test.function-lines")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.INFO)
    try:
        log.info("[%s] %s", "fn", "first")
        deadline = time.monotonic() + 20 * WRITE_INTERVAL
        while "first" not in stream.getvalue() and time.monotonic() < deadline:
            time.sleep(WRITE_INTERVAL / 5)
        assert stream.getvalue() == "[fn] first\n"
        for number in range(1_000):
            log.info("[%s] %s", "fn", number)
    finally:
        log.removeHandler(handler)
        handler.close()
    lines = stream.getvalue().splitlines()
    assert lines == ["[fn] first", *(f"[fn] {number}" for number in range(1_000))]
