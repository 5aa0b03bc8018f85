"""Fixtures of the observability tests: a metrics recorder with a few minutes of invocations."""

from __future__ import annotations

import pytest

from simulator.observability.metrics import MetricsRecorder
from tests.unit.observability.recorded_invocations import START, Clock, result


@pytest.fixture
def recorded() -> MetricsRecorder:
    """fn: 3 invocations in minute 0 (one failed, one cold), 2 in minute 2 and a throttle;
    other: 1 invocation in minute 0."""
    clock = Clock(START.timestamp() + 10)
    busy = {"fn": 1, "other": 0}
    recorder = MetricsRecorder(lambda name: busy[name], clock)
    recorder.record("fn", result(10, cold=True), throttled=False)
    recorder.record("fn", result(20, failed=True), throttled=False)
    recorder.record("fn", result(30), throttled=False)
    recorder.record("other", result(100), throttled=False)
    clock.now += 120
    busy["fn"] = 3
    recorder.record("fn", result(40), throttled=False)
    recorder.record("fn", result(50), throttled=False)
    recorder.record("fn", None, throttled=True)
    return recorder
