"""CloudWatch's two wire formats, both driven by botocore's model: requests read into values
with datetimes, answers written so that botocore's own parsers read them back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from botocore.parsers import create_parser

from simulator.observability import cloudwatch_wire as wire

START = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def input_shape(operation: str) -> Any:
    model = wire.operation_model(operation)
    assert model is not None
    return model.input_shape


def test_a_json_request_gets_its_timestamps_as_datetimes_in_any_form() -> None:
    body = {"Namespace": "AWS/Lambda", "MetricName": "Invocations", "Period": 60,
            "StartTime": START.timestamp(), "EndTime": "2026-12-06T13:00:00Z",
            "Statistics": ["Sum"], "Dimensions": [{"Name": "FunctionName", "Value": "fn"}]}

    read = wire.from_json(body, input_shape("GetMetricStatistics"))

    assert read["StartTime"] == START
    assert read["EndTime"] == datetime(2026, 12, 6, 13, 0, tzinfo=UTC)
    assert read["Dimensions"] == [{"Name": "FunctionName", "Value": "fn"}]
    assert read["Period"] == 60


def test_a_query_request_s_numbered_members_become_lists_and_structures() -> None:
    fields = {"Action": "GetMetricStatistics", "Namespace": "AWS/Lambda",
              "MetricName": "Errors", "Period": "300", "StartTime": "2026-12-06T12:00:00Z",
              "EndTime": "2026-12-06T13:00:00Z", "Statistics.member.1": "Sum",
              "Statistics.member.2": "Maximum", "Dimensions.member.1.Name": "FunctionName",
              "Dimensions.member.1.Value": "fn"}

    read = wire.from_query(fields, input_shape("GetMetricStatistics"))

    assert read["Statistics"] == ["Sum", "Maximum"]
    assert read["Dimensions"] == [{"Name": "FunctionName", "Value": "fn"}]
    assert read["Period"] == 300 and read["StartTime"] == START


def test_a_json_answer_gives_timestamps_as_epoch_seconds() -> None:
    answer = json.loads(wire.to_json({"Datapoints": [{"Timestamp": START, "Sum": 3.0}]}))
    assert answer == {"Datapoints": [{"Timestamp": START.timestamp(), "Sum": 3.0}]}


def test_an_xml_answer_is_what_botocore_s_query_parser_reads() -> None:
    operation = wire.operation_model("GetMetricStatistics")
    assert operation is not None
    result = {"Label": "Invocations", "Datapoints": [
        {"Timestamp": START, "Sum": 4.0, "Unit": "Count"}]}

    body = wire.to_xml(operation, result, "request-1")
    parsed = create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 200}, operation.output_shape)

    assert parsed["Label"] == "Invocations"
    assert parsed["Datapoints"] == [{"Timestamp": START, "Sum": 4.0, "Unit": "Count"}]
    assert b"<RequestId>request-1</RequestId>" in body


def test_an_xml_error_carries_its_code_message_and_who_is_at_fault() -> None:
    body = wire.error_xml("InvalidParameterValue", "Period must be 60", True, "request-2")
    parsed = create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 400}, None)
    assert parsed["Error"]["Code"] == "InvalidParameterValue"
    assert parsed["Error"]["Message"] == "Period must be 60"
    assert b"<Type>Sender</Type>" in body
    assert b"<Type>Receiver</Type>" in wire.error_xml("InternalFailure", "x", False, "r")


def test_an_operation_the_model_does_not_have_is_none() -> None:
    assert wire.operation_model("NoSuchOperation") is None
