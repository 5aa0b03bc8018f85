"""The metrics in Prometheus' text format, for `/_simulator/metrics`: counters since start,
a duration histogram, the environments of each function right now and what the functions
would cost on AWS this month. Read from the recorder (and the cost meter) at scrape time, so
the invoke path records once for both CloudWatch and here. Loaded on the first scrape
(`prometheus_api`)."""

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
from simulator.observability.cost_bill import Bill
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


class CostCollector(Collector):
    """What the functions would cost on AWS this month, in US dollars: each function before
    the free tier, and the bill before it, its credit and the bill after it."""

    def __init__(self, bill: Callable[[], Bill]) -> None:
        self._bill = bill

    def collect(self) -> Iterator[Metric]:
        bill = self._bill()
        by_function: dict[str, float] = {}
        for cost in bill.functions:
            name = cost.usage.function_name
            by_function[name] = by_function.get(name, 0.0) + cost.total_usd
        family = GaugeMetricFamily(
            "lambda_estimated_cost_usd", "What the function would cost on AWS this month, "
            "before the free tier.", labels=["function_name"])
        for name, usd in by_function.items():
            family.add_metric([name], usd)
        yield family
        totals = {
            "bill_usd": ("All functions' cost this month, before the free tier.",
                         bill.before_free_tier_usd),
            "free_tier_credit_usd": ("What the free tier takes off this month's bill.",
                                     bill.free_tier.total_usd),
            "bill_after_free_tier_usd": ("This month's bill after the free tier.",
                                         bill.after_free_tier_usd),
        }
        for name, (documentation, usd) in totals.items():
            yield GaugeMetricFamily(f"lambda_estimated_{name}", documentation, value=usd)


def lambda_registry(recorder: MetricsRecorder, environments: EnvironmentCensus,
                    bill: Callable[[], Bill] | None = None) -> CollectorRegistry:
    """A registry of its own, so several simulators in one process never share metrics.
    With `bill`, the estimated AWS cost too."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(LambdaCollector(recorder, environments))
    if bill is not None:
        registry.register(CostCollector(bill))
    return registry
