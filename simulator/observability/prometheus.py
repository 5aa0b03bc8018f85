"""The metrics in Prometheus' text format, for `/_simulator/metrics`: counters since start,
a duration histogram, and the environments of each function right now. Read from the
recorder at scrape time, so the invoke path records once for both CloudWatch and here. Loaded
on the first scrape (`prometheus_api`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector, CollectorRegistry

from simulator.environments.pool import EnvironmentCounts
from simulator.observability.metrics import DURATION_BUCKETS_MS, MetricsRecorder

EnvironmentCensus = Callable[[], dict[str, EnvironmentCounts]]


class LambdaCollector(Collector):
    """`environments` gives each function's warm / busy / starting counts."""

    def __init__(self, recorder: MetricsRecorder, environments: EnvironmentCensus) -> None:
        self._recorder = recorder
        self._environments = environments

    def collect(self) -> Iterator[Metric]:
        totals = self._recorder.totals()
        labels = ["function_name"]
        counters = {
            "invocations": ("Invocations that ran (throttled ones excluded).",
                            lambda t: t.invocations),
            "errors": ("Invocations that ended in a function error.", lambda t: t.errors),
            "throttles": ("Invocation requests refused for concurrency.", lambda t: t.throttles),
            "cold_starts": ("Invocations that started a new environment.",
                            lambda t: t.cold_starts),
        }
        for name, (documentation, value) in counters.items():
            family = CounterMetricFamily(f"lambda_{name}", documentation, labels=labels)
            for function_name, function_totals in totals.items():
                family.add_metric([function_name], value(function_totals))  # type: ignore[no-untyped-call]
            yield family
        duration = HistogramMetricFamily(
            "lambda_duration_milliseconds", "The handler's run time.", labels=labels)
        for function_name, function_totals in totals.items():
            cumulative, buckets = 0, []
            for bound, count in zip([*map(str, DURATION_BUCKETS_MS), "+Inf"],
                                    function_totals.duration_buckets, strict=True):
                cumulative += count
                buckets.append((bound, float(cumulative)))
            duration.add_metric([function_name], buckets, function_totals.duration_sum_ms)
        yield duration
        environments = GaugeMetricFamily(
            "lambda_environments", "Execution environments by state.",
            labels=["function_name", "state"])
        concurrent = GaugeMetricFamily(
            "lambda_concurrent_executions", "Invocations running now.", labels=labels)
        for function_name, counts in self._environments().items():
            for state in ("warm", "busy", "starting"):
                environments.add_metric([function_name, state], getattr(counts, state))
            concurrent.add_metric([function_name], counts.busy)
        yield environments
        yield concurrent


def lambda_registry(recorder: MetricsRecorder, environments: EnvironmentCensus
                    ) -> CollectorRegistry:
    """A registry of its own, so several simulators in one process never share metrics."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LambdaCollector(recorder, environments))
    return registry
