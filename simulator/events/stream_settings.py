"""The settings of a Kinesis or DynamoDB Streams event source mapping: AWS's checks and
wording for them, and the request's members as mapping fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from simulator.errors import InvalidParameterValueException
from simulator.events.filter_criteria import parse_filter_criteria
from simulator.events.stream_records import DYNAMODB, StreamSource
from simulator.functions.validation import Violations, check_range

UNSUPPORTED_DESTINATION = ("Unsupported DestinationConfig parameter for given event source "
                           "mapping type.")

DEFAULT_BATCH_SIZE = 100
MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW = 300
MAX_PARALLELIZATION = 10
MAX_RETRY_ATTEMPTS = 10_000
MIN_RECORD_AGE, MAX_RECORD_AGE = 60, 604_800
MAX_TUMBLING_WINDOW = 900
STARTING_POSITIONS = ("LATEST", "AT_TIMESTAMP", "TRIM_HORIZON")
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
DESTINATION_SERVICES = ("sqs", "sns", "s3")  # where a stream mapping's OnFailure records go
NOT_FOR_STREAMS = (
    "ScalingConfig", "Topics", "Queues", "SourceAccessConfigurations", "SelfManagedEventSource",
    "AmazonManagedKafkaEventSourceConfig", "SelfManagedKafkaEventSourceConfig",
    "DocumentDBEventSourceConfig",
)


def check_stream_settings(body: dict[str, Any], creating: bool) -> None:
    """The checks that need nothing but the request: the model's constraints first (one
    ValidationException naming them all), then Lambda's own."""
    v = Violations()
    if creating and not isinstance(body.get("FunctionName"), str):
        v.add(body.get("FunctionName"), "functionName", "Member must not be null")
    ranges = (("BatchSize", "batchSize", 1, MAX_BATCH_SIZE),
              ("MaximumBatchingWindowInSeconds", "maximumBatchingWindowInSeconds", 0,
               MAX_BATCHING_WINDOW),
              ("ParallelizationFactor", "parallelizationFactor", 1, MAX_PARALLELIZATION),
              ("MaximumRetryAttempts", "maximumRetryAttempts", -1, MAX_RETRY_ATTEMPTS),
              ("MaximumRecordAgeInSeconds", "maximumRecordAgeInSeconds", -1, MAX_RECORD_AGE),
              ("TumblingWindowInSeconds", "tumblingWindowInSeconds", 0, MAX_TUMBLING_WINDOW))
    for name, member, low, high in ranges:
        if body.get(name) is not None:
            check_range(v, body[name], member, low, high)
    position = body.get("StartingPosition")
    if position is not None and position not in STARTING_POSITIONS:
        v.add(position, "startingPosition", "Member must satisfy enum value set: "
              f"[{', '.join(STARTING_POSITIONS)}]")
    types = body.get("FunctionResponseTypes")
    if types is not None and (not isinstance(types, list) or len(types) > 1
                              or any(t != REPORT_BATCH_ITEM_FAILURES for t in types)):
        v.add(types, "functionResponseTypes", "Member must satisfy constraint: [Member must "
              f"satisfy enum value set: [{REPORT_BATCH_ITEM_FAILURES}]]")
    for name in ("Enabled", "BisectBatchOnFunctionError"):
        if name in body and not isinstance(body[name], bool):
            v.add(body[name], name[0].lower() + name[1:], "Member must be a boolean")
    v.raise_if_any()
    age = body.get("MaximumRecordAgeInSeconds")
    if age is not None and age != -1 and age < MIN_RECORD_AGE:
        raise InvalidParameterValueException(
            f"MaximumRecordAgeInSeconds must be -1 or between {MIN_RECORD_AGE} and "
            f"{MAX_RECORD_AGE} seconds.")
    for name in NOT_FOR_STREAMS:
        if body.get(name) is not None:
            raise InvalidParameterValueException(
                f"Unsupported {name} parameter for given event source mapping type.")
    _check_destination(body.get("DestinationConfig"))
    parse_filter_criteria(body.get("FilterCriteria"))


def check_starting_position(body: dict[str, Any], source: StreamSource) -> float | None:
    """The starting position a new mapping needs; the AT_TIMESTAMP moment (epoch seconds)."""
    position = body.get("StartingPosition")
    if position is None:
        raise InvalidParameterValueException(
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
            "constraint: Member must not be null.")
    if position != "AT_TIMESTAMP":
        return None
    if source.service == DYNAMODB:
        raise InvalidParameterValueException(
            f"Unsupported starting position for arn type: {source.arn}")
    timestamp = body.get("StartingPositionTimestamp")
    if timestamp is None:
        raise InvalidParameterValueException("Need to specify a timestamp")
    if isinstance(timestamp, str):
        try:
            return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()
        except ValueError:
            raise InvalidParameterValueException(
                f"Invalid StartingPositionTimestamp: {timestamp}") from None
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float):
        raise InvalidParameterValueException(f"Invalid StartingPositionTimestamp: {timestamp}")
    return float(timestamp)


def stream_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The request's stream settings as mapping fields (only those present)."""
    fields = (("ParallelizationFactor", "parallelization_factor"),
              ("BisectBatchOnFunctionError", "bisect_batch_on_function_error"),
              ("MaximumRetryAttempts", "maximum_retry_attempts"),
              ("MaximumRecordAgeInSeconds", "maximum_record_age_seconds"),
              ("TumblingWindowInSeconds", "tumbling_window_seconds"))
    changes = {field: body[name] for name, field in fields if body.get(name) is not None}
    if body.get("DestinationConfig") is not None:
        # `{}` or an OnFailure without a Destination removes it, as in AWS.
        on_failure = body["DestinationConfig"].get("OnFailure") or {}
        changes["on_failure_destination"] = on_failure.get("Destination") or None
    return changes


def _check_destination(config: Any) -> None:
    if config is None:
        return
    if not isinstance(config, dict) or (config.get("OnSuccess") or {}).get("Destination"):
        raise InvalidParameterValueException(UNSUPPORTED_DESTINATION)
    destination = (config.get("OnFailure") or {}).get("Destination")
    if not destination:
        return
    parts = str(destination).split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] not in DESTINATION_SERVICES:
        raise InvalidParameterValueException(
            f"The provided destination config DestinationConfig(onSuccess=null, "
            f"onFailure=OnFailure(destination={destination})) is invalid.")
