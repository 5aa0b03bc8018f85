"""Lambda's CloudWatch metrics, recorded in memory per function and minute.

Recording happens on the invoke path: one lock, a few additions, no I/O. Counting metrics
(Invocations, Errors, Throttles, ColdStarts) get one 0/1 sample per invocation as Lambda
publishes them, so Average of Errors is the error rate; distributions (Duration,
ConcurrentExecutions) also keep a bounded reservoir of samples for percentiles.
ConcurrentExecutions is sampled when each invocation ends: the function's busy
environments plus the one that just finished."""

from __future__ import annotations

import math
import random
import re
import threading
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from simulator.models import InvocationResult

NAMESPACE = "AWS/Lambda"
RESERVOIR_SIZE = 1_000
RETENTION_SECONDS = 24 * 3600
# Minutes older than this keep a tenth of their reservoir: a day of a busy function's
# percentiles would otherwise hold 23 MB of samples.
COMPACT_AFTER_SECONDS = 3600
COMPACT_RESERVOIR_SIZE = 100
DURATION_BUCKETS_MS = (1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000,
                       60_000, 300_000, 900_000)
PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$")
SIMPLE_STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")


@dataclass(frozen=True)
class MetricKind:
    unit: str
    keeps_samples: bool


METRICS = {
    "Invocations": MetricKind("Count", False),
    "Errors": MetricKind("Count", False),
    "Throttles": MetricKind("Count", False),
    "RecursiveInvocationsDropped": MetricKind("Count", False),
    "ColdStarts": MetricKind("Count", False),
    "Duration": MetricKind("Milliseconds", True),
    "ConcurrentExecutions": MetricKind("Count", True),
}


def is_statistic(name: str) -> bool:
    return name in SIMPLE_STATISTICS or PERCENTILE.match(name) is not None


class Aggregate:
    """Samples of one metric over a span of time: exact count, sum, min and max, plus a
    reservoir (when kept) for percentiles. 0/1 metrics get percentiles without one."""

    __slots__ = ("count", "total", "minimum", "maximum", "samples", "_seen")

    def __init__(self, keeps_samples: bool = False) -> None:
        self.count = 0
        self.total = 0.0
        self.minimum = math.inf
        self.maximum = -math.inf
        self.samples: array[float] | None = array("d") if keeps_samples else None
        self._seen = 0

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)
        if self.samples is None:
            return
        self._seen += 1
        if len(self.samples) < RESERVOIR_SIZE:
            self.samples.append(value)
        else:
            slot = random.randrange(self._seen)
            if slot < RESERVOIR_SIZE:
                self.samples[slot] = value

    def shrink(self, size: int) -> None:
        """Keep a random `size` of the reservoir (still a uniform sample of the minute)."""
        if self.samples is not None and len(self.samples) > size:
            self.samples = array("d", random.sample(list(self.samples), size))

    def absorb(self, other: Aggregate) -> None:
        """Add another span's samples (the reservoirs are concatenated, not resampled)."""
        self.count += other.count
        self.total += other.total
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        if other.samples is not None:
            if self.samples is None:
                self.samples = array("d")
            self.samples.extend(other.samples)

    def statistic(self, name: str) -> float:
        """One of CloudWatch's statistics: SampleCount, Average, Sum, Minimum, Maximum or a
        percentile `pNN` (nearest rank)."""
        if name == "SampleCount":
            return float(self.count)
        if name == "Sum":
            return self.total
        if name == "Average":
            return self.total / self.count if self.count else 0.0
        if name == "Minimum":
            return self.minimum if self.count else 0.0
        if name == "Maximum":
            return self.maximum if self.count else 0.0
        match = PERCENTILE.match(name)
        if match is None:
            raise ValueError(f"unknown statistic {name}")
        return self._percentile(float(match.group(1)))

    def _percentile(self, percent: float) -> float:
        if self.samples:
            ordered = sorted(self.samples)
            return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]
        if not self.count:
            return 0.0
        zeros = self.count - self.total  # a 0/1 metric: its zeros sort first
        return 0.0 if max(1, math.ceil(percent / 100 * self.count)) <= zeros else 1.0


@dataclass
class FunctionTotals:
    """Since the simulator started: what Prometheus counters show."""

    invocations: int = 0
    errors: int = 0
    throttles: int = 0
    cold_starts: int = 0
    duration_sum_ms: float = 0.0
    duration_buckets: list[int] = field(
        default_factory=lambda: [0] * (len(DURATION_BUCKETS_MS) + 1))


