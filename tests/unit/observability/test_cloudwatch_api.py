"""CloudWatch's query protocol on the wire: a round trip, errors as XML, and other namespaces
passed to the fallback."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer
from werkzeug.test import Client

from simulator.observability import cloudwatch_wire
from simulator.observability.cloudwatch_api import create_cloudwatch_app
from simulator.observability.metric_queries import MetricQueries
from simulator.observability.metrics import MetricsRecorder
from tests.unit.observability.recorded_invocations import START


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
