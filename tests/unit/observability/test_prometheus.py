"""Lambda's metrics in Prometheus' text format: counters and the duration histogram read from
the recorder at scrape time, gauges of the environments each function has right now, parsed
back as Prometheus parses a scrape."""

from __future__ import annotations

import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from simulator.environments.pool import EnvironmentCounts
from simulator.observability.cost_bill import FunctionUsage, bill
from simulator.observability.cost_prices import load_prices
from simulator.observability.metrics import MetricsRecorder
from simulator.observability.prometheus import lambda_registry
from tests.unit.observability.recorded_invocations import result

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(registry: CollectorRegistry) -> Samples:
    text = generate_latest(registry).decode()
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def no_environments() -> dict[str, EnvironmentCounts]:
    return {}


def test_counters_count_each_functions_invocations_since_start(
        recorded: MetricsRecorder) -> None:
    samples = scrape(lambda_registry(recorded, no_environments))

    assert value(samples, "lambda_invocations_total", function_name="fn") == 5
    assert value(samples, "lambda_errors_total", function_name="fn") == 1
    assert value(samples, "lambda_throttles_total", function_name="fn") == 1
    assert value(samples, "lambda_cold_starts_total", function_name="fn") == 1
    assert value(samples, "lambda_invocations_total", function_name="other") == 1
    assert value(samples, "lambda_errors_total", function_name="other") == 0


def test_the_families_are_typed_and_documented() -> None:
    recorder = MetricsRecorder(lambda name: 0)
    recorder.record("fn", result(1), throttled=False)
    text = generate_latest(lambda_registry(
        recorder, lambda: {"fn": EnvironmentCounts(1, 0, 0)})).decode()

    types = {family.name: family.type for family in text_string_to_metric_families(text)}

    assert types == {
        "lambda_invocations": "counter", "lambda_errors": "counter",
        "lambda_throttles": "counter", "lambda_cold_starts": "counter",
        "lambda_duration_milliseconds": "histogram",
        "lambda_environments": "gauge", "lambda_concurrent_executions": "gauge",
    }
    assert "# HELP lambda_throttles_total Invocation requests refused for concurrency." in text


def test_the_duration_histogram_has_cumulative_buckets_a_count_and_a_sum(
        recorded: MetricsRecorder) -> None:
    samples = scrape(lambda_registry(recorded, no_environments))

    def bucket(bound: str) -> float:
        return value(samples, "lambda_duration_milliseconds_bucket", function_name="fn",
                     le=bound)

    # fn ran for 10, 20, 30, 40 and 50 ms; its throttle is no run.
    assert [bucket(b) for b in ("1", "5", "10", "25", "50", "100", "900000", "+Inf")] == \
        [0, 0, 1, 2, 5, 5, 5, 5]
    assert value(samples, "lambda_duration_milliseconds_count", function_name="fn") == 5
    assert value(samples, "lambda_duration_milliseconds_sum", function_name="fn") == 150


def test_a_duration_on_a_bound_counts_in_that_bucket_and_one_past_the_last_only_in_inf(
) -> None:
    recorder = MetricsRecorder(lambda name: 0)
    recorder.record("fn", result(5), throttled=False)
    recorder.record("fn", result(1_000_000), throttled=False)

    samples = scrape(lambda_registry(recorder, no_environments))

    def bucket(bound: str) -> float:
        return value(samples, "lambda_duration_milliseconds_bucket", function_name="fn",
                     le=bound)

    assert (bucket("1"), bucket("5"), bucket("900000"), bucket("+Inf")) == (0, 1, 1, 2)


def test_environment_gauges_show_each_state_and_busy_ones_as_concurrency() -> None:
    census = {"fn": EnvironmentCounts(warm=2, busy=3, starting=1),
              "idle-fn": EnvironmentCounts(warm=0, busy=0, starting=0)}

    samples = scrape(lambda_registry(MetricsRecorder(lambda name: 0), lambda: census))

    assert [value(samples, "lambda_environments", function_name="fn", state=state)
            for state in ("warm", "busy", "starting")] == [2, 3, 1]
    assert value(samples, "lambda_concurrent_executions", function_name="fn") == 3
    assert value(samples, "lambda_environments", function_name="idle-fn", state="warm") == 0
    # A function never invoked has gauges but no counters yet.
    assert ("lambda_invocations_total", (("function_name", "idle-fn"),)) not in samples


def test_values_are_read_at_scrape_time() -> None:
    recorder = MetricsRecorder(lambda name: 0)
    busy = {"fn": EnvironmentCounts(warm=0, busy=1, starting=0)}
    registry = lambda_registry(recorder, lambda: dict(busy))
    recorder.record("fn", result(3), throttled=False)
    first = scrape(registry)

    recorder.record("fn", result(4), throttled=False)
    busy["fn"] = EnvironmentCounts(warm=1, busy=0, starting=0)
    second = scrape(registry)

    assert value(first, "lambda_invocations_total", function_name="fn") == 1
    assert value(second, "lambda_invocations_total", function_name="fn") == 2
    assert value(first, "lambda_concurrent_executions", function_name="fn") == 1
    assert value(second, "lambda_concurrent_executions", function_name="fn") == 0


def test_two_simulators_in_one_process_keep_their_metrics_apart() -> None:
    first, second = MetricsRecorder(lambda name: 0), MetricsRecorder(lambda name: 0)
    first.record("fn", result(1), throttled=False)
    second.record("fn", result(1), throttled=False)
    second.record("fn", result(1), throttled=False)

    one = scrape(lambda_registry(first, no_environments))
    two = scrape(lambda_registry(second, no_environments))

    assert value(one, "lambda_invocations_total", function_name="fn") == 1
    assert value(two, "lambda_invocations_total", function_name="fn") == 2



def test_the_estimated_cost_is_a_gauge_per_function_and_for_the_bill() -> None:
    usages = [FunctionUsage("fn", "x86_64", 1024, requests=2_000_000, gb_seconds=500_000),
              FunctionUsage("fn", "arm64", 1024, requests=1, gb_seconds=1),
              FunctionUsage("other", "x86_64", 128, requests=1, gb_seconds=0.125)]
    estimate = bill(usages, load_prices("us-east-1"))
    registry = lambda_registry(MetricsRecorder(lambda name: 0), no_environments,
                               lambda: estimate)

    samples = scrape(registry)

    fn = sum(cost.total_usd for cost in estimate.functions[:2])
    assert value(samples, "lambda_estimated_cost_usd", function_name="fn") == \
        pytest.approx(fn)
    assert value(samples, "lambda_estimated_bill_usd") == \
        pytest.approx(estimate.before_free_tier_usd)
    assert value(samples, "lambda_estimated_free_tier_credit_usd") == \
        pytest.approx(estimate.free_tier.total_usd)
    assert value(samples, "lambda_estimated_bill_after_free_tier_usd") == \
        pytest.approx(estimate.after_free_tier_usd)
