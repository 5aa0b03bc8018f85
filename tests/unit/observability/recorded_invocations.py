"""Invocation results, the moment they start from and a clock the tests move by hand: what
the metric and history tests record."""

from __future__ import annotations

from datetime import UTC, datetime

from simulator.models import InvocationResult


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def result(duration_ms: float, failed: bool = False, cold: bool = False) -> InvocationResult:
    return InvocationResult(b"{}", "Handled" if failed else None, duration_ms=duration_ms,
                            cold=cold, phases_ms={"launch": 5.0, "init": 1.0,
                                                  "invoke": duration_ms + 0.5})


START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
