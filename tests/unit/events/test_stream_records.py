"""What Lambda makes of stream records: Kinesis and DynamoDB `Records[]` entries as AWS sends
them (checked with Powertools' models), the view filters match, partial batch responses, and
the record an OnFailure destination gets."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamModel,
    KinesisDataStreamModel,
)

from simulator.events.stream_records import (
    StreamSource,
    attribute_value,
    batch_item_failures,
    dynamodb_record,
    failure_record,
    is_s3_destination,
    iso_second,
    item_size,
    kinesis_record,
    s3_failure_key,
    window_bounds,
)

KINESIS_ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/orders"
TABLE_STREAM_ARN = ("arn:aws:dynamodb:eu-west-1:123456789012:table/orders/stream/"
                    "2024-01-01T00:00:00.000")
ROLE = "arn:aws:iam::123456789012:role/lambda-role"
ARRIVED = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
KINESIS = StreamSource.from_arn(KINESIS_ARN)
DYNAMODB = StreamSource.from_arn(TABLE_STREAM_ARN)


SEQUENCE = "49590338271490256608559692538361571095921575989136588898"


def raw_kinesis(data: bytes, sequence: str = SEQUENCE) -> dict[str, Any]:
    return {"SequenceNumber": sequence, "ApproximateArrivalTimestamp": ARRIVED, "Data": data,
            "PartitionKey": "customer-1"}


def raw_change(event_name: str, view: str, **images: dict[str, Any]) -> dict[str, Any]:
    """A DynamoDB Streams record as boto3 parses it (binary as bytes, time as a datetime)."""
    return {"eventID": "c81e728d9d4c2f636f067f89cc14862c", "eventName": event_name,
            "eventVersion": "1.0", "eventSource": "aws:dynamodb", "awsRegion": "us-east-1",
            "dynamodb": {"ApproximateCreationDateTime": ARRIVED, "Keys": {"id": {"S": "o-1"}},
                         "SequenceNumber": "111", "SizeBytes": 26, "StreamViewType": view,
                         **images}}


def test_arns_name_kinesis_streams_and_table_streams_only() -> None:
    assert KINESIS is not None and DYNAMODB is not None
    assert (KINESIS.service, KINESIS.region, KINESIS.account, KINESIS.name) == (
        "kinesis", "eu-west-1", "123456789012", "orders")
    assert (DYNAMODB.service, DYNAMODB.name) == ("dynamodb", "orders")
    assert KINESIS.batch_info_key == "KinesisBatchInfo"
    assert DYNAMODB.batch_info_key == "DDBStreamBatchInfo"
    for other in ("arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                  "arn:aws:sqs:eu-west-1:123456789012:orders", "stream/orders"):
        assert StreamSource.from_arn(other) is None


def test_a_kinesis_record_is_the_entry_lambda_sends() -> None:
    assert KINESIS is not None
    record = kinesis_record(raw_kinesis(b'{"total": 3}'), KINESIS, "shardId-000000000002", ROLE)

    entry = record.event_record
    assert KinesisDataStreamModel.model_validate({"Records": [entry]})
    assert entry == {
        "kinesis": {"kinesisSchemaVersion": "1.0", "partitionKey": "customer-1",
                    "sequenceNumber": record.sequence_number,
                    "data": base64.b64encode(b'{"total": 3}').decode(),
                    "approximateArrivalTimestamp": ARRIVED.timestamp()},
        "eventSource": "aws:kinesis", "eventVersion": "1.0",
        "eventID": f"shardId-000000000002:{record.sequence_number}",
        "eventName": "aws:kinesis:record", "invokeIdentityArn": ROLE,
        "awsRegion": "eu-west-1", "eventSourceARN": KINESIS_ARN}
    assert record.arrival == ARRIVED.timestamp()


@pytest.mark.parametrize(("view", "images"), [
    ("KEYS_ONLY", set()),
    ("NEW_IMAGE", {"NewImage"}),
    ("OLD_IMAGE", {"OldImage"}),
    ("NEW_AND_OLD_IMAGES", {"NewImage", "OldImage"}),
])
def test_the_stream_view_type_decides_which_images_a_record_carries(
        view: str, images: set[str]) -> None:
    assert DYNAMODB is not None
    raw = raw_change("MODIFY", view, NewImage={"id": {"S": "o-1"}, "n": {"N": "2"}},
                     OldImage={"id": {"S": "o-1"}, "n": {"N": "1"}})

    entry = dynamodb_record(raw, DYNAMODB).event_record

    assert DynamoDBStreamModel.model_validate({"Records": [entry]})
    assert set(entry["dynamodb"]) == {"ApproximateCreationDateTime", "Keys", "SequenceNumber",
                                      "SizeBytes", "StreamViewType"} | images
    assert list(entry) == ["eventID", "eventName", "eventVersion", "eventSource", "awsRegion",
                           "dynamodb", "eventSourceARN"]
    assert (entry["eventVersion"], entry["awsRegion"], entry["eventSourceARN"]) == (
        "1.1", "eu-west-1", TABLE_STREAM_ARN)
    assert entry["dynamodb"]["ApproximateCreationDateTime"] == int(ARRIVED.timestamp())


def test_attribute_values_go_back_to_dynamodb_json() -> None:
    value = {"M": {"blob": {"B": b"foobar"}, "blobs": {"BS": [b"a", b"b"]},
                   "list": {"L": [{"N": "1"}, {"B": b"\x00"}]}, "flag": {"BOOL": True},
                   "nothing": {"NULL": True}, "names": {"SS": ["x"]}}}

    assert attribute_value(value) == {"M": {
        "blob": {"B": "Zm9vYmFy"}, "blobs": {"BS": ["YQ==", "Yg=="]},
        "list": {"L": [{"N": "1"}, {"B": "AA=="}]}, "flag": {"BOOL": True},
        "nothing": {"NULL": True}, "names": {"SS": ["x"]}}}


def test_filters_see_kinesis_data_decoded_and_dynamodb_records_as_sent() -> None:
    assert KINESIS is not None and DYNAMODB is not None
    view = kinesis_record(raw_kinesis(b'{"kind": "a"}'), KINESIS, "s", ROLE).filter_view()
    assert view["data"] == '{"kind": "a"}' and view["partitionKey"] == "customer-1"
    assert view["eventSource"] == "aws:kinesis" and "kinesis" not in view
    binary = kinesis_record(raw_kinesis(b"\xff\xfe"), KINESIS, "s", ROLE).filter_view()
    assert binary["data"] == base64.b64encode(b"\xff\xfe").decode()
    change = dynamodb_record(raw_change("INSERT", "NEW_IMAGE", NewImage={}), DYNAMODB)
    assert change.filter_view() == change.event_record


SEQUENCES = ["1", "2", "3"]


@pytest.mark.parametrize("answer", [b"", b'""', b"[]", b"null", b"{}",
                                    b'{"batchItemFailures": []}',
                                    b'{"batchItemFailures": null}'])
def test_answers_that_report_no_failure(answer: bytes) -> None:
    assert batch_item_failures(answer, SEQUENCES) is False


@pytest.mark.parametrize("failure", [{"itemIdentifier": 123}, {"itemIdentifier": ""},
                                     {"itemIdentifier": None}, {"foo": 123}, {"foo": None},
                                     {"itemIdentifier": "4"}, "2"])
def test_malformed_answers_fail_the_whole_batch(failure: Any) -> None:
    answer = json.dumps({"batchItemFailures": [failure]}).encode()
    assert batch_item_failures(answer, SEQUENCES) is True
    assert batch_item_failures(b"not json", SEQUENCES) is True
    assert batch_item_failures(b'{"batchItemFailures": "2"}', SEQUENCES) is True


def test_the_lowest_failed_record_is_where_processing_resumes() -> None:
    answer = json.dumps({"batchItemFailures": [{"itemIdentifier": "3"},
                                               {"itemIdentifier": "2"}]}).encode()
    assert batch_item_failures(answer, SEQUENCES) == "2"


def test_a_discarded_kinesis_batch_is_described_to_the_destination() -> None:
    assert KINESIS is not None
    records = [kinesis_record(raw_kinesis(b"x", sequence), KINESIS, "shardId-000000000000",
                              ROLE) for sequence in ("7", "8")]
    response = {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}

    record = failure_record(KINESIS, "shardId-000000000000", records, "arn:fn",
                            "RetryAttemptsExhausted", 3, "request-1", response)

    assert list(record) == ["requestContext", "responseContext", "version", "timestamp",
                            "KinesisBatchInfo"]
    assert record["requestContext"] == {"requestId": "request-1", "functionArn": "arn:fn",
                                        "condition": "RetryAttemptsExhausted",
                                        "approximateInvokeCount": 3}
    assert record["responseContext"] == response
    assert record["KinesisBatchInfo"] == {
        "shardId": "shardId-000000000000", "startSequenceNumber": "7",
        "endSequenceNumber": "8", "approximateArrivalOfFirstRecord": "2024-05-06T07:08:09.123Z",
        "approximateArrivalOfLastRecord": "2024-05-06T07:08:09.123Z", "batchSize": 2,
        "streamArn": KINESIS_ARN}
    assert record["timestamp"].endswith("Z") and len(record["timestamp"]) == 24


def test_an_expired_dynamodb_batch_has_no_response_and_whole_second_times() -> None:
    assert DYNAMODB is not None
    records = [dynamodb_record(raw_change("INSERT", "KEYS_ONLY"), DYNAMODB)]

    record = failure_record(DYNAMODB, "shard-1", records, "arn:fn", "RecordAgeExceeded", 1,
                            "request-1", None)

    assert "responseContext" not in record
    info = record["DDBStreamBatchInfo"]
    assert info["approximateArrivalOfFirstRecord"] == "2024-05-06T07:08:09Z"
    assert (info["batchSize"], info["streamArn"]) == (1, TABLE_STREAM_ARN)


def test_tumbling_windows_are_aligned_to_the_epoch() -> None:
    assert window_bounds(125.5, 60) == (120, 180)
    assert window_bounds(120, 60) == (120, 180)
    assert iso_second(1_596_128_400) == "2020-07-30T17:00:00Z"


def test_only_a_bucket_arn_is_an_s3_destination() -> None:
    assert is_s3_destination("arn:aws:s3:::failures")
    assert not is_s3_destination("arn:aws:sqs:eu-west-1:123456789012:failures")
    assert not is_s3_destination("failures")


def test_a_failure_objects_key_names_the_mapping_shard_and_time() -> None:
    record = {"timestamp": "2026-12-07T09:05:03.123Z",
              "DDBStreamBatchInfo": {"shardId": "shardId-0001"}}
    assert s3_failure_key("mapping-1", record, "random") == (
        "aws/lambda/mapping-1/shardId-0001/2026/12/07/2026-12-07T09.05.03-random")


def test_item_sizes_count_names_and_values_as_dynamodb_does() -> None:
    assert item_size({"my_partition_key": {"S": "hello world"}, "binary_key": {"B": b"foobar"}}
                     ) == 43
    assert item_size({"numericFilter": {"N": "42"}, "big": {"N": "-1234.500"}}) == 15 + 3 + 4
    assert item_size({"flag": {"BOOL": True}, "list": {"L": [{"S": "ab"}, {"NULL": True}]},
                      "map": {"M": {"k": {"S": "v"}}}}) == 5 + (4 + 3 + 3 + 2) + (3 + 3 + 3)


def test_a_dynamodb_records_size_sums_its_keys_and_images() -> None:
    raw = {"eventID": "e1", "eventName": "MODIFY", "dynamodb": {
        "ApproximateCreationDateTime": datetime(2026, 1, 1, tzinfo=UTC),
        "Keys": {"id": {"S": "id_value"}},
        "NewImage": {"id": {"S": "id_value"}, "id2": {"S": "id2_new_value"}},
        "OldImage": {"id": {"S": "id_value"}},
        "SequenceNumber": "100", "SizeBytes": 999, "StreamViewType": "NEW_AND_OLD_IMAGES"}}
    record = dynamodb_record(raw, StreamSource.from_arn(TABLE_STREAM_ARN))  # type: ignore[arg-type]
    assert record.event_record["dynamodb"]["SizeBytes"] == 46
