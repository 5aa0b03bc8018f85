"""Lambda's event filtering grammar, case by case, with the examples of AWS's documentation
(Lambda's "Control which events Lambda sends to your function" and EventBridge's comparison
operators), the SQS `body` rules, and the errors CreateEventSourceMapping answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simulator.errors import InvalidParameterValueException, ValidationException
from simulator.events.filter_criteria import FilterCriteria, parse_filter_criteria


def matches(pattern: dict[str, Any] | str, record: dict[str, Any],
            data_key: str | None = None) -> bool:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return FilterCriteria.of([text]).matches(record, data_key)


def criteria(*patterns: str) -> dict[str, Any]:
    return {"Filters": [{"Pattern": pattern} for pattern in patterns]}


# -- the comparison operators of AWS's table --------------------------------------------------


@pytest.mark.parametrize(("rule", "matching", "other"), [
    # Null: UserID is null (an absent field is not null)
    ({"UserID": [None]}, {"UserID": None}, {}),
    # Empty: LastName is empty
    ({"LastName": [""]}, {"LastName": ""}, {"LastName": "Doe"}),
    # Equals: Name is "Alice", character by character
    ({"Name": ["Alice"]}, {"Name": "Alice"}, {"Name": "alice"}),
    # Equals (ignore case)
    ({"Name": [{"equals-ignore-case": "alice"}]}, {"Name": "ALICE"}, {"Name": "Alicia"}),
    # And: Location is "New York" and Day is "Monday"
    ({"Location": ["New York"], "Day": ["Monday"]}, {"Location": "New York", "Day": "Monday"},
     {"Location": "New York", "Day": "Tuesday"}),
    # Or: PaymentType is "Credit" or "Debit"
    ({"PaymentType": ["Credit", "Debit"]}, {"PaymentType": "Debit"}, {"PaymentType": "Cash"}),
    # Or (multiple fields): Location is "New York", or Day is "Monday"
    ({"$or": [{"Location": ["New York"]}, {"Day": ["Monday"]}]},
     {"Location": "Paris", "Day": "Monday"}, {"Location": "Paris", "Day": "Sunday"}),
    # Not: Weather is anything but "Raining"
    ({"Weather": [{"anything-but": ["Raining"]}]}, {"Weather": "Sunny"}, {"Weather": "Raining"}),
    # Numeric (equals): Price is 100
    ({"Price": [{"numeric": ["=", 100]}]}, {"Price": 100.0}, {"Price": 101}),
    # Numeric (range): Price is more than 10, and less than or equal to 20
    ({"Price": [{"numeric": [">", 10, "<=", 20]}]}, {"Price": 20}, {"Price": 10}),
    # Exists: ProductName exists
    ({"ProductName": [{"exists": True}]}, {"ProductName": "x"}, {"Other": "x"}),
    # Does not exist
    ({"ProductName": [{"exists": False}]}, {"Other": "x"}, {"ProductName": "x"}),
    # Begins with: Region is in the US
    ({"Region": [{"prefix": "us-"}]}, {"Region": "us-east-1"}, {"Region": "eu-west-1"}),
    # Ends with: FileName ends with a .png extension
    ({"FileName": [{"suffix": ".png"}]}, {"FileName": "cat.png"}, {"FileName": "cat.jpg"}),
])
def test_the_documented_operators(rule: dict[str, Any], matching: dict[str, Any],
                                  other: dict[str, Any]) -> None:
    assert matches(rule, matching)
    assert not matches(rule, other)


@pytest.mark.parametrize(("rule", "matching", "other"), [
    ({"Region": [{"anything-but": {"prefix": "us-"}}]}, "eu-west-1", "us-east-1"),
    ({"FileName": [{"anything-but": {"suffix": ".png"}}]}, "cat.jpg", "cat.png"),
    ({"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]}, "running",
     "INITIALIZING"),
    ({"state": [{"anything-but": {"equals-ignore-case": ["a", "b"]}}]}, "c", "B"),
    ({"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]}, "dir/src/file", "dir/lib/file"),
    ({"service": [{"prefix": {"equals-ignore-case": "eventb"}}]}, "EventBridge", "Lambda"),
    ({"service": [{"suffix": {"equals-ignore-case": "tbridge"}}]}, "EVENTBRIDGE", "Lambda"),
    ({"EventBusArn": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]},
     "arn:aws:events:us-east-1:123456789012:event-bus/orders", "arn:aws:events:eu-west-1:1:x"),
    ({"name": [{"wildcard": "a\\*b"}]}, "a*b", "axxb"),
    ({"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}, "10.0.0.17", "10.0.1.17"),
    ({"state": [{"anything-but": "initializing"}]}, "running", "initializing"),
    ({"x-limit": [{"anything-but": [100, 200, 300]}]}, 150, 200),
])
def test_eventbridge_operators_lambda_shares(rule: dict[str, Any], matching: Any,
                                             other: Any) -> None:
    [field] = rule
    assert matches(rule, {field: matching})
    assert not matches(rule, {field: other})


def test_numbers_match_exactly_by_how_they_are_written() -> None:
    """"For numbers, Lambda also uses string representation. For example, 300, 300.0, and 3.0e2
    are not considered equal." The numeric operator compares values."""
    body = '{"amount": 300.0}'

    assert matches({"body": {"amount": [300.0]}}, {"body": body}, "body")
    assert not matches('{"body": {"amount": [300]}}', {"body": body}, "body")
    assert not matches('{"body": {"amount": [3.0e2]}}', {"body": body}, "body")
    assert matches('{"body": {"amount": [{"numeric": ["=", 3.0e2]}]}}', {"body": body}, "body")


