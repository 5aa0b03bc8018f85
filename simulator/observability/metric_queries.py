"""CloudWatch's GetMetricStatistics, GetMetricData and ListMetrics over the recorded
`AWS/Lambda` metrics. Requests and answers are the API's shapes with `datetime` timestamps;
the wire layer turns them into JSON or XML.

Periods start at StartTime rounded down to the minute, as CloudWatch does for recent data,
and only periods with data are answered. Dimensions are none (all functions together) or
`FunctionName`."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from simulator.observability.errors import (
    InvalidParameterCombination,
    InvalidParameterValue,
    MissingParameter,
)
from simulator.observability.metric_math import Series, evaluate
from simulator.observability.metrics import (
    METRICS,
    NAMESPACE,
    SIMPLE_STATISTICS,
    Aggregate,
    MetricsRecorder,
    is_statistic,
)

MAX_DATAPOINTS = 1_440
QUERY_ID = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
HIGH_RESOLUTION_PERIODS = (1, 5, 10, 30)


class MetricQueries:
    def __init__(self, recorder: MetricsRecorder) -> None:
        self._recorder = recorder

    @staticmethod
    def handles(operation: str, request: dict[str, Any]) -> bool:
        """Whether a request is about Lambda's metrics; others belong to another backend."""
        if operation in ("GetMetricStatistics", "ListMetrics"):
            return bool(request.get("Namespace") == NAMESPACE)
        if operation == "GetMetricData":
            return any(((q.get("MetricStat") or {}).get("Metric") or {}).get("Namespace")
                       == NAMESPACE for q in request.get("MetricDataQueries") or [])
        return False

    def get_metric_statistics(self, request: dict[str, Any]) -> dict[str, Any]:
        for required in ("MetricName", "StartTime", "EndTime", "Period"):
            if request.get(required) is None:
                raise MissingParameter(f"The parameter {required} is required.")
        statistics = request.get("Statistics") or []
        extended = request.get("ExtendedStatistics") or []
        if not statistics and not extended:
            raise MissingParameter("Must specify either Statistics or ExtendedStatistics.")
        for name in statistics:
            if name not in SIMPLE_STATISTICS:
                raise InvalidParameterValue(
                    f"The parameter Statistics contains an invalid value: {name}")
        for name in extended:
            if not is_statistic(name) or not name.startswith("p"):
                raise InvalidParameterValue(
                    f"The value {name} for parameter ExtendedStatistics is not supported.")
        start, end, period = _window(request["StartTime"], request["EndTime"],
                                     request["Period"])
        if math.ceil((end - start) / period) > MAX_DATAPOINTS:
            raise InvalidParameterCombination(
                f"You have requested up to {math.ceil((end - start) / period)} datapoints, "
                f"which exceeds the limit of {MAX_DATAPOINTS:,}. You may reduce the "
                "datapoints requested by increasing Period, or decreasing the time range.")
        metric = {"Namespace": request.get("Namespace"), "MetricName": request["MetricName"],
                  "Dimensions": request.get("Dimensions") or []}
        unit = _unit_of(metric, request.get("Unit"))
        datapoints = []
        for timestamp, aggregate in self._periods(metric, unit, start, end, period).items():
            point: dict[str, Any] = {"Timestamp": _datetime(timestamp), "Unit": unit}
            point.update({name: aggregate.statistic(name) for name in statistics})
            if extended:
                point["ExtendedStatistics"] = {n: aggregate.statistic(n) for n in extended}
            datapoints.append(point)
        return {"Label": request["MetricName"], "Datapoints": datapoints}

    def get_metric_data(self, request: dict[str, Any]) -> dict[str, Any]:
        queries = request.get("MetricDataQueries") or []
        if not queries:
            raise MissingParameter("The parameter MetricDataQueries is required.")
        if request.get("StartTime") is None or request.get("EndTime") is None:
            raise MissingParameter("The parameters StartTime and EndTime are required.")
        series: dict[str, Series] = {}
        expressions: dict[str, str] = {}
        for index, query in enumerate(queries, start=1):
            query_id = query.get("Id") or ""
            if not QUERY_ID.match(query_id) or query_id in series or query_id in expressions:
                raise InvalidParameterValue(
                    f"The value {query_id!r} for parameter MetricDataQueries.member.{index}.Id "
                    "is invalid: it must be unique and start with a lowercase letter.")
            if query.get("Expression"):
                expressions[query_id] = query["Expression"]
            elif query.get("MetricStat"):
                series[query_id] = self._metric_stat(query["MetricStat"], request, index)
            else:
                raise MissingParameter(
                    f"MetricDataQueries.member.{index} needs a MetricStat or an Expression.")
        for query_id, expression in expressions.items():
            series[query_id] = evaluate(expression, series, expressions)
        descending = request.get("ScanBy", "TimestampDescending") == "TimestampDescending"
        results = []
        for query in queries:
            if query.get("ReturnData") is False:
                continue
            points = sorted(series[query["Id"]].items(), reverse=descending)
            label = query.get("Label") or ((query.get("MetricStat") or {}).get("Metric")
                                           or {}).get("MetricName") or query["Id"]
            results.append({
                "Id": query["Id"], "Label": label, "StatusCode": "Complete",
                "Timestamps": [_datetime(t) for t, _ in points],
                "Values": [v for _, v in points],
                "Messages": [],
            })
        return {"MetricDataResults": results, "Messages": []}

    def list_metrics(self, request: dict[str, Any]) -> dict[str, Any]:
        """Each metric with data, per function and for all functions together."""
        functions = self._recorder.function_names()
        dimension_sets: list[list[dict[str, str]]] = [[]] + [
            [{"Name": "FunctionName", "Value": f}] for f in functions]
        wanted = request.get("Dimensions") or []
        listed = [
            {"Namespace": NAMESPACE, "MetricName": metric_name, "Dimensions": dimensions}
            for metric_name in METRICS if functions
            and request.get("MetricName") in (None, metric_name)
            for dimensions in dimension_sets
            if all(any(d["Name"] == w.get("Name") and w.get("Value") in (None, d["Value"])
                       for d in dimensions) for w in wanted)
        ]
        return {"Metrics": listed}

    # -- helpers ----------------------------------------------------------------------------

    def _metric_stat(self, stat: dict[str, Any], request: dict[str, Any], index: int
                     ) -> Series:
        metric = stat.get("Metric") or {}
        name = stat.get("Stat") or ""
        if not is_statistic(name):
            raise InvalidParameterValue(
                f"The value {name} for parameter MetricDataQueries.member.{index}.MetricStat."
                "Stat is not supported.")
        start, end, period = _window(request["StartTime"], request["EndTime"],
                                     stat.get("Period"))
        unit = _unit_of(metric, stat.get("Unit"))
        return {timestamp: aggregate.statistic(name) for timestamp, aggregate
                in self._periods(metric, unit, start, end, period).items()}

    def _periods(self, metric: dict[str, Any], unit: str | None, start: int, end: int,
                 period: int) -> dict[int, Aggregate]:
        """The metric's samples per period (start epoch seconds → aggregate)."""
        name = metric.get("MetricName")
        if metric.get("Namespace") != NAMESPACE or name not in METRICS or unit is None:
            return {}
        dimensions = {d.get("Name"): d.get("Value") for d in metric.get("Dimensions") or []}
        if set(dimensions) - {"FunctionName"}:
            return {}
        periods: dict[int, Aggregate] = {}
        minutes = self._recorder.minutes(name, dimensions.get("FunctionName"), start, end)
        for minute, aggregate in minutes.items():
            bucket = start + (minute - start) // period * period
            periods.setdefault(bucket, Aggregate(METRICS[name].keeps_samples)).absorb(aggregate)
        return periods


def _window(start_time: datetime, end_time: datetime, period: Any) -> tuple[int, int, int]:
    if not isinstance(period, int) or period < 1 or (
            period not in HIGH_RESOLUTION_PERIODS and period % 60):
        raise InvalidParameterValue("The parameter Period must be a multiple of 60.")
    start = int(start_time.timestamp()) // 60 * 60
    end = math.ceil(end_time.timestamp())
    if end <= start:
        raise InvalidParameterValue(
            "The parameter StartTime must be less than the parameter EndTime.")
    return start, end, max(period, 60)


def _unit_of(metric: dict[str, Any], requested: str | None) -> str | None:
    """The metric's unit, or None when a different unit was asked for (no data)."""
    kind = METRICS.get(metric.get("MetricName") or "")
    unit = kind.unit if kind else "None"
    return unit if requested in (None, unit) else None


def _datetime(epoch_seconds: int) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, tz=UTC)
