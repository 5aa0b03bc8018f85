"""CloudWatch Logs' JSON 1.1 protocol in front of the log queries: requests serialized and
answers parsed by botocore as boto3's `logs` client does, the operation chosen by
`X-Amz-Target`, and every failure answered in the error shape the SDKs read."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import pytest
from botocore.parsers import JSONParser
from botocore.serialize import JSONSerializer
from flask import Flask
from werkzeug.test import Client, TestResponse

from simulator.botocore_models import service_model
from simulator.observability.log_queries import LogQueries
from simulator.observability.log_store import GroupInfo, LogStore
from simulator.observability.logs_api import create_logs_app

GROUP = "/aws/lambda/fn"
STREAM = "2026/03/01/[$LATEST]0123456789abcdef"
JSON_11 = "application/x-amz-json-1.1"


@pytest.fixture
def retention_changes() -> list[tuple[str, int | None]]:
    return []


@pytest.fixture
def store() -> LogStore:
    store = LogStore()
    for line in ("START RequestId: 1", "hello", "END RequestId: 1"):
        store.append("fn", STREAM, line)
    return store


@pytest.fixture
def app(store: LogStore, retention_changes: list[tuple[str, int | None]]) -> Flask:
    queries = LogQueries(store, "us-east-1", "123456789012",
                         lambda group, days: retention_changes.append((group, days)))
    return create_logs_app(queries)


def post(app: Flask, target: str | None, body: bytes) -> TestResponse:
    headers = {"Content-Type": JSON_11}
    if target is not None:
        headers["X-Amz-Target"] = target
    return Client(app).post("/", data=body, headers=headers)


def call(app: Flask, operation: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """As boto3 calls: botocore's serializer and parser over the operation's model."""
    model = service_model("logs").operation_model(operation)
    request = JSONSerializer().serialize_to_request(params, model)
    response = Client(app).post("/", data=request["body"], headers=dict(request["headers"]))
    parsed = JSONParser().parse({"body": response.data, "headers": dict(response.headers),
                                 "status_code": response.status_code}, model.output_shape)
    return response.status_code, parsed


def error_of(response: TestResponse) -> tuple[int, str, str]:
    body = json.loads(response.data)
    return response.status_code, body["__type"], body["message"]


# -- the operations ---------------------------------------------------------------------------


def test_get_log_events_answers_what_boto3_parses(app: Flask) -> None:
    status, parsed = call(app, "GetLogEvents", {"logGroupName": GROUP, "logStreamName": STREAM,
                                                "startFromHead": True})

    assert status == 200
    assert [event["message"] for event in parsed["events"]] == \
        ["START RequestId: 1", "hello", "END RequestId: 1"]
    assert parsed["nextForwardToken"].startswith("f/")


@pytest.mark.parametrize(("operation", "params", "member"), [
    ("DescribeLogGroups", {}, "logGroups"),
    ("DescribeLogStreams", {"logGroupName": GROUP}, "logStreams"),
    ("GetLogEvents", {"logGroupName": GROUP, "logStreamName": STREAM}, "events"),
    ("FilterLogEvents", {"logGroupName": GROUP, "filterPattern": "hello"}, "events"),
])
def test_each_read_operation_is_routed_to_its_query(app: Flask, operation: str,
                                                    params: dict[str, Any], member: str) -> None:
    status, parsed = call(app, operation, params)

    assert status == 200 and parsed[member]


def test_retention_changes_are_routed_and_reported(
        app: Flask, retention_changes: list[tuple[str, int | None]]) -> None:
    put, _ = call(app, "PutRetentionPolicy", {"logGroupName": GROUP, "retentionInDays": 7})
    _, described = call(app, "DescribeLogGroups", {"logGroupNamePrefix": GROUP})
    deleted, _ = call(app, "DeleteRetentionPolicy", {"logGroupName": GROUP})

    assert (put, deleted) == (200, 200)
    assert described["logGroups"][0]["retentionInDays"] == 7
    assert retention_changes == [(GROUP, 7), (GROUP, None)]


def test_answers_are_json_1_1_with_a_fresh_request_id(app: Flask) -> None:
    first = post(app, "Logs_20140328.DescribeLogGroups", b"{}")
    second = post(app, "Logs_20140328.DescribeLogGroups", b"{}")

    assert first.status_code == 200
    assert first.headers["Content-Type"] == JSON_11
    ids = {first.headers["x-amzn-RequestId"], second.headers["x-amzn-RequestId"]}
    assert len(ids) == 2 and all(uuid.UUID(value) for value in ids)


def test_an_empty_body_is_an_empty_request(app: Flask) -> None:
    response = post(app, "Logs_20140328.DescribeLogGroups", b"")

    assert response.status_code == 200
    assert [group["logGroupName"] for group in json.loads(response.data)["logGroups"]] == [GROUP]


# -- errors -----------------------------------------------------------------------------------


def test_an_error_of_the_queries_is_its_aws_code_as_boto3_reads_it(app: Flask) -> None:
    model = service_model("logs").operation_model("GetLogEvents")
    request = JSONSerializer().serialize_to_request(
        {"logGroupName": GROUP, "logStreamName": "missing"}, model)

    response = Client(app).post("/", data=request["body"], headers=dict(request["headers"]))
    parsed = JSONParser().parse({"body": response.data, "headers": dict(response.headers),
                                 "status_code": response.status_code}, model.output_shape)

    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
    assert response.headers["Content-Type"] == JSON_11
    assert parsed["Error"] == {"Code": "ResourceNotFoundException",
                               "Message": "The specified log stream does not exist."}


def test_an_invalid_retention_is_refused_with_aws_wording(app: Flask) -> None:
    status, parsed = call(app, "PutRetentionPolicy", {"logGroupName": GROUP,
                                                      "retentionInDays": 2})

    assert status == 400
    assert parsed["Error"]["Code"] == "InvalidParameterException"
    assert parsed["Error"]["Message"].startswith(
        "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy")


@pytest.mark.parametrize(("target", "named"), [
    ("Logs_20140328.CreateLogGroup", "Logs_20140328.CreateLogGroup"),
    ("Logs_20140328.", "Logs_20140328."),
    ("GraniteServiceVersion20100801.DescribeLogGroups",
     "GraniteServiceVersion20100801.DescribeLogGroups"),
    (None, "(no X-Amz-Target)"),
])
def test_an_operation_not_served_is_unknown(app: Flask, target: str | None, named: str) -> None:
    response = post(app, target, b"{}")

    assert error_of(response) == (400, "UnknownOperationException",
                                  f"Unknown operation {named}")
    assert response.headers["x-amzn-errortype"] == "UnknownOperationException"


def test_a_body_that_is_not_json_is_an_invalid_parameter(app: Flask) -> None:
    status, code, message = error_of(post(app, "Logs_20140328.DescribeLogGroups", b"{nope"))

    assert (status, code) == (400, "InvalidParameterException")
    assert message.startswith("The request body is not JSON: ")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"3"])
def test_a_body_that_is_not_a_json_object_is_an_invalid_parameter(app: Flask,
                                                                  body: bytes) -> None:
    assert error_of(post(app, "Logs_20140328.DescribeLogGroups", body)) == (
        400, "InvalidParameterException", "The request body must be a JSON object.")


def test_a_request_that_is_not_a_post_gets_a_json_error(app: Flask) -> None:
    response = Client(app).get("/")

    assert response.headers["Content-Type"] == JSON_11
    status, code, _ = error_of(response)
    assert (status, code) == (405, "InvalidParameterException")


class BrokenStore(LogStore):
    def describe_groups(self) -> list[GroupInfo]:
        raise RuntimeError("disk on fire")


def test_an_internal_failure_is_a_logged_service_unavailable(
        caplog: pytest.LogCaptureFixture) -> None:
    app = create_logs_app(LogQueries(BrokenStore(), "us-east-1", "123456789012",
                                     lambda group, days: None))

    with caplog.at_level(logging.ERROR, logger="simulator.observability.logs_api"):
        response = post(app, "Logs_20140328.DescribeLogGroups", b"{}")

    assert error_of(response) == (500, "ServiceUnavailableException", "disk on fire")
    assert "unexpected error in Logs_20140328.DescribeLogGroups" in caplog.text
