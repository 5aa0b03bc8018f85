"""Observability without a server: filter patterns, the metric math behind CloudWatch's
statistics, log paging, persistence, the query protocol and the gateway's routing."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer
from werkzeug.test import Client

from simulator.api.aws_gateway import ServiceDispatcher
from simulator.errors import InvalidParameterValueException
from simulator.models import InvocationResult
from simulator.observability import cloudwatch_wire, log_persistence
from simulator.observability.cloudwatch_api import create_cloudwatch_app
from simulator.observability.errors import (
    InvalidParameterCombination,
    InvalidParameterValue,
    LogsInvalidParameter,
    LogsResourceNotFound,
    MissingParameter,
)
from simulator.observability.filter_pattern import FilterPatternError, parse_filter_pattern
from simulator.observability.history import InvocationHistory
from simulator.observability.log_persistence import LogArchive
from simulator.observability.log_queries import LogQueries
from simulator.observability.log_store import EVENT_OVERHEAD_BYTES, LogStore
from simulator.observability.metric_math import evaluate
from simulator.observability.metric_queries import MetricQueries
from simulator.observability.metrics import (
    COMPACT_AFTER_SECONDS,
    COMPACT_RESERVOIR_SIZE,
    RETENTION_SECONDS,
    Aggregate,
    MetricsRecorder,
)
from simulator.observability.saved_events import SavedEvents

LINES = [
    "[ERROR] 2026-01-01 connection refused by db",
    "[WARN] retrying the connection",
    "[INFO] request served",
    "ERROR: Task timed out after 3.00 seconds",
    "error in lower case",
]


def matching(pattern: str) -> list[str]:
    parsed = parse_filter_pattern(pattern)
    return [line for line in LINES if parsed.matches(line)]


# -- filter patterns ---------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "expected"), [
    ("", LINES),
    ("ERROR", [LINES[0], LINES[3]]),
    ("error", [LINES[4]]),
    ("ERROR db", [LINES[0]]),
    ("ERROR -db", [LINES[3]]),
    ("-ERROR", [LINES[1], LINES[2], LINES[4]]),
    ('"Task timed out"', [LINES[3]]),
    ('"timed Task"', []),
    ("?WARN ?INFO", [LINES[1], LINES[2]]),
    ("?ERROR db ?WARN", [LINES[0], LINES[1]]),
    ("connection ?WARN ?db", [LINES[0], LINES[1]]),
    ("%^\\[(ERROR|WARN)\\]%", [LINES[0], LINES[1]]),
    ('"[ERROR]"', [LINES[0]]),
])
def test_filter_patterns_match_like_cloudwatch(pattern: str, expected: list[str]) -> None:
    assert matching(pattern) == expected


@pytest.mark.parametrize("pattern", ['{ $.level = "ERROR" }', "[ip, user]", '"unterminated',
                                     "%[%"])
def test_unsupported_or_broken_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(FilterPatternError):
        parse_filter_pattern(pattern)


# -- statistics and the recorder ---------------------------------------------------------------

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


def test_metric_math_combines_series_and_refuses_the_rest() -> None:
    series = {"a": {0: 4.0, 60: 6.0}, "b": {0: 2.0, 120: 1.0}, "z": {0: 0.0}}
    assert evaluate("a / b", series, {}) == {0: 2.0}
    assert evaluate("-(a + 1) * 2", series, {}) == {0: -10.0, 60: -14.0}
    assert evaluate("b / z", series, {}) == {}
    assert evaluate("c * 2", series, {"c": "a - b"}) == {0: 4.0}
    for expression in ("SUM(METRICS())", "a ** 2", "7", "missing + 1", "1 / 0"):
        with pytest.raises(InvalidParameterValue):
            evaluate(expression, dict(series), {})
    with pytest.raises(InvalidParameterValue):
        evaluate("x", {}, {"x": "y + 1", "y": "x + 1"})


def test_list_metrics(recorded: MetricsRecorder) -> None:
    listed = MetricQueries(recorded).list_metrics(
        {"Namespace": "AWS/Lambda", "MetricName": "Errors",
         "Dimensions": [{"Name": "FunctionName"}]})["Metrics"]
    assert [m["Dimensions"][0]["Value"] for m in listed] == ["fn", "other"]


def test_history_keeps_the_timeline() -> None:
    history = InvocationHistory(limit=2)
    history.record("fn", result(10, cold=True), throttled=False)
    history.record("fn", result(20, failed=True), throttled=False)
    history.record("other", None, throttled=True)
    newest, older = history.recent()
    assert (newest.function_name, newest.status) == ("other", "Throttled")
    assert (older.status, older.error_type) == ("Error", "Handled")
    assert older.phases_ms == {"launch": 5.0, "init": 1.0, "run": 20, "response": 0.5}
    assert [r.status for r in history.recent("fn")] == ["Error"]


# -- logs: queries and persistence -------------------------------------------------------------

@pytest.fixture
def store() -> LogStore:
    logs = LogStore()
    for index in range(5):
        logs.append("fn", "stream-a", f"a{index} {'ERROR' if index % 2 else 'ok'}\n")
    logs.append("fn", "stream-b", "b0 ERROR\n")
    return logs


def test_the_least_recently_written_stream_goes_when_a_group_is_full() -> None:
    logs = LogStore(max_streams_per_group=3)
    for name in ("s1", "s2", "s3"):
        logs.append("fn", name, f"{name} line\n")
    logs.append("fn", "s1", "s1 again\n")

    logs.append("fn", "s4", "s4 line\n")

    assert sorted(s.name for s in logs.streams("fn")) == ["s1", "s3", "s4"]
    assert [e.message for e in logs.events("fn")] == ["s1 line\n", "s3 line\n",
                                                      "s1 again\n", "s4 line\n"]


def test_streams_are_bounded_across_groups() -> None:
    logs = LogStore(max_streams_per_group=10, max_streams=4)
    for index in range(20):
        logs.append(f"fn{index % 3}", f"stream-{index}", f"line {index}\n")

    kept = {f"fn{n}": sorted(s.name for s in logs.streams(f"fn{n}")) for n in range(3)}
    assert sum(map(len, kept.values())) == 4
    assert sorted(name for names in kept.values() for name in names) == sorted(
        f"stream-{index}" for index in range(16, 20))


def test_over_the_byte_budget_the_least_recently_written_streams_give_way() -> None:
    line = "x" * (999 - EVENT_OVERHEAD_BYTES) + "\n"  # 1,000 bytes with the event's overhead
    logs = LogStore(max_stored_bytes=100_000)
    for index in range(30):
        logs.append("old", "quiet", f"{index:03d}{line[3:]}")
    for index in range(200):
        logs.append("busy", "live", f"{index:03d}{line[3:]}")

    assert logs.streams("old") == [], "the quiet stream should have given way first"
    kept = [int(e.message[:3]) for e in logs.events("busy")]
    assert kept == list(range(200 - len(kept), 200))
    assert 90 <= len(kept) <= 105  # shed to 90% when over, checked every 5% that comes in


def queries(store: LogStore, retention: list[Any] | None = None) -> LogQueries:
    return LogQueries(store, "us-east-1", "123456789012",
                      lambda group, days: (retention if retention is not None else []).append(
                          (group, days)))


def messages(events: list[dict[str, Any]]) -> list[str]:
    return [e["message"].split()[0] for e in events]


def test_get_log_events_pages_both_ways(store: LogStore) -> None:
    logs = queries(store)
    group = {"logGroupName": "/aws/lambda/fn", "logStreamName": "stream-a"}
    tail = logs.get_log_events({**group, "limit": 2})
    assert messages(tail["events"]) == ["a3", "a4"]
    earlier = logs.get_log_events({**group, "limit": 2, "nextToken": tail["nextBackwardToken"]})
    assert messages(earlier["events"]) == ["a1", "a2"]
    head = logs.get_log_events({**group, "limit": 3, "startFromHead": True})
    assert messages(head["events"]) == ["a0", "a1", "a2"]
    rest = logs.get_log_events({**group, "nextToken": head["nextForwardToken"]})
    assert messages(rest["events"]) == ["a3", "a4"]
    done = logs.get_log_events({**group, "nextToken": rest["nextForwardToken"]})
    assert done["events"] == [] and done["nextForwardToken"] == rest["nextForwardToken"]
    store.append("fn", "stream-a", "a5 new\n")
    assert messages(logs.get_log_events({**group, "nextToken": done["nextForwardToken"]})
                    ["events"]) == ["a5"]


def test_filter_log_events_pages_with_a_token(store: LogStore) -> None:
    logs = queries(store)
    first = logs.filter_log_events({"logGroupName": "/aws/lambda/fn", "filterPattern": "ERROR",
                                    "limit": 2})
    assert messages(first["events"]) == ["a1", "a3"]
    second = logs.filter_log_events({"logGroupName": "/aws/lambda/fn",
                                     "filterPattern": "ERROR", "nextToken": first["nextToken"]})
    assert messages(second["events"]) == ["b0"]
    assert "nextToken" not in second
    only_b = logs.filter_log_events({"logGroupIdentifier":
                                     "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn",
                                     "logStreamNamePrefix": "stream-b"})
    assert [e["logStreamName"] for e in only_b["events"]] == ["stream-b"]


def test_describe_and_errors(store: LogStore) -> None:
    logs = queries(store)
    [group] = logs.describe_log_groups({"logGroupNamePrefix": "/aws/lambda/"})["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/fn"
    assert logs.describe_log_groups({"logGroupNamePrefix": "/other"})["logGroups"] == []
    newest_first = logs.describe_log_streams({"logGroupName": "/aws/lambda/fn",
                                              "orderBy": "LastEventTime", "descending": True,
                                              "limit": 1})
    assert [s["logStreamName"] for s in newest_first["logStreams"]] == ["stream-b"]
    assert newest_first["nextToken"] == "1"
    with pytest.raises(LogsResourceNotFound):
        logs.describe_log_streams({"logGroupName": "/aws/lambda/missing"})
    with pytest.raises(LogsResourceNotFound):
        logs.get_log_events({"logGroupName": "/aws/lambda/fn", "logStreamName": "nope"})
    with pytest.raises(LogsInvalidParameter):
        logs.filter_log_events({"logGroupName": "/aws/lambda/fn", "filterPattern": "{ $.a = 1 }"})
    with pytest.raises(LogsInvalidParameter):
        logs.put_retention_policy({"logGroupName": "/aws/lambda/fn", "retentionInDays": 2})


def test_retention_drops_old_events(store: LogStore) -> None:
    changes: list[Any] = []
    logs = queries(store, changes)
    old_stream = store.streams("fn")[0]
    for event in list(old_stream.events)[:2]:
        event.timestamp_ms -= 2 * 86_400_000
    logs.put_retention_policy({"logGroupName": "/aws/lambda/fn", "retentionInDays": 1})
    assert changes == [("/aws/lambda/fn", 1)]
    assert [e.message.split()[0] for e in store.events("fn")] == ["a2", "a3", "a4", "b0"]
    [group] = logs.describe_log_groups({})["logGroups"]
    assert group["retentionInDays"] == 1


def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_archive_restores_logs_and_keeps_the_newest(tmp_path: Path) -> None:
    archive = LogArchive(tmp_path / "logs.db", max_events_per_group=10)
    store = LogStore(on_append=archive.record)
    archive.restore_into(store)
    for index in range(25):
        store.append("fn", "stream", f"line {index}\n")
    archive.set_retention("/aws/lambda/fn", 30)
    archive.close()

    restored_archive = LogArchive(tmp_path / "logs.db", max_events_per_group=10)
    restored = LogStore(on_append=restored_archive.record)
    restored_archive.restore_into(restored)
    lines = [e.message for e in restored.events("fn")]
    assert lines[-1] == "line 24\n"
    assert 10 <= len(lines) <= 11  # trimmed to the cap, with its 10% margin
    [group] = restored.describe_groups()
    assert group.retention_days == 30
    restored.append("fn", "stream", "after restart\n")
    assert restored.events("fn")[-1].seq > restored.events("fn")[-2].seq
    restored_archive.close()


def test_a_burst_the_disk_cannot_keep_up_with_is_bounded_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What does not fit the archive's queue is left out of the copy on disk; the in-memory
    store and the order of what is written are untouched."""
    monkeypatch.setattr(log_persistence, "MAX_QUEUED_BYTES", 100 * 1024)
    archive = LogArchive(tmp_path / "logs.db")
    store = LogStore(on_append=archive.record)
    for index in range(300):  # the writer is not started yet: nothing leaves the queue
        store.append("fn", "stream", f"line {index:03d} {'x' * 1000}\n")
    archive.restore_into(LogStore())
    archive.close()

    assert len(store.events("fn")) == 300
    restored_archive = LogArchive(tmp_path / "logs.db")
    restored = LogStore()
    restored_archive.restore_into(restored)
    written = [int(e.message.split()[1]) for e in restored.events("fn")]
    assert written == list(range(len(written)))
    assert len(written) == 100 * 1024 // len(store.events("fn")[0].message)
    restored_archive.close()