@pytest.mark.parametrize(("rule", "value"), [
    (["1"], 1),  # a string does not equal a number
    ([1], "1"),
    ([True], 1),
    ([None], ""),
    ([{"numeric": [">", 0]}], "5"),  # numeric matching needs a JSON number
    ([{"prefix": "1"}], 12),
    ([{"anything-but": ["x"]}], {"nested": "object"}),  # an object is not a value
])
def test_values_of_another_type_do_not_match(rule: list[Any], value: Any) -> None:
    assert not matches({"field": rule}, {"field": value})


def test_booleans_match_booleans() -> None:
    assert matches({"done": [True]}, {"done": True})
    assert not matches({"done": [True]}, {"done": False})


def test_an_array_in_the_event_matches_when_any_element_does() -> None:
    pattern = {"tire_pressure": [{"numeric": ["<", 32]}]}

    assert matches(pattern, {"tire_pressure": [41, 40, 31, 41]})
    assert not matches(pattern, {"tire_pressure": [41, 40, 33, 41]})
    assert not matches(pattern, {"tire_pressure": []})
    assert matches({"tags": ["b"]}, {"tags": ["a", "b"]})


def test_anything_but_needs_the_field() -> None:
    assert not matches({"state": [{"anything-but": "initializing"}]}, {})


def test_nested_keys_match_into_objects_and_arrays_of_objects() -> None:
    """AWS's multi-level example: a DynamoDB record whose Keys.Id.N is 101."""
    pattern = {"dynamodb": {"Keys": {"Id": {"N": ["101"]}}}}
    record = {"dynamodb": {"Keys": {"Id": {"N": "101"}}, "NewImage": {"Message": {"S": "hi"}}}}

    assert matches(pattern, record)
    assert not matches(pattern, {"dynamodb": {"Keys": {"Id": {"N": "102"}}}})
    assert not matches(pattern, {"dynamodb": {"Keys": "101"}})
    items = {"order": {"items": [{"sku": "a"}, {"sku": "b"}]}}
    assert matches({"order": {"items": {"sku": ["b"]}}}, items)
    assert not matches({"order": {"items": {"sku": ["c"]}}}, items)


def test_exists_looks_at_leaves_only() -> None:
    """EventBridge: exists works on leaf nodes; an object in the field's place does not
    exist as a value, and a field under an absent object does not exist either."""
    pattern = {"detail": {"c-count": [{"exists": False}]}}

    assert matches(pattern, {"detail": {"state": "running"}})
    assert matches(pattern, {"detail": {"c-count": {"c1": 100}}})
    assert matches(pattern, {})
    assert not matches(pattern, {"detail": {"c-count": 5}})
    assert matches({"x": [{"exists": True}]}, {"x": None})