@dataclass
class _FunctionMetrics:
    minutes: dict[int, dict[str, Aggregate]] = field(default_factory=dict)
    totals: FunctionTotals = field(default_factory=FunctionTotals)
    shrunk_through: int = 0  # the newest minute whose reservoirs are shrunk


class MetricsRecorder:
    """An `InvocationObserver`. `busy` tells how many of a function's environments are
    busy right now (the pool's count)."""

    def __init__(self, busy: Callable[[str], int],
                 clock: Callable[[], float] = time.time) -> None:
        self._busy = busy
        self._clock = clock
        self._lock = threading.Lock()
        self._functions: dict[str, _FunctionMetrics] = {}
        self._swept_minute = 0

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        busy = self._busy(function_name)
        now = self._clock()
        minute = int(now // 60) * 60
        with self._lock:
            metrics = self._functions.setdefault(function_name, _FunctionMetrics())
            bucket = metrics.minutes.get(minute)
            if bucket is None:
                bucket = metrics.minutes[minute] = {}
                if minute > self._swept_minute:
                    self._swept_minute = minute
                    self._sweep(minute)
            totals = metrics.totals
            if throttled or result is None:
                _add(bucket, "Throttles", 1)
                _add(bucket, "ConcurrentExecutions", busy)
                totals.throttles += 1
                return
            _add(bucket, "Invocations", 1)
            _add(bucket, "Errors", 1 if result.failed else 0)
            _add(bucket, "ColdStarts", 1 if result.cold else 0)
            _add(bucket, "Duration", result.duration_ms)
            _add(bucket, "ConcurrentExecutions", busy + 1)
            totals.invocations += 1
            totals.errors += result.failed
            totals.cold_starts += result.cold
            totals.duration_sum_ms += result.duration_ms
            index = next((i for i, bound in enumerate(DURATION_BUCKETS_MS)
                          if result.duration_ms <= bound), len(DURATION_BUCKETS_MS))
            totals.duration_buckets[index] += 1

    def record_dropped(self, function_name: str) -> None:
        minute = int(self._clock() // 60) * 60
        with self._lock:
            metrics = self._functions.setdefault(function_name, _FunctionMetrics())
            _add(metrics.minutes.setdefault(minute, {}), "RecursiveInvocationsDropped", 1)

    def minutes(self, metric: str, function_name: str | None, start: float, end: float
                ) -> dict[int, Aggregate]:
        """Per minute (epoch seconds) in [start, end): the metric's samples, of one function
        or (None) of all of them together."""
        keeps_samples = METRICS[metric].keeps_samples
        merged: dict[int, Aggregate] = {}
        with self._lock:
            chosen = (self._functions.values() if function_name is None else
                      [self._functions[function_name]] if function_name in self._functions
                      else [])
            for metrics in chosen:
                for minute, bucket in metrics.minutes.items():
                    aggregate = bucket.get(metric)
                    if aggregate is None or not start <= minute < end:
                        continue
                    merged.setdefault(minute, Aggregate(keeps_samples)).absorb(aggregate)
        return dict(sorted(merged.items()))

    def function_names(self) -> list[str]:
        with self._lock:
            return sorted(self._functions)

    def totals(self) -> dict[str, FunctionTotals]:
        """A copy of each function's totals."""
        with self._lock:
            return {name: FunctionTotals(t.invocations, t.errors, t.throttles, t.cold_starts,
                                         t.duration_sum_ms, list(t.duration_buckets))
                    for name, metrics in self._functions.items()
                    for t in [metrics.totals]}

    def _sweep(self, minute: int) -> None:
        """Once a minute, over every function (deleted ones too): drop the minutes past
        retention and shrink the reservoirs of those past an hour. Lock held."""
        forget_before = minute - RETENTION_SECONDS
        shrink_before = minute - COMPACT_AFTER_SECONDS
        for metrics in self._functions.values():
            for started in list(metrics.minutes):
                if started >= shrink_before:
                    break  # minutes arrive in order: the rest are newer
                if started < forget_before:
                    del metrics.minutes[started]
                elif started > metrics.shrunk_through:
                    for aggregate in metrics.minutes[started].values():
                        aggregate.shrink(COMPACT_RESERVOIR_SIZE)
                    metrics.shrunk_through = started


def _add(bucket: dict[str, Aggregate], metric: str, value: float) -> None:
    aggregate = bucket.get(metric)
    if aggregate is None:
        aggregate = bucket[metric] = Aggregate(METRICS[metric].keeps_samples)
    aggregate.add(value)