# -- saved events ------------------------------------------------------------------------------

def test_saved_events_round_trip(tmp_path: Path) -> None:
    saved = SavedEvents(tmp_path / "events")
    saved.save("fn", "hello", {"a": 1})
    saved.save("fn", "other", [1, 2])
    saved.delete("fn", "other")
    assert SavedEvents(tmp_path / "events").list("fn") == {"hello": {"a": 1}}
    with pytest.raises(InvalidParameterValueException):
        saved.save("fn", "no spaces please", {})
    with pytest.raises(InvalidParameterValueException):
        saved.list("../escape")


# -- the wire: query protocol and routing ------------------------------------------------------

def query_request(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    model = cloudwatch_wire.service_model().operation_model(operation)
    return QuerySerializer().serialize_to_request(params, model)  # type: ignore[no-any-return]


def test_query_protocol_round_trip(recorded: MetricsRecorder) -> None:
    app = create_cloudwatch_app(MetricQueries(recorded), fallback=lambda e, s: [])
    request = query_request("GetMetricStatistics", {
        "Namespace": "AWS/Lambda", "MetricName": "Duration",
        "Dimensions": [{"Name": "FunctionName", "Value": "fn"}],
        "StartTime": START, "EndTime": START + timedelta(hours=1), "Period": 3600,
        "Statistics": ["Maximum"], "ExtendedStatistics": ["p50"],
    })
    response = Client(app).post("/", data=request["body"],
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    model = cloudwatch_wire.service_model().operation_model("GetMetricStatistics")
    parsed = QueryParser().parse({"body": response.data, "headers": dict(response.headers),
                                  "status_code": 200}, model.output_shape)
    [point] = parsed["Datapoints"]
    assert (point["Maximum"], point["ExtendedStatistics"]["p50"]) == (50, 30)
    assert point["Timestamp"] == START


def test_query_protocol_errors_are_xml(recorded: MetricsRecorder) -> None:
    app = create_cloudwatch_app(MetricQueries(recorded), fallback=lambda e, s: [])
    request = query_request("GetMetricStatistics", {
        "Namespace": "AWS/Lambda", "MetricName": "Duration", "StartTime": START,
        "EndTime": START + timedelta(hours=1), "Period": 7, "Statistics": ["Sum"]})
    response = Client(app).post("/", data=request["body"],
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"<Code>InvalidParameterValue</Code>" in response.data


def test_other_namespaces_go_to_the_fallback(recorded: MetricsRecorder) -> None:
    seen: list[bytes] = []

    def fallback(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"moto"]

    app = create_cloudwatch_app(MetricQueries(recorded), fallback)
    body = b'{"Namespace": "Custom", "MetricData": [{"MetricName": "x", "Value": 1}]}'
    response = Client(app).post("/", data=body, headers={
        "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData",
        "Content-Type": "application/x-amz-json-1.0"})
    assert response.data == b"moto" and seen == [body]


def test_gateway_routes_services_to_their_apps() -> None:
    def app_saying(word: bytes) -> Any:
        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            start_response("200 OK", [])
            return [word]
        return app

    dispatcher = ServiceDispatcher(app_saying(b"lambda"), "000000000000",
                                   services={"logs": app_saying(b"logs")})
    client = Client(dispatcher)

    def signed(service: str) -> dict[str, str]:
        return {"Authorization": f"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/"
                                 f"{service}/aws4_request, SignedHeaders=host, Signature=x"}

    assert client.post("/", headers=signed("logs")).data == b"logs"
    assert client.post("/", headers=signed("lambda")).data == b"lambda"
    assert client.get("/_simulator/ui").data == b"lambda"
