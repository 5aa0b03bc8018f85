"""The query protocol against botocore's own serializer and parser: what boto3 sends parses
back to the input it was given, and what we write parses to the result we meant."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

from simulator.api.query_protocol import (
    MalformedQuery,
    parse_query,
    serialize_error,
    serialize_result,
)
from simulator.botocore_models import service_model

MODEL = service_model("cloudformation")
NAMESPACE = MODEL.metadata["xmlNamespace"]


def sent(operation: str, params: dict[str, Any]) -> dict[str, str]:
    """The form parameters boto3 would send."""
    request = QuerySerializer().serialize_to_request(params, MODEL.operation_model(operation))
    return {key: str(value) for key, value in request["body"].items()}


def parsed(operation: str, body: bytes, status: int = 200) -> dict[str, Any]:
    shape = MODEL.operation_model(operation).output_shape
    return dict(QueryParser().parse({"body": body, "headers": {}, "status_code": status}, shape))


def test_a_boto3_request_parses_back_to_its_input() -> None:
    params = {"StackName": "app", "TemplateBody": "{}", "DisableRollback": True,
              "TimeoutInMinutes": 5, "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
              "Parameters": [{"ParameterKey": "A", "ParameterValue": "1"},
                             {"ParameterKey": "B", "UsePreviousValue": True}],
              "Tags": [{"Key": "team", "Value": "x"}]}
    form = sent("CreateStack", params)
    assert form["Parameters.member.2.ParameterKey"] == "B"
    assert parse_query(form, MODEL.operation_model("CreateStack")) == params


def test_an_empty_list_and_absent_members() -> None:
    form = sent("UpdateStack", {"StackName": "app", "NotificationARNs": []})
    assert parse_query(form, MODEL.operation_model("UpdateStack")) == {
        "StackName": "app", "NotificationARNs": []}


def test_a_value_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(MalformedQuery, match="TimeoutInMinutes"):
        parse_query({"StackName": "a", "TimeoutInMinutes": "soon"},
                    MODEL.operation_model("CreateStack"))


def test_a_result_parses_as_botocore_reads_it() -> None:
    created = datetime.datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=datetime.UTC)
    result = {"Stacks": [{
        "StackId": "id", "StackName": "app", "CreationTime": created,
        "StackStatus": "CREATE_COMPLETE", "DisableRollback": False,
        "Parameters": [{"ParameterKey": "A", "ParameterValue": "<&>"}],
        "Outputs": [{"OutputKey": "O", "OutputValue": "v"}], "Capabilities": [],
        "LastUpdatedTime": "2024-05-06T07:08:10.000Z", "Description": None,
    }]}
    body = serialize_result(MODEL.operation_model("DescribeStacks"), result, "req-1", NAMESPACE)
    assert body.startswith(b'<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com'
                           b'/doc/2010-05-15/"><DescribeStacksResult>')
    answer = parsed("DescribeStacks", body)
    (stack,) = answer["Stacks"]
    assert stack["CreationTime"] == created
    assert stack["LastUpdatedTime"] == created.replace(second=10, microsecond=0)
    assert stack["Parameters"] == [{"ParameterKey": "A", "ParameterValue": "<&>"}]
    assert stack["DisableRollback"] is False
    assert "Description" not in stack
    assert answer["ResponseMetadata"]["RequestId"] == "req-1"


def test_an_error_parses_to_its_code_and_message() -> None:
    body = serialize_error("ValidationError", "Stack with id x does not exist", True, "req-2")
    answer = parsed("DescribeStacks", body, 400)
    assert answer["Error"] == {"Type": "Sender", "Code": "ValidationError",
                               "Message": "Stack with id x does not exist"}
