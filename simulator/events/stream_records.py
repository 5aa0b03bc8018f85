"""What Lambda makes of a stream's records: the `Records[]` entries of its DynamoDB Streams and
Kinesis events, the view its filters match, the record an OnFailure destination gets for a
batch it gave up on, and how a function's answer reports batch item failures. Pure functions
of what GetRecords returned (as boto3 parses it), so every stream poller shares them."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

KINESIS_ARN = re.compile(r"arn:aws[a-zA-Z-]*:kinesis:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
                         r"stream/(?P<name>[a-zA-Z0-9_.-]{1,128})")
DYNAMODB_STREAM_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"table/(?P<name>[a-zA-Z0-9_.-]{3,255})/stream/(?P<label>[^/]+)")
KINESIS, DYNAMODB = "kinesis", "dynamodb"
NEW_IMAGE_VIEWS = ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
OLD_IMAGE_VIEWS = ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")


@dataclass(frozen=True)
class StreamSource:
    """A Kinesis data stream or a DynamoDB table's stream, named by its ARN."""

    arn: str
    service: str  # KINESIS or DYNAMODB
    region: str
    account: str
    name: str  # the stream's name, or the table's

    @classmethod
    def from_arn(cls, arn: str) -> StreamSource | None:
        for service, pattern in ((KINESIS, KINESIS_ARN), (DYNAMODB, DYNAMODB_STREAM_ARN)):
            match = pattern.fullmatch(arn)
            if match is not None:
                return cls(arn, service, match["region"], match["account"], match["name"])
        return None

    @property
    def batch_info_key(self) -> str:
        """The member of an OnFailure record that describes the batch."""
        return "KinesisBatchInfo" if self.service == KINESIS else "DDBStreamBatchInfo"


@dataclass(frozen=True)
class StreamRecord:
    """One record of a shard, as the function will see it."""

    sequence_number: str
    arrival: float  # epoch seconds: Kinesis's arrival, DynamoDB's creation
    event_record: dict[str, Any]

    def filter_view(self) -> dict[str, Any]:
        """What a filter pattern is matched against: a DynamoDB record as the function gets it;
        a Kinesis record's `kinesis` members at the top level, `data` decoded (matched as JSON
        when it holds JSON), as AWS documents."""
        if "kinesis" not in self.event_record:
            return self.event_record
        view = {key: value for key, value in self.event_record.items() if key != "kinesis"}
        view.update(self.event_record["kinesis"])
        try:
            view["data"] = base64.b64decode(view["data"]).decode()
        except (ValueError, UnicodeDecodeError):
            pass  # binary data: only its base64 text can match
        return view


def kinesis_record(raw: dict[str, Any], source: StreamSource, shard_id: str,
                   role: str) -> StreamRecord:
    """A Kinesis GetRecords record as a `Records[]` entry of Lambda's Kinesis event."""
    arrival = _epoch(raw["ApproximateArrivalTimestamp"])
    sequence = str(raw["SequenceNumber"])
    return StreamRecord(sequence, arrival, {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": raw["PartitionKey"],
            "sequenceNumber": sequence,
            "data": base64.b64encode(raw["Data"]).decode(),
            "approximateArrivalTimestamp": round(arrival, 3),
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role,
        "awsRegion": source.region,
        "eventSourceARN": source.arn,
    })


def dynamodb_record(raw: dict[str, Any], source: StreamSource) -> StreamRecord:
    """A DynamoDB Streams GetRecords record as a `Records[]` entry of Lambda's DynamoDB
    event: attribute values in DynamoDB's JSON (binary in base64), the images the stream's
    view type carries, the creation time in whole epoch seconds."""
    change = raw["dynamodb"]
    view = change.get("StreamViewType", "")
    created = _epoch(change["ApproximateCreationDateTime"])
    dynamodb: dict[str, Any] = {
        "ApproximateCreationDateTime": int(created),
        "Keys": attribute_map(change.get("Keys", {})),
    }
    if view in NEW_IMAGE_VIEWS and "NewImage" in change:
        dynamodb["NewImage"] = attribute_map(change["NewImage"])
    if view in OLD_IMAGE_VIEWS and "OldImage" in change:
        dynamodb["OldImage"] = attribute_map(change["OldImage"])
    images = [change.get(part, {}) for part in ("Keys", "NewImage", "OldImage")
              if part in dynamodb]
    dynamodb.update({
        "SequenceNumber": str(change["SequenceNumber"]),
        "SizeBytes": sum(item_size(image) for image in images),
        "StreamViewType": view,
    })
    record: dict[str, Any] = {
        "eventID": raw["eventID"],
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": source.region,
        "dynamodb": dynamodb,
        "eventSourceARN": source.arn,
    }
    if raw.get("userIdentity"):
        record["userIdentity"] = raw["userIdentity"]
    return StreamRecord(dynamodb["SequenceNumber"], created, record)


