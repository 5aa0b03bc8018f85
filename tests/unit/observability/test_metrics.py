"""The metric aggregates and the recorder: statistics, percentiles, the bounded reservoir, and
old minutes shrinking then going."""

from __future__ import annotations

import pytest

from simulator.observability.metrics import (
    COMPACT_AFTER_SECONDS,
    COMPACT_RESERVOIR_SIZE,
    RETENTION_SECONDS,
    Aggregate,
    MetricsRecorder,
)
from tests.unit.observability.recorded_invocations import START, Clock, result


def test_statistics_of_a_distribution() -> None:
    aggregate = Aggregate(keeps_samples=True)
    for value in range(1, 101):
        aggregate.add(float(value))
    assert aggregate.statistic("SampleCount") == 100
    assert aggregate.statistic("Sum") == 5050
    assert aggregate.statistic("Average") == 50.5
    assert (aggregate.statistic("Minimum"), aggregate.statistic("Maximum")) == (1, 100)
    assert aggregate.statistic("p50") == 50
    assert aggregate.statistic("p99") == 99
    assert aggregate.statistic("p99.9") == 100
    assert aggregate.statistic("p100") == 100


def test_percentiles_of_a_zero_one_metric_need_no_samples() -> None:
    errors = Aggregate()
    for value in [0] * 97 + [1] * 3:
        errors.add(value)
    assert errors.samples is None
    assert errors.statistic("Average") == pytest.approx(0.03)
    assert errors.statistic("p90") == 0
    assert errors.statistic("p98") == 1


def test_reservoir_stays_bounded_and_counts_stay_exact() -> None:
    aggregate = Aggregate(keeps_samples=True)
    for value in range(5_000):
        aggregate.add(float(value))
    assert aggregate.samples is not None and len(aggregate.samples) == 1_000
    assert aggregate.statistic("SampleCount") == 5_000
    assert aggregate.statistic("Maximum") == 4_999


def test_old_minutes_shrink_then_go_for_every_function_even_a_deleted_one() -> None:
    """After an hour a minute keeps 100 of its samples; after a day it goes, also for a
    function that no longer records (deleted), once any function starts a new minute."""
    clock = Clock(START.timestamp())
    recorder = MetricsRecorder(lambda name: 0, clock)
    for value in range(2_000):
        recorder.record("gone", result(float(value)), throttled=False)
    clock.now += COMPACT_AFTER_SECONDS + 60
    recorder.record("busy", result(1.0), throttled=False)
    [old] = recorder.minutes("Duration", "gone", 0, clock.now).values()
    assert old.samples is not None and len(old.samples) == COMPACT_RESERVOIR_SIZE
    assert old.statistic("SampleCount") == 2_000 and old.statistic("Maximum") == 1_999
    clock.now += RETENTION_SECONDS
    recorder.record("busy", result(1.0), throttled=False)
    assert recorder.minutes("Duration", "gone", 0, clock.now) == {}


def test_a_stopped_recursive_invocation_counts_as_dropped_not_as_an_invocation() -> None:
    clock = Clock(START.timestamp())
    recorder = MetricsRecorder(lambda name: 0, clock)

    recorder.record_dropped("loop")
    recorder.record_dropped("loop")

    [dropped] = recorder.minutes("RecursiveInvocationsDropped", "loop", 0,
                                 clock.now + 60).values()
    assert dropped.statistic("Sum") == 2
    assert recorder.minutes("Invocations", "loop", 0, clock.now + 60) == {}
