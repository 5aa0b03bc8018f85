"""What one simulator's observability is made of, put together: logs kept in the state folder
across a restart, an observer that feeds both metrics and the invocation history, saved test
events on disk, and the CloudWatch Logs and CloudWatch apps answering from the same data."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from simulator.config import Settings
from simulator.models import FunctionConfig
from simulator.observability import log_persistence
from simulator.observability.composition import Observability
from tests.unit.observability.recorded_invocations import result

GROUP = "/aws/lambda/fn"
STREAM = "2026/03/01/[$LATEST]0123456789abcdef"


@pytest.fixture(autouse=True)
def quick_log_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The log writer waits this long for more lines, and as long again when closing."""
    monkeypatch.setattr(log_persistence, "FLUSH_INTERVAL", 0.01)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(environ={}, port=0, state_dir=tmp_path)


@pytest.fixture
def open_observability(settings: Settings) -> Iterator[Callable[..., Observability]]:
    """Observability over the state folder, as a (re)started simulator makes it; each is
    closed after the test unless the test closed it."""
    opened: list[Observability] = []

    def make(busy: Callable[[str], int] = lambda name: 0) -> Observability:
        opened.append(Observability(settings, busy))
        return opened[-1]

    yield make
    for observability in opened:
        observability.close()


def logs_call(observability: Observability, operation: str, body: dict[str, Any]
              ) -> dict[str, Any]:
    app = observability.service_apps(fallback=unreachable)["logs"]
    response = Client(app).post("/", data=json.dumps(body), headers={
        "X-Amz-Target": f"Logs_20140328.{operation}",
        "Content-Type": "application/x-amz-json-1.1"})
    assert response.status_code == 200, response.data
    return json.loads(response.data)  # type: ignore[no-any-return]


def unreachable(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    raise AssertionError("the fallback was not expected to be called")


# -- logs -------------------------------------------------------------------------------------


def test_function_logs_survive_a_restart_and_new_lines_follow_them(
        open_observability: Callable[..., Observability]) -> None:
    before = open_observability()
    before.logs.append("fn", STREAM, "first")
    before.logs.append("fn", STREAM, "second")
    before.close()

    after = open_observability()
    after.logs.append("fn", STREAM, "third")

    events = after.logs.events("fn")
    assert [event.message for event in events] == ["first", "second", "third"]
    assert events[0].seq < events[1].seq < events[2].seq


def test_the_logs_app_reads_the_simulators_own_log_store(
        open_observability: Callable[..., Observability], settings: Settings) -> None:
    observability = open_observability()
    observability.logs.append("fn", STREAM, "hello from fn")

    groups = logs_call(observability, "DescribeLogGroups", {})
    events = logs_call(observability, "GetLogEvents", {
        "logGroupName": GROUP, "logStreamName": STREAM, "startFromHead": True})

    assert [group["logGroupName"] for group in groups["logGroups"]] == [GROUP]
    assert groups["logGroups"][0]["arn"] == \
        f"arn:aws:logs:{settings.region}:{settings.account_id}:log-group:{GROUP}:*"
    assert [event["message"] for event in events["events"]] == ["hello from fn"]


def test_a_retention_set_through_the_api_is_kept_across_a_restart(
        open_observability: Callable[..., Observability], settings: Settings) -> None:
    before = open_observability()
    before.logs.append("fn", STREAM, "line")
    logs_call(before, "PutRetentionPolicy", {"logGroupName": GROUP, "retentionInDays": 14})
    before.close()

    after = open_observability()
    [group] = logs_call(after, "DescribeLogGroups", {})["logGroups"]

    assert group["retentionInDays"] == 14
    assert group["logGroupArn"] == \
        f"arn:aws:logs:{settings.region}:{settings.account_id}:log-group:{GROUP}"


# -- metrics and history ----------------------------------------------------------------------


def test_the_observer_feeds_metrics_and_history_alike(
        open_observability: Callable[..., Observability]) -> None:
    observability = open_observability()

    observability.observer.record("fn", result(12, cold=True), throttled=False)
    observability.observer.record("fn", result(30, failed=True), throttled=False)
    observability.observer.record("fn", None, throttled=True)

    totals = observability.metrics.totals()["fn"]
    assert (totals.invocations, totals.errors, totals.cold_starts, totals.throttles) == \
        (2, 1, 1, 1)
    assert [record.status for record in observability.history.recent("fn")] == \
        ["Throttled", "Error", "Success"]


def test_the_observer_feeds_the_cost_meter_with_each_functions_configuration(
        settings: Settings) -> None:
    function = FunctionConfig(name="fn", runtime="python3.12", role="role",
                              handler="app.handler", code_sha256="", code_size=0,
                              memory_size=512)
    observability = Observability(settings, busy=lambda name: 0,
                                  configuration={"fn": function}.get)
    try:
        observability.observer.record("fn", result(99.5), throttled=False)
        observability.observer.record("fn", None, throttled=True)

        [cost] = observability.cost.bill().functions
    finally:
        observability.close()
    assert (cost.usage.requests, cost.usage.memory_mb) == (1, 512)
    assert cost.usage.gb_seconds == pytest.approx(0.1 * 0.5)
    assert observability.cost.prices.region == settings.region


def test_concurrent_executions_count_the_pools_busy_environments(
        open_observability: Callable[..., Observability]) -> None:
    busy = {"fn": 4}
    observability = open_observability(busy=lambda name: busy[name])

    observability.observer.record("fn", result(5), throttled=False)

    [minute] = observability.metrics.minutes(
        "ConcurrentExecutions", "fn", 0, float("inf")).values()
    assert minute.statistic("Maximum") == 5  # four still busy, plus the one that finished


def test_the_monitoring_app_answers_lambda_metrics_and_forwards_the_rest(
        open_observability: Callable[..., Observability]) -> None:
    observability = open_observability()
    observability.observer.record("fn", result(5), throttled=False)
    forwarded: list[bytes] = []

    def moto(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        forwarded.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "application/x-amz-json-1.0")])
        return [b"{}"]

    app = observability.service_apps(fallback=moto)["monitoring"]
    client = Client(app)
    headers = {"Content-Type": "application/x-amz-json-1.0"}
    listed = client.post("/", data=json.dumps({"Namespace": "AWS/Lambda",
                                               "MetricName": "Invocations"}),
                         headers={**headers, "X-Amz-Target":
                                  "GraniteServiceVersion20100801.ListMetrics"})
    custom = json.dumps({"Namespace": "Shop", "MetricData": [{"MetricName": "Orders",
                                                              "Value": 1}]}).encode()
    client.post("/", data=custom, headers={
        **headers, "X-Amz-Target": "GraniteServiceVersion20100801.PutMetricData"})

    dimensions = [metric["Dimensions"] for metric in json.loads(listed.data)["Metrics"]]
    assert [{"Name": "FunctionName", "Value": "fn"}] in dimensions
    assert forwarded == [custom]


# -- saved test events ------------------------------------------------------------------------


def test_saved_test_events_live_in_the_state_folder_and_outlive_a_restart(
        open_observability: Callable[..., Observability], settings: Settings) -> None:
    before = open_observability()
    before.saved_events.save("fn", "order-placed", {"order": 7})
    before.close()

    after = open_observability()

    assert after.saved_events.list("fn") == {"order-placed": {"order": 7}}
    assert (settings.state_dir / "test-events" / "fn.json").exists()