def item_size(values: dict[str, Any]) -> int:
    """An item's (or key's) size as DynamoDB counts it, which a stream record's SizeBytes
    sums over its keys and images: each attribute's name in UTF-8 plus its value's size."""
    return sum(len(name.encode()) + value_size(value) for name, value in values.items())


def value_size(value: dict[str, Any]) -> int:
    """One attribute value's size by DynamoDB's rules: text in UTF-8, binary as bytes, a
    number one byte per two significant digits plus one, a list or map three bytes plus a
    byte and the size of each element."""
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(str(content).encode())
    if kind == "B":
        return len(content) if isinstance(content, bytes) else len(base64.b64decode(content))
    if kind == "N":
        return _number_size(str(content))
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: element}) for element in content)
    if kind == "L":
        return 3 + sum(1 + value_size(element) for element in content)
    if kind == "M":
        return 3 + sum(1 + item_size({name: element}) for name, element in content.items())
    return 1  # BOOL, NULL


def _number_size(text: str) -> int:
    mantissa = text.lower().split("e")[0]
    digits = mantissa.lstrip("+-").replace(".", "").strip("0") or "0"
    return (len(digits) + 1) // 2 + 1


def attribute_map(values: dict[str, Any]) -> dict[str, Any]:
    return {name: attribute_value(value) for name, value in values.items()}


def attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """One DynamoDB AttributeValue back in its wire JSON (boto3 gives binary as bytes)."""
    [(kind, inner)] = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode()}
    if kind == "BS":
        return {"BS": [base64.b64encode(item).decode() for item in inner]}
    if kind == "M":
        return {"M": attribute_map(inner)}
    if kind == "L":
        return {"L": [attribute_value(item) for item in inner]}
    return {kind: inner}


def batch_item_failures(payload: bytes, sequence_numbers: list[str]) -> str | bool:
    """What a ReportBatchItemFailures answer says of a stream batch: False when it reports no
    failure (nothing, `""`, `[]`, `{}`, an empty or null list), the lowest failed sequence
    number, or True (the whole batch failed) when it is malformed or names a record not in
    the batch."""
    try:
        response = json.loads(payload) if payload.strip() else None
    except (ValueError, UnicodeDecodeError):
        return True
    if not isinstance(response, dict):
        return False
    failures = response.get("batchItemFailures")
    if failures is None:
        return False
    if not isinstance(failures, list):
        return True
    failed: list[str] = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in sequence_numbers:
            return True
        failed.append(identifier)
    if not failed:
        return False
    return min(failed, key=sequence_numbers.index)


def failure_record(source: StreamSource, shard_id: str, records: list[StreamRecord],
                   function_arn: str, condition: str, invoke_count: int, request_id: str,
                   response: dict[str, Any] | None) -> dict[str, Any]:
    """The invocation record an OnFailure destination gets for a discarded batch;
    `response` (statusCode, executedVersion, functionError) when the function answered."""
    timestamp_format = _kinesis_time if source.service == KINESIS else iso_second
    record: dict[str, Any] = {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": condition,
            "approximateInvokeCount": invoke_count,
        },
    }
    if response is not None:
        record["responseContext"] = response
    record.update({
        "version": "1.0",
        "timestamp": _kinesis_time(datetime.now(UTC).timestamp()),
        source.batch_info_key: {
            "shardId": shard_id,
            "startSequenceNumber": records[0].sequence_number,
            "endSequenceNumber": records[-1].sequence_number,
            "approximateArrivalOfFirstRecord": timestamp_format(records[0].arrival),
            "approximateArrivalOfLastRecord": timestamp_format(records[-1].arrival),
            "batchSize": len(records),
            "streamArn": source.arn,
        },
    })
    return record


def is_s3_destination(destination: str) -> bool:
    """Whether an OnFailure destination is an S3 bucket, which gets the batch's event too."""
    parts = destination.split(":")
    return len(parts) > 2 and parts[0] == "arn" and parts[2] == "s3"


def s3_failure_key(mapping_uuid: str, record: dict[str, Any], random_id: str) -> str:
    """The object key AWS gives a failure record in an S3 destination:
    `aws/lambda/<mapping>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random id>`, from the
    record's own timestamp."""
    batch = record.get("KinesisBatchInfo") or record.get("DDBStreamBatchInfo") or {}
    moment = datetime.fromisoformat(str(record["timestamp"]).replace("Z", "+00:00"))
    return (f"aws/lambda/{mapping_uuid}/{batch.get('shardId', '')}/"
            f"{moment:%Y/%m/%d}/{moment:%Y-%m-%dT%H.%M.%S}-{random_id}")


def window_bounds(arrival: float, seconds: int) -> tuple[float, float]:
    """The tumbling window a record's arrival falls in: windows of `seconds`, aligned to the
    epoch."""
    start = arrival - arrival % seconds
    return start, start + seconds


def iso_second(epoch: float) -> str:
    """A tumbling window's bound, as AWS writes it (`2020-07-30T17:00:00Z`)."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _kinesis_time(epoch: float) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _epoch(value: Any) -> float:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return float(value.timestamp())
    return float(value)