def test_or_at_a_nested_level_and_beside_other_fields() -> None:
    pattern = {"source": ["shop"], "detail": {"$or": [
        {"price": [{"numeric": [">", 100]}]}, {"priority": ["high"]}]}}

    assert matches(pattern, {"source": "shop", "detail": {"price": 150}})
    assert matches(pattern, {"source": "shop", "detail": {"price": 1, "priority": "high"}})
    assert not matches(pattern, {"source": "shop", "detail": {"price": 1}})
    assert not matches(pattern, {"source": "bank", "detail": {"price": 150}})


def test_any_filter_matching_is_enough() -> None:
    filters = FilterCriteria.of(['{"kind": ["a"]}', '{"kind": ["b"]}'])

    assert filters.matches({"kind": "a"}) and filters.matches({"kind": "b"})
    assert not filters.matches({"kind": "c"})


def test_kinesis_example_of_metadata_and_data_properties() -> None:
    """AWS's example: partitionKey "1" and a data property Location of "Los Angeles"."""
    pattern = {"partitionKey": ["1"], "data": {"Location": ["Los Angeles"]}}

    assert matches(pattern, {"partitionKey": "1", "data": {"Location": "Los Angeles"}})
    assert not matches(pattern, {"partitionKey": "2", "data": {"Location": "Los Angeles"}})


# -- SQS: the body as JSON or as plain text -----------------------------------------------------


