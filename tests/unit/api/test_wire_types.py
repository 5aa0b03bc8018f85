"""Request bodies checked against botocore's Lambda model: a member of the wrong JSON type is
AWS's ValidationException, worded as AWS words it; everything else (missing members, ranges,
unknown members) is left to the operations."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore import xform_name
from botocore.serialize import create_serializer

from simulator.api.wire_types import check_body_types
from simulator.botocore_models import service_model
from simulator.errors import ValidationException


def refusal(operation: str, body: dict[str, Any]) -> str:
    with pytest.raises(ValidationException) as raised:
        check_body_types(operation, body)
    assert raised.value.status == 400
    return raised.value.message


def test_a_member_of_the_wrong_type_is_named_with_the_type_it_must_have() -> None:
    assert refusal("create_function", {"FunctionName": {"a": 1}}) == (
        "1 validation error detected: Value at 'FunctionName' failed to satisfy constraint: "
        "Member must be of type str")


def test_a_null_where_a_value_belongs_is_the_wrong_type() -> None:
    assert "Value at 'FunctionName'" in refusal("create_function", {"FunctionName": None})


def test_every_wrong_member_is_counted_and_listed_in_the_order_of_the_body() -> None:
    message = refusal("create_function", {"MemorySize": "128", "Publish": "yes", "Timeout": 3.5})

    assert message == (
        "3 validation errors detected: "
        "Value at 'MemorySize' failed to satisfy constraint: Member must be of type int; "
        "Value at 'Publish' failed to satisfy constraint: Member must be of type bool; "
        "Value at 'Timeout' failed to satisfy constraint: Member must be of type int")


@pytest.mark.parametrize(("operation", "body", "where", "expected"), [
    ("create_function", {"Environment": {"Variables": {"A": 1}}},
     "Environment.Variables.A", "str"),
    ("create_function", {"Environment": {"Variables": ["A=1"]}}, "Environment.Variables", "dict"),
    ("create_function", {"Layers": [7]}, "Layers[0]", "str"),
    ("create_function", {"Layers": "arn:aws:lambda:us-east-1:1:layer:l:1"}, "Layers",
     "list/tuple"),
    ("tag_resource", {"Tags": {"team": 5}}, "Tags.team", "str"),
    ("update_alias", {"RoutingConfig": {"AdditionalVersionWeights": {"2": "0.5"}}},
     "RoutingConfig.AdditionalVersionWeights.2", "decimal.Decimal/float/int"),
])
def test_a_nested_member_is_named_by_its_path(operation: str, body: dict[str, Any], where: str,
                                              expected: str) -> None:
    assert refusal(operation, body) == (
        f"1 validation error detected: Value at '{where}' failed to satisfy constraint: "
        f"Member must be of type {expected}")


@pytest.mark.parametrize("body", [
    {},  # missing required members: the operation says which, in its own words
    {"FunctionName": "fn", "NotAMember": {"x": 1}},  # unknown members are ignored, as on AWS
    {"FunctionName": "fn", "MemorySize": 1, "Timeout": 100000},  # ranges are the operation's
    {"FunctionName": "x" * 500},  # lengths too
])
def test_only_types_are_checked(body: dict[str, Any]) -> None:
    check_body_types("create_function", body)


def test_a_route_that_is_not_an_operation_or_has_no_body_is_not_checked() -> None:
    check_body_types("fire_schedule", {"FunctionName": {"a": 1}})
    check_body_types("get_account_settings", {"FunctionName": {"a": 1}})


def serialized(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The JSON body boto3 sends for `params`: blobs in base64, timestamps as epoch numbers."""
    model = service_model("lambda").operation_model(operation)
    request = create_serializer("rest-json").serialize_to_request(params, model)
    body: dict[str, Any] = json.loads(request["body"] or b"{}")
    return body


@pytest.mark.parametrize(("operation", "params"), [
    ("CreateFunction", {"FunctionName": "fn", "Role": "r", "Code": {"ZipFile": b"PK\x03\x04"},
                        "Timeout": 3, "Publish": True,
                        "Environment": {"Variables": {"A": "b"}}}),
    ("CreateEventSourceMapping", {
        "FunctionName": "fn", "EventSourceArn": "arn:aws:kinesis:us-east-1:1:stream/s",
        "StartingPosition": "AT_TIMESTAMP",
        "StartingPositionTimestamp": datetime(2024, 1, 1, tzinfo=UTC), "BatchSize": 5,
        "FilterCriteria": {"Filters": [{"Pattern": "{}"}]}}),
    ("PublishLayerVersion", {"LayerName": "l", "Content": {"ZipFile": b"zip"},
                             "CompatibleRuntimes": ["python3.12"]}),
    ("UpdateAlias", {"FunctionName": "fn", "Name": "live",
                     "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.25}}}),
    ("PutFunctionEventInvokeConfig", {
        "FunctionName": "fn", "MaximumRetryAttempts": 1,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:q"}}}),
])
def test_what_boto3_sends_passes(operation: str, params: dict[str, Any]) -> None:
    body = serialized(operation, params)
    assert body  # the body has members to check

    check_body_types(xform_name(operation), body)  # the route function's name


def test_a_whole_number_where_a_double_belongs_and_an_iso_timestamp_pass() -> None:
    check_body_types("update_alias", {"RoutingConfig": {"AdditionalVersionWeights": {"2": 1}}})
    check_body_types("create_event_source_mapping",
                     {"StartingPositionTimestamp": "2024-01-01T00:00:00Z"})
    assert "timestamp-string" in refusal("create_event_source_mapping",
                                         {"StartingPositionTimestamp": "yesterday"})

