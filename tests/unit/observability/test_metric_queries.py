"""CloudWatch's metric queries on recorded invocations: GetMetricStatistics, GetMetricData and
ListMetrics."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from simulator.observability.errors import (
    InvalidParameterCombination,
    InvalidParameterValue,
    MissingParameter,
)
from simulator.observability.metric_queries import MetricQueries
from simulator.observability.metrics import MetricsRecorder
from tests.unit.observability.recorded_invocations import START


def statistics(recorder: MetricsRecorder, metric: str, period: int = 60,
               function: str | None = "fn", **request: Any) -> list[dict[str, Any]]:
    body = {
        "Namespace": "AWS/Lambda", "MetricName": metric, "Period": period,
        "StartTime": START, "EndTime": START + timedelta(minutes=10),
        "Dimensions": [{"Name": "FunctionName", "Value": function}] if function else [],
        "Statistics": ["Sum", "SampleCount", "Average", "Maximum"], **request,
    }
    return MetricQueries(recorder).get_metric_statistics(body)["Datapoints"]  # type: ignore[no-any-return]


def test_counts_per_minute(recorded: MetricsRecorder) -> None:
    invocations = statistics(recorded, "Invocations")
    assert [(p["Timestamp"], p["Sum"]) for p in invocations] == [
        (START, 3), (START + timedelta(minutes=2), 2)]
    errors = statistics(recorded, "Errors")
    assert [(p["Sum"], p["SampleCount"]) for p in errors] == [(1, 3), (0, 2)]
    assert [p["Sum"] for p in statistics(recorded, "Throttles")] == [1]
    assert [p["Sum"] for p in statistics(recorded, "ColdStarts")] == [1, 0]


def test_periods_aggregate_minutes_and_functions(recorded: MetricsRecorder) -> None:
    [hour] = statistics(recorded, "Duration", period=3600)
    assert hour["Timestamp"] == START
    assert (hour["SampleCount"], hour["Sum"], hour["Maximum"]) == (5, 150, 50)
    [everything] = statistics(recorded, "Invocations", period=3600, function=None)
    assert everything["Sum"] == 6


def test_concurrency_is_sampled_at_the_end_of_each_invocation(
        recorded: MetricsRecorder) -> None:
    maxima = [p["Maximum"] for p in statistics(recorded, "ConcurrentExecutions")]
    assert maxima == [2, 4]


def test_percentiles_through_get_metric_statistics(recorded: MetricsRecorder) -> None:
    [hour] = statistics(recorded, "Duration", period=3600, Statistics=[],
                        ExtendedStatistics=["p50", "p99"])
    assert hour["ExtendedStatistics"] == {"p50": 30, "p99": 50}
    assert "Sum" not in hour


def test_units_and_unknown_dimensions_select_nothing(recorded: MetricsRecorder) -> None:
    assert statistics(recorded, "Duration", Unit="Seconds") == []
    assert statistics(recorded, "Duration", Dimensions=[{"Name": "Resource", "Value": "x"}]) \
        == []
    assert statistics(recorded, "Invocations", function="missing") == []


@pytest.mark.parametrize(("change", "error"), [
    ({"Period": 61}, InvalidParameterValue),
    ({"EndTime": START - timedelta(minutes=1)}, InvalidParameterValue),
    ({"Statistics": [], "ExtendedStatistics": []}, MissingParameter),
    ({"Statistics": ["Median"]}, InvalidParameterValue),
    ({"EndTime": START + timedelta(days=2)}, InvalidParameterCombination),
])
def test_get_metric_statistics_validates(recorded: MetricsRecorder, change: dict[str, Any],
                                         error: type[Exception]) -> None:
    with pytest.raises(error):
        statistics(recorded, "Invocations", **change)


def test_get_metric_data_with_metric_math(recorded: MetricsRecorder) -> None:
    def stat(metric: str, name: str) -> dict[str, Any]:
        return {"Metric": {"Namespace": "AWS/Lambda", "MetricName": metric,
                           "Dimensions": [{"Name": "FunctionName", "Value": "fn"}]},
                "Period": 60, "Stat": name}

    answer = MetricQueries(recorded).get_metric_data({
        "StartTime": START, "EndTime": START + timedelta(minutes=10),
        "ScanBy": "TimestampAscending",
        "MetricDataQueries": [
            {"Id": "errors", "MetricStat": stat("Errors", "Sum"), "ReturnData": False},
            {"Id": "calls", "MetricStat": stat("Invocations", "Sum")},
            {"Id": "rate", "Expression": "100 * errors / calls", "Label": "Error rate"},
            {"Id": "p99", "MetricStat": stat("Duration", "p99")},
        ],
    })
    results = {r["Id"]: r for r in answer["MetricDataResults"]}
    assert set(results) == {"calls", "rate", "p99"}
    assert results["calls"]["Values"] == [3, 2]
    assert results["rate"]["Values"] == pytest.approx([100 / 3, 0])
    assert results["rate"]["Label"] == "Error rate"
    assert results["p99"]["Values"] == [30, 50]
    assert results["p99"]["Timestamps"] == [START, START + timedelta(minutes=2)]


def test_list_metrics(recorded: MetricsRecorder) -> None:
    listed = MetricQueries(recorded).list_metrics(
        {"Namespace": "AWS/Lambda", "MetricName": "Errors",
         "Dimensions": [{"Name": "FunctionName"}]})["Metrics"]
    assert [m["Dimensions"][0]["Value"] for m in listed] == ["fn", "other"]