def sqs_record(body: str, **extra: Any) -> dict[str, Any]:
    return {"messageId": "m1", "body": body, "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {}, "eventSource": "aws:sqs", **extra}


def test_a_json_body_is_matched_into() -> None:
    """AWS's SQS example: process only the records whose RequestCode is "BBBB"."""
    pattern = {"body": {"RequestCode": ["BBBB"]}}
    body = ('{\n "RecordNumber": 1234,\n "TimeStamp": "yyyy-mm-ddThh:mm:ss",\n'
            ' "RequestCode": "BBBB"\n}')

    assert matches(pattern, sqs_record(body), "body")
    assert not matches(pattern, sqs_record(body.replace("BBBB", "AAAA")), "body")


@pytest.mark.parametrize(("pattern", "body", "expected"), [
    ({"body": ["hello"]}, "hello", True),  # plain string, plain string pattern: filtered
    ({"body": [{"prefix": "hel"}]}, "hello", True),
    ({"body": ["hello"]}, "goodbye", False),
    ({"body": {"a": ["b"]}}, "hello", False),  # plain string, JSON pattern: dropped
    ({"body": {"a": [{"exists": False}]}}, "hello", False),
    ({"body": [{"prefix": "{"}]}, '{"a": "b"}', False),  # JSON, plain string pattern: dropped
    ({"body": ['{"a": "b"}']}, '{"a": "b"}', False),
    ({"eventSource": ["aws:sqs"]}, "hello", True),  # no pattern on body: metadata only
    ({"eventSource": ["aws:sqs"]}, '{"a": "b"}', True),
    ({"body": {"a": ["b"]}}, '{"a": "b"}', True),  # JSON, JSON pattern: filtered
    ({"body": {"a": ["b"]}}, "{not json", False),
])
def test_the_body_formats_aws_documents(pattern: dict[str, Any], body: str,
                                        expected: bool) -> None:
    assert matches(pattern, sqs_record(body), "body") is expected


def test_sqs_metadata_and_message_attributes_can_be_filtered_on() -> None:
    record = sqs_record('{"kind": "order"}', messageAttributes={
        "colour": {"stringValue": "blue", "dataType": "String"}})
    pattern = {"messageAttributes": {"colour": {"stringValue": ["blue"]}},
               "body": {"kind": ["order"]}, "attributes": {"ApproximateReceiveCount": ["1"]}}

    assert matches(pattern, record, "body")
    assert not matches({"messageAttributes": {"colour": {"stringValue": ["red"]}}}, record,
                       "body")


def test_without_a_data_key_the_body_is_plain_text() -> None:
    assert matches({"body": ['{"a": "b"}']}, sqs_record('{"a": "b"}'))


# -- the request's FilterCriteria ---------------------------------------------------------------


def test_the_patterns_are_kept_as_given_and_answered_back() -> None:
    pattern = '{ "body" : { "RequestCode" : [ "BBBB" ] } }'

    parsed = parse_filter_criteria(criteria(pattern))

    assert parsed is not None
    assert parsed.patterns == (pattern,)
    assert parsed.to_api() == {"Filters": [{"Pattern": pattern}]}


@pytest.mark.parametrize("value", [None, {}, {"Filters": []}, {"Filters": None}])
def test_no_filters_is_none(value: Any) -> None:
    assert parse_filter_criteria(value) is None


def test_five_filters_are_allowed_and_six_are_not() -> None:
    five = criteria(*[f'{{"n": [{n}]}}' for n in range(5)])
    six = criteria(*[f'{{"n": [{n}]}}' for n in range(6)])

    parsed = parse_filter_criteria(five)
    assert parsed is not None and len(parsed.patterns) == 5
    with pytest.raises(InvalidParameterValueException) as refused:
        parse_filter_criteria(six)
    assert refused.value.status == 400
    assert "limit of 5 filters" in refused.value.message


def test_a_pattern_longer_than_4096_characters_is_a_validation_error() -> None:
    long_pattern = '{"a": ["' + "x" * 4100 + '"]}'

    with pytest.raises(ValidationException) as refused:
        parse_filter_criteria(criteria('{"a": ["b"]}', long_pattern))

    assert refused.value.message.startswith("1 validation error detected: Value '")
    assert refused.value.message.endswith(
        "' at 'filterCriteria.filters.2.member.pattern' failed to satisfy constraint: Member "
        "must have length less than or equal to 4096")


@pytest.mark.parametrize("pattern", [
    "not json",
    '{"a": ["b"]',
    "null",
    "[]",
    '"text"',
    "{}",
    '{"a": {}}',
    '{"a": []}',
    '{"a": "b"}',
    '{"a": 1}',
    '{"a": [["b"]]}',
    '{"a": [{"unknown-operator": 1}]}',
    '{"a": [{"prefix": "x", "suffix": "y"}]}',
    '{"a": [{"prefix": 1}]}',
    '{"a": [{"prefix": {"ignore-case": "x"}}]}',
    '{"a": [{"equals-ignore-case": ["x"]}]}',
    '{"a": [{"exists": "yes"}]}',
    '{"a": [{"numeric": [">", "5"]}]}',
    '{"a": [{"numeric": ["!=", 5]}]}',
    '{"a": [{"numeric": [">", 5, "<", 1]}]}',
    '{"a": [{"numeric": ["<", 5, ">", 1]}]}',
    '{"a": [{"numeric": ["=", 5, "<", 9]}]}',
    '{"a": [{"numeric": [">"]}]}',
    '{"a": [{"numeric": [[">"], 5]}]}',
    '{"a": [{"anything-but": []}]}',
    '{"a": [{"anything-but": ["x", 1]}]}',
    '{"a": [{"anything-but": {"numeric": [">", 1]}}]}',
    '{"a": [{"anything-but": true}]}',
    '{"a": [{"wildcard": "a**b"}]}',
    '{"a": [{"wildcard": "a\\\\b"}]}',
    '{"a": [{"cidr": "10.0.0.0/99"}]}',
    '{"$or": [{"a": ["b"]}]}',
    '{"$or": [{"a": ["b"]}, {}]}',
    '{"a": [NaN]}',
])
def test_what_is_not_a_valid_pattern(pattern: str) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        parse_filter_criteria(criteria(pattern))

    assert refused.value.message == "Invalid filter pattern definition."


@pytest.mark.parametrize("value", [
    "text", {"Filters": "text"}, {"Filters": [{}]}, {"Filters": [{"Pattern": 5}]},
    {"Filters": ["{}"]},
])
def test_a_malformed_filter_criteria_is_an_invalid_pattern(value: Any) -> None:
    with pytest.raises(InvalidParameterValueException) as refused:
        parse_filter_criteria(value)

    assert refused.value.message == "Invalid filter pattern definition."
