"""A stream mapping's settings: AWS's checks and wording, and the request as mapping fields."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.errors import InvalidParameterValueException, LambdaError, ValidationException
from simulator.events.stream_records import StreamSource
from simulator.events.stream_settings import (
    check_starting_position,
    check_stream_settings,
    stream_changes,
)

KINESIS = StreamSource.from_arn("arn:aws:kinesis:us-east-1:123456789012:stream/s")
TABLE = StreamSource.from_arn(
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000")
QUEUE = "arn:aws:sqs:us-east-1:123456789012:failures"


@pytest.mark.parametrize(("body", "error", "message"), [
    ({}, ValidationException, "Value 'None' at 'functionName' failed to satisfy constraint: "
     "Member must not be null"),
    ({"FunctionName": "fn", "BatchSize": 10_001}, ValidationException,
     "Value '10001' at 'batchSize' failed to satisfy constraint: Member must have value less "
     "than or equal to 10000"),
    ({"FunctionName": "fn", "ParallelizationFactor": 0, "TumblingWindowInSeconds": 901},
     ValidationException, "2 validation errors detected: Value '0' at 'parallelizationFactor' "
     "failed to satisfy constraint: Member must have value greater than or equal to 1; Value "
     "'901' at 'tumblingWindowInSeconds'"),
    ({"FunctionName": "fn", "MaximumRetryAttempts": -2}, ValidationException,
     "at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value greater "
     "than or equal to -1"),
    ({"FunctionName": "fn", "MaximumRecordAgeInSeconds": 604_801}, ValidationException,
     "at 'maximumRecordAgeInSeconds'"),
    ({"FunctionName": "fn", "StartingPosition": "invalid"}, ValidationException,
     "1 validation error detected: Value 'invalid' at 'startingPosition' failed to satisfy "
     "constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"),
    ({"FunctionName": "fn", "BisectBatchOnFunctionError": "yes"}, ValidationException,
     "at 'bisectBatchOnFunctionError' failed to satisfy constraint: Member must be a boolean"),
    ({"FunctionName": "fn", "FunctionResponseTypes": ["Everything"]}, ValidationException,
     "at 'functionResponseTypes'"),
    ({"FunctionName": "fn", "MaximumRecordAgeInSeconds": 59}, InvalidParameterValueException,
     "MaximumRecordAgeInSeconds must be -1 or between 60 and 604800 seconds."),
    ({"FunctionName": "fn", "ScalingConfig": {"MaximumConcurrency": 2}},
     InvalidParameterValueException,
     "Unsupported ScalingConfig parameter for given event source mapping type."),
    ({"FunctionName": "fn", "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}},
     InvalidParameterValueException,
     "Unsupported DestinationConfig parameter for given event source mapping type."),
    ({"FunctionName": "fn", "DestinationConfig": {"OnFailure": {
        "Destination": "arn:aws:lambda:us-east-1:123456789012:function:f"}}},
     InvalidParameterValueException, "The provided destination config DestinationConfig("
     "onSuccess=null, onFailure=OnFailure(destination=arn:aws:lambda:us-east-1:123456789012:"
     "function:f)) is invalid."),
    ({"FunctionName": "fn", "FilterCriteria": {"Filters": [{"Pattern": "single-string"}]}},
     InvalidParameterValueException, "Invalid filter pattern definition."),
])
def test_settings_aws_refuses(body: dict[str, Any], error: type[LambdaError],
                              message: str) -> None:
    with pytest.raises(error) as refused:
        check_stream_settings(body, creating=True)
    assert message in refused.value.message


def test_settings_aws_accepts() -> None:
    check_stream_settings({
        "FunctionName": "fn", "BatchSize": 10_000, "MaximumBatchingWindowInSeconds": 300,
        "ParallelizationFactor": 10, "MaximumRetryAttempts": -1, "MaximumRecordAgeInSeconds": -1,
        "TumblingWindowInSeconds": 900, "BisectBatchOnFunctionError": True,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "DestinationConfig": {"OnFailure": {"Destination": QUEUE}},
        "FilterCriteria": {"Filters": [{"Pattern": '{"eventName": ["INSERT"]}'}]},
    }, creating=True)
    check_stream_settings({"MaximumRecordAgeInSeconds": 60}, creating=False)
    check_stream_settings({"FunctionName": "fn", "DestinationConfig": {"OnFailure": {
        "Destination": "arn:aws:s3:::failures"}}}, creating=True)


def test_a_stream_needs_a_starting_position_and_a_table_cannot_start_at_a_time() -> None:
    assert KINESIS is not None and TABLE is not None
    with pytest.raises(InvalidParameterValueException) as missing:
        check_starting_position({}, KINESIS)
    assert missing.value.message == (
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
        "constraint: Member must not be null.")
    with pytest.raises(InvalidParameterValueException) as unsupported:
        check_starting_position({"StartingPosition": "AT_TIMESTAMP",
                                 "StartingPositionTimestamp": 1}, TABLE)
    assert unsupported.value.message == f"Unsupported starting position for arn type: {TABLE.arn}"
    with pytest.raises(InvalidParameterValueException):
        check_starting_position({"StartingPosition": "AT_TIMESTAMP"}, KINESIS)


def test_an_at_timestamp_start_is_kept_in_epoch_seconds() -> None:
    assert KINESIS is not None
    assert check_starting_position({"StartingPosition": "AT_TIMESTAMP",
                                    "StartingPositionTimestamp": 1_700_000_000}, KINESIS) == (
        1_700_000_000.0)
    assert check_starting_position({"StartingPosition": "AT_TIMESTAMP",
                                    "StartingPositionTimestamp": "2023-11-14T22:13:20Z"},
                                   KINESIS) == 1_700_000_000.0
    assert check_starting_position({"StartingPosition": "LATEST"}, KINESIS) is None


def test_the_request_becomes_mapping_fields() -> None:
    assert stream_changes({
        "ParallelizationFactor": 2, "BisectBatchOnFunctionError": True,
        "MaximumRetryAttempts": 3, "MaximumRecordAgeInSeconds": 60,
        "TumblingWindowInSeconds": 30, "DestinationConfig": {"OnFailure": {"Destination": QUEUE}},
    }) == {"parallelization_factor": 2, "bisect_batch_on_function_error": True,
           "maximum_retry_attempts": 3, "maximum_record_age_seconds": 60,
           "tumbling_window_seconds": 30, "on_failure_destination": QUEUE}
    assert stream_changes({"DestinationConfig": {"OnFailure": {}}}) == {
        "on_failure_destination": None}
    assert stream_changes({"BatchSize": 5}) == {}
