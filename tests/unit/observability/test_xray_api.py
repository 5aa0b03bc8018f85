"""X-Ray's rest-json API in front of the trace store: requests serialized and answers parsed
by botocore over the `xray` model, as boto3 and the AWS CLI do, and once through a real boto3
client over HTTP."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.parsers import RestJSONParser
from botocore.serialize import RestJSONSerializer
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.test import Client, TestResponse

from simulator.botocore_models import service_model
from simulator.observability import xray_api
from simulator.observability.trace_store import TraceStore
from simulator.observability.xray_api import create_xray_app

TRACE = "1-58406520-a006649127e371903a2de979"
OTHER_TRACE = "1-58406521-b006649127e371903a2de979"


def document(id_: str, trace_id: str = TRACE, start: float = 100.0, end: float = 101.0,
             **fields: Any) -> dict[str, Any]:
    return {"name": "fn", "id": id_, "trace_id": trace_id, "start_time": start,
            "end_time": end, **fields}


@pytest.fixture
def store() -> TraceStore:
    return TraceStore()


@pytest.fixture
def app(store: TraceStore) -> Flask:
    return create_xray_app(store)


def call(app: Flask, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """As boto3 calls: botocore's serializer and parser over the operation's model."""
    model = service_model("xray").operation_model(operation)
    request = RestJSONSerializer().serialize_to_request(params, model)
    response = Client(app).open(request["url_path"], method=request["method"],
                                data=request["body"], headers=dict(request["headers"]))
    headers = {name.lower(): value for name, value in response.headers.items()}  # as HTTP's
    parsed = RestJSONParser().parse({"body": response.data, "headers": headers,
                                     "status_code": response.status_code}, model.output_shape)
    return response.status_code, parsed


def put(app: Flask, *documents: dict[str, Any]) -> dict[str, Any]:
    status, parsed = call(app, "PutTraceSegments",
                          {"TraceSegmentDocuments": [json.dumps(item) for item in documents]})
    assert status == 200
    return parsed


def lambda_trace(app: Flask, trace_id: str = TRACE, start: float = 100.0) -> None:
    put(app,
        document("aaaaaaaaaaaaaaaa", trace_id, start, start + 1, origin="AWS::Lambda"),
        document("bbbbbbbbbbbbbbbb", trace_id, start + 0.1, start + 0.9,
                 origin="AWS::Lambda::Function", parent_id="aaaaaaaaaaaaaaaa",
                 subsegments=[{"name": "Invocation", "id": "cccccccccccccccc",
                               "start_time": start + 0.2, "end_time": start + 0.8}]),
        {"type": "subsegment", "name": "## handler", "id": "dddddddddddddddd",
         "trace_id": trace_id, "parent_id": "cccccccccccccccc", "start_time": start + 0.3,
         "end_time": start + 0.7, "annotations": {"tenant": "acme"}})


# -- PutTraceSegments -------------------------------------------------------------------------


def test_put_trace_segments_keeps_valid_documents_and_names_the_refused(
        app: Flask, store: TraceStore) -> None:
    broken = document("bbbbbbbbbbbbbbbb")
    del broken["end_time"]
    status, parsed = call(app, "PutTraceSegments", {"TraceSegmentDocuments": [
        json.dumps(document("aaaaaaaaaaaaaaaa")), json.dumps(broken), "{not json", "[]"]})

    assert status == 200
    assert parsed["UnprocessedTraceSegments"] == [
        {"Id": "bbbbbbbbbbbbbbbb", "ErrorCode": "MissingEndTime",
         "Message": "Invalid segment. ErrorCode: MissingEndTime, Cause: null"},
        {"ErrorCode": "InvalidJson",
         "Message": "Invalid segment. ErrorCode: InvalidJson, Cause: null"},
        {"ErrorCode": "MissingId", "Message": "Invalid segment. ErrorCode: MissingId, Cause: null"},
    ]
    assert store.recent_trace_ids() == [TRACE]


def test_put_trace_segments_without_documents_is_an_invalid_request(app: Flask) -> None:
    response = Client(app).post("/TraceSegments", data=b"{}")

    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert json.loads(response.data) == {"Message": "TraceSegmentDocuments is required."}


# -- GetTraceSummaries ------------------------------------------------------------------------


def test_get_trace_summaries_answers_what_boto3_parses(app: Flask) -> None:
    lambda_trace(app)

    status, parsed = call(app, "GetTraceSummaries", {"StartTime": 0, "EndTime": 1e10})

    assert status == 200
    [summary] = parsed["TraceSummaries"]
    assert summary["Id"] == TRACE
    assert summary["Duration"] == pytest.approx(1.0)
    assert summary["ResponseTime"] == pytest.approx(1.0)
    assert summary["StartTime"].timestamp() == 100.0
    assert summary["EntryPoint"] == {"Name": "fn", "Names": ["fn"], "Type": "AWS::Lambda"}
    assert summary["Annotations"]["tenant"][0]["AnnotationValue"] == {"StringValue": "acme"}
    assert parsed["TracesProcessedCount"] == 1
    assert "NextToken" not in parsed


def test_a_filter_expression_narrows_the_summaries_and_the_count_does_not(app: Flask) -> None:
    lambda_trace(app)
    put(app, document("eeeeeeeeeeeeeeee", OTHER_TRACE, name="other"))

    _, parsed = call(app, "GetTraceSummaries", {
        "StartTime": 0, "EndTime": 1e10, "FilterExpression": 'service("other")',
        "TimeRangeType": "Service", "Sampling": True})

    assert [summary["Id"] for summary in parsed["TraceSummaries"]] == [OTHER_TRACE]
    assert parsed["TracesProcessedCount"] == 2


@pytest.mark.parametrize(("params", "message"), [
    ({"StartTime": 0, "EndTime": 10, "FilterExpression": "edge(\"a\", \"b\")"},
     "unsupported keyword 'edge'"),
    ({"StartTime": 10, "EndTime": 0}, "StartTime must not be after EndTime."),
    ({"StartTime": 0, "EndTime": 10, "TimeRangeType": "Sometime"}, "enum value set"),
    ({"StartTime": 0, "EndTime": 10, "NextToken": "garbage"}, "Invalid NextToken"),
])
def test_a_bad_summary_request_is_an_invalid_request_never_a_500(
        app: Flask, params: dict[str, Any], message: str) -> None:
    status, parsed = call(app, "GetTraceSummaries", params)

    assert status == 400
    assert parsed["Error"]["Code"] == "InvalidRequestException"
    assert message in parsed["Error"]["Message"]


def test_summaries_come_in_pages_that_continue_where_the_last_stopped(
        app: Flask, store: TraceStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xray_api, "SUMMARIES_PAGE_SIZE", 2)
    ids = [f"1-58406520-{number:024x}" for number in range(5)]
    for number, trace_id in enumerate(ids):
        store.add(document("aaaaaaaaaaaaaaaa", trace_id, start=100.0 + number))

    seen: list[str] = []
    token: str | None = None
    for _ in range(3):
        params: dict[str, Any] = {"StartTime": 0, "EndTime": 1e10}
        if token is not None:
            params["NextToken"] = token
        _, parsed = call(app, "GetTraceSummaries", params)
        seen += [summary["Id"] for summary in parsed["TraceSummaries"]]
        token = parsed.get("NextToken")
        store.add(document("aaaaaaaaaaaaaaaa", f"1-58406520-{99:024x}", start=500.0))  # newer

    assert seen == list(reversed(ids))
    assert token is None


def test_timestamps_may_come_as_iso_8601_strings(app: Flask, store: TraceStore) -> None:
    store.add(document("aaaaaaaaaaaaaaaa", start=1_700_000_000.0, end=1_700_000_001.0))

    response = Client(app).post("/TraceSummaries", data=json.dumps(
        {"StartTime": "2023-11-14T22:00:00Z", "EndTime": "2023-11-14T23:00:00+00:00"}))

    assert [summary["Id"] for summary in json.loads(response.data)["TraceSummaries"]] == [TRACE]


# -- BatchGetTraces ---------------------------------------------------------------------------


def test_batch_get_traces_answers_the_assembled_segments_and_the_unknown_ids(app: Flask) -> None:
    lambda_trace(app)

    status, parsed = call(app, "BatchGetTraces", {"TraceIds": [TRACE, OTHER_TRACE]})

    assert status == 200
    [trace] = parsed["Traces"]
    assert trace["Id"] == TRACE and trace["LimitExceeded"] is False
    function = json.loads(trace["Segments"][1]["Document"])
    assert function["subsegments"][0]["subsegments"][0]["name"] == "## handler"
    assert parsed["UnprocessedTraceIds"] == [OTHER_TRACE]


@pytest.mark.parametrize("count", [0, 6])
def test_batch_get_traces_takes_one_to_five_ids(app: Flask, count: int) -> None:
    status, parsed = call(app, "BatchGetTraces", {"TraceIds": [TRACE] * count})

    assert status == 400
    assert parsed["Error"]["Code"] == "InvalidRequestException"
    assert "length between 1 and 5" in parsed["Error"]["Message"]


# -- the graphs, telemetry --------------------------------------------------------------------


def test_the_trace_graph_has_a_service_per_name_and_origin_and_an_edge_per_call(
        app: Flask) -> None:
    lambda_trace(app)

    status, parsed = call(app, "GetTraceGraph", {"TraceIds": [TRACE]})

    assert status == 200
    lambda_service, function = parsed["Services"]
    assert (lambda_service["Type"], function["Type"]) == ("AWS::Lambda", "AWS::Lambda::Function")
    assert (lambda_service["Root"], function["Root"]) == (True, False)
    assert [edge["ReferenceId"] for edge in lambda_service["Edges"]] == [function["ReferenceId"]]
    assert function["Edges"] == []
    assert lambda_service["SummaryStatistics"]["OkCount"] == 1
    assert lambda_service["SummaryStatistics"]["TotalResponseTime"] == pytest.approx(1.0)
    assert lambda_service["Edges"][0]["SummaryStatistics"]["TotalCount"] == 1


def test_the_service_graph_counts_outcomes_over_the_time_range(app: Flask) -> None:
    lambda_trace(app)
    put(app,
        document("aaaaaaaaaaaaaaaa", OTHER_TRACE, origin="AWS::Lambda", fault=True),
        document("eeeeeeeeeeeeeeee", "1-58406522-c006649127e371903a2de979",
                 origin="AWS::Lambda", error=True, throttle=True),
        document("ffffffffffffffff", "1-58406523-d006649127e371903a2de979", start=900.0,
                 end=901.0, origin="AWS::Lambda"))

    status, parsed = call(app, "GetServiceGraph", {"StartTime": 0, "EndTime": 500})

    assert status == 200
    statistics = parsed["Services"][0]["SummaryStatistics"]
    assert statistics == {
        "OkCount": 1,
        "ErrorStatistics": {"ThrottleCount": 1, "OtherCount": 0, "TotalCount": 1},
        "FaultStatistics": {"OtherCount": 1, "TotalCount": 1},
        "TotalCount": 3,
        "TotalResponseTime": pytest.approx(3.0),
    }
    assert parsed["Services"][0]["DurationHistogram"] == [{"Value": 1.0, "Count": 3}]
    assert parsed["StartTime"].timestamp() == 0


def test_telemetry_records_are_taken_and_dropped(app: Flask) -> None:
    status, parsed = call(app, "PutTelemetryRecords", {"TelemetryRecords": [
        {"Timestamp": 1, "SegmentsReceivedCount": 3}]})

    assert status == 200
    assert set(parsed) == {"ResponseMetadata"}  # an empty answer
    assert parsed["ResponseMetadata"]["RequestId"]


# -- the wire ---------------------------------------------------------------------------------


def test_an_operation_it_does_not_serve_is_unknown(app: Flask) -> None:
    response = Client(app).post("/GetSamplingRules", data=b"{}")

    assert response.status_code == 404
    assert response.headers["x-amzn-ErrorType"] == "UnknownOperationException"


@pytest.mark.parametrize("body", [b"{nope", b"[1]"])
def test_a_body_that_is_not_a_json_object_is_an_invalid_request(app: Flask,
                                                                  body: bytes) -> None:
    response: TestResponse = Client(app).post("/Traces", data=body)

    assert response.status_code == 400
    assert response.headers["x-amzn-ErrorType"] == "InvalidRequestException"
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["x-amzn-RequestId"]


# -- a real boto3 client over HTTP ------------------------------------------------------------


@pytest.fixture
def endpoint(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_boto3_puts_finds_and_reads_a_trace(endpoint: str) -> None:
    client = boto3.client("xray", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    now = time.time()
    trace_id = f"1-{int(now):08x}-{'ab' * 12}"
    segment = document("aaaaaaaaaaaaaaaa", trace_id, now, now + 0.25, origin="AWS::Lambda")

    sent = client.put_trace_segments(TraceSegmentDocuments=[json.dumps(segment)])
    summaries = client.get_trace_summaries(StartTime=now - 60, EndTime=now + 60)
    traces = client.batch_get_traces(TraceIds=[trace_id])

    assert sent["UnprocessedTraceSegments"] == []
    assert [summary["Id"] for summary in summaries["TraceSummaries"]] == [trace_id]
    assert json.loads(traces["Traces"][0]["Segments"][0]["Document"]) == segment
    with pytest.raises(client.exceptions.InvalidRequestException):
        client.get_trace_summaries(StartTime=now - 60, EndTime=now + 60,
                                   FilterExpression="edge(1)")
