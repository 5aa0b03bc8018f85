"""DynamoDB Streams event source mappings end to end: what CreateEventSourceMapping answers for
a table's stream (a missing stream, a duplicate mapping, invalid filter patterns), the batches
a function gets (with filter criteria, partial batch responses), a disabled mapping, a mapping
whose table is deleted, and what a failed batch sends to an SQS, SNS or S3 OnFailure
destination (LocalStack's test_lambda_integration_dynamodbstreams.py). The batches are
compared as the function logged them, the destination's record as it arrived."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.conformance.replay import Replay, as_recorded, scenario, short_id
from tests.conformance.scenarios.kinesis_mappings import (
    empty_and_delete,
    enabled_mapping,
    failure_message,
    function,
    handler_zip,
    logged_batches,
    queue,
    record_batches,
    returning_zip,
    until,
)
from tests.conformance.scenarios.sqs_mappings import as_logged

SOURCE = "dynamodbstreams"
AREA = "event_source_mappings"
TEST = "TestDynamoDBEventSourceMapping::"
PARTITION_KEY = "my_partition_key"
HELLO = {PARTITION_KEY: {"S": "hello world"}}
HELLO_BINARY = {PARTITION_KEY: {"S": "hello world"}, "binary_key": {"B": b"foobar"}}
SETTLE_SECONDS = 3
CREATION_TIME = "<approximate-creation-datetime>"


def table(run: Replay, key: str = PARTITION_KEY, view_type: str | None = None
          ) -> tuple[str, dict[str, Any]]:
    """A new on-demand table keyed by `key` (with a stream of `view_type`): its name and
    CreateTable's answer; the table goes when the scenario ends."""
    dynamodb = run.client("dynamodb")
    name = f"table-{short_id()}"
    stream = {"StreamEnabled": True, "StreamViewType": view_type} if view_type else None
    created: dict[str, Any] = dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        **({"StreamSpecification": stream} if stream else {}))
    run.on_cleanup(lambda: dynamodb.delete_table(TableName=name))
    dynamodb.get_waiter("table_exists").wait(TableName=name,
                                             WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    return name, created


def with_stream(run: Replay, name: str, view_type: str = "NEW_IMAGE") -> dict[str, Any]:
    """UpdateTable giving the table a stream: its answer."""
    answer: dict[str, Any] = run.client("dynamodb").update_table(
        TableName=name,
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return answer


def stream_arn(answer: dict[str, Any]) -> str:
    arn: str = answer["TableDescription"]["LatestStreamArn"]
    return arn


def put_item(run: Replay, name: str, item: dict[str, Any]) -> None:
    run.client("dynamodb").put_item(TableName=name, Item=item)


@scenario(SOURCE, TEST + "test_esm_with_not_existing_dynamodb_stream", AREA)
def esm_with_not_existing_dynamodb_stream(run: Replay) -> None:
    name = function(run, Timeout=5)
    missing = run.arn("table/test-table-4a53f4e8/stream/2025-02-22T03:03:25.490", "dynamodb")
    run.record("error", run.mapping(FunctionName=name, BatchSize=1,
                                    StartingPosition="TRIM_HORIZON", EventSourceArn=missing,
                                    MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1))


@scenario(SOURCE, TEST + "test_dynamodb_event_source_mapping", AREA)
def dynamodb_event_source_mapping(run: Replay) -> None:
    name = function(run)
    table_name, created = table(run)
    run.record("create-table-result", created)
    arn = stream_arn(with_stream(run, table_name))
    enabled_mapping(run, "create_event_source_mapping_response", FunctionName=name,
                    BatchSize=1, StartingPosition="TRIM_HORIZON", EventSourceArn=arn,
                    MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1)
    put_item(run, table_name, HELLO_BINARY)
    run.record("event_logs", logged_batches(run, name))


@scenario(SOURCE, TEST + "test_duplicate_event_source_mappings", AREA)
def duplicate_event_source_mappings(run: Replay) -> None:
    table_name, created = table(run)
    run.record("create-table-result", created)
    arn = stream_arn(with_stream(run, table_name))
    settings = {"StartingPosition": "TRIM_HORIZON", "MaximumBatchingWindowInSeconds": 1,
                "MaximumRetryAttempts": 1}
    first = function(run)
    run.record("create", run.mapping(FunctionName=first, EventSourceArn=arn, **settings))
    run.record("error", run.mapping(FunctionName=first, EventSourceArn=arn, **settings))
    second = function(run)
    answer = run.mapping(FunctionName=second, EventSourceArn=arn, **settings)
    if "UUID" not in answer:
        raise AssertionError(f"a mapping of the same stream to another function: {answer}")


@scenario(SOURCE, TEST + "test_disabled_dynamodb_event_source_mapping", AREA)
def disabled_dynamodb_event_source_mapping(run: Replay) -> None:
    name = function(run)
    table_name, created = table(run, "id", "NEW_IMAGE")
    run.record("dynamodb_create_table_result", created)
    mapping = enabled_mapping(run, "create_event_source_mapping_result", FunctionName=name,
                              EventSourceArn=stream_arn(created),
                              StartingPosition="TRIM_HORIZON",
                              MaximumBatchingWindowInSeconds=1)
    put_item(run, table_name, {"id": {"S": short_id()}, "data": {"S": "data1"}})
    logged_batches(run, name)
    run.capture("update_event_source_mapping_result", "update_event_source_mapping",
                UUID=mapping.get("UUID", ""), Enabled=False)
    time.sleep(2)
    put_item(run, table_name, {"id": {"S": short_id()}, "data": {"S": "data2"}})
    time.sleep(SETTLE_SECONDS)
    if len(logged_batches(run, name)) != 1:
        raise AssertionError("a disabled mapping invoked the function")


@scenario(SOURCE, TEST + "test_deletion_event_source_mapping_with_dynamodb", AREA)
def deletion_event_source_mapping_with_dynamodb(run: Replay) -> None:
    name = function(run)
    table_name, created = table(run, "id", "NEW_IMAGE")
    run.record("create_dynamodb_table_response", created)
    arn = stream_arn(created)
    enabled_mapping(run, "create_event_source_mapping_result", FunctionName=name,
                    EventSourceArn=arn, StartingPosition="TRIM_HORIZON")
    run.client("dynamodb").delete_table(TableName=table_name)
    run.capture("list_event_source_mapping_result", "list_event_source_mappings",
                EventSourceArn=arn)


def failing_table_mapping(run: Replay, destination: str) -> str:
    """An always failing function, a new table given a stream and a TRIM_HORIZON mapping from
    it (one record a batch, retried once, failures to `destination`), then an item put: the
    table's name."""
    name = function(run, code=handler_zip("stream_unhandled_error"))
    table_name, created = table(run)
    run.record("create_table_response", created)
    updated = run.record("update_table_response", with_stream(run, table_name))
    enabled_mapping(run, "create_event_source_mapping_response", FunctionName=name,
                    BatchSize=1, StartingPosition="TRIM_HORIZON",
                    EventSourceArn=stream_arn(updated), MaximumBatchingWindowInSeconds=1,
                    MaximumRetryAttempts=1,
                    DestinationConfig={"OnFailure": {"Destination": destination}})
    put_item(run, table_name, HELLO)
    return table_name


@scenario(SOURCE, TEST + "test_dynamodb_event_source_mapping_with_on_failure_destination_config",
          AREA)
def on_failure_destination_config(run: Replay) -> None:
    url, arn = queue(run)
    failing_table_mapping(run, arn)
    run.record("destination_queue_messages", failure_message(run, url))


@scenario(SOURCE, TEST + "test_dynamodb_event_source_mapping_with_sns_on_failure_destination_"
          "config", AREA)
def sns_on_failure_destination_config(run: Replay) -> None:
    url, queue_arn = queue(run)
    sns = run.client("sns")
    topic = sns.create_topic(Name=f"topic-{short_id()}")["TopicArn"]
    run.on_cleanup(lambda: sns.delete_topic(TopicArn=topic))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    failing_table_mapping(run, topic)
    messages = failure_message(run, url).get("Messages") or [{}]
    run.record("failure_sns_message", as_recorded(messages[0].get("Body")))


@scenario(SOURCE, TEST + "test_dynamodb_event_source_mapping_with_s3_on_failure_destination",
          AREA)
def s3_on_failure_destination(run: Replay) -> None:
    s3 = run.client("s3")
    bucket = f"bucket-{short_id()}"
    s3.create_bucket(Bucket=bucket)
    run.on_cleanup(lambda: empty_and_delete(s3, bucket))
    failing_table_mapping(run, f"arn:aws:s3:::{bucket}")
    objects = until(lambda: s3.list_objects_v2(Bucket=bucket).get("Contents"))
    if not objects:
        raise AssertionError("nothing arrived in the bucket")
    key = objects[0]["Key"]
    body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    run.record("record_body", body)
    mapping = run.recorded["create_event_source_mapping_response"]["UUID"]
    shard = body["DDBStreamBatchInfo"]["shardId"]
    stamp = body["timestamp"][:19].replace(":", ".")
    day = body["timestamp"][:10].replace("-", "/")
    if not key.startswith(f"aws/lambda/{mapping}/{shard}/{day}/{stamp}"):
        raise AssertionError(f"object key {key}")


def creation_times_replaced(value: Any) -> Any:
    """`value` with every ApproximateCreationDateTime's value (even a filter's) replaced
    wholesale, as the recorder did."""
    if isinstance(value, dict):
        return {key: CREATION_TIME if key == "ApproximateCreationDateTime"
                else creation_times_replaced(item) for key, item in value.items()}
    if isinstance(value, list):
        return [creation_times_replaced(item) for item in value]
    return value


def event_filter(label: str, first: dict[str, Any], second: dict[str, Any],
                 pattern: dict[str, Any], calls: int) -> None:
    @scenario(SOURCE, TEST + f"test_dynamodb_event_filter[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run)
        table_name, created = table(run, "id")
        run.record("table_creation_response", created)
        arn = stream_arn(with_stream(run, table_name, "NEW_AND_OLD_IMAGES"))
        mapping = run.mapping(FunctionName=name, BatchSize=1, StartingPosition="TRIM_HORIZON",
                              EventSourceArn=arn, MaximumBatchingWindowInSeconds=1,
                              MaximumRetryAttempts=1,
                              FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
        # The recorder wrote the pattern, a JSON text, as the object it holds.
        run.record("create_event_source_mapping_response",
                   creation_times_replaced(as_logged(mapping)))
        run.wait_for_mapping(mapping.get("UUID", ""))
        put_item(run, table_name, first)
        run.record("lambda-log-events", logged_batches(run, name))
        put_item(run, table_name, second)
        if calls == 1:
            time.sleep(SETTLE_SECONDS)
        run.record("lambda-multiple-log-events", logged_batches(run, name, calls))


event_filter("insert_same_entry_twice", {"id": {"S": "id_value"}, "id2": {"S": "id2_value"}},
             {"id": {"S": "id_value"}, "id2": {"S": "id2_value"}}, {"eventName": ["INSERT"]}, 1)
event_filter("content_or_filter", {"id": {"S": "id_value"}},
             {"id": {"S": "id_value"}, "id2": {"S": "id2_new_value"}},
             {"eventName": ["INSERT", "MODIFY"]}, 2)
event_filter("content_multiple_filters", {"id": {"S": "id_value"}},
             {"id": {"S": "id_value"}, "id2": {"S": "id2_new_value"}},
             {"eventName": ["INSERT"], "eventSource": ["aws:dynamodb"]}, 1)
event_filter("content_filter_type",
             {"id": {"S": "id_value_1"}, "presentKey": {"S": "presentValue"}},
             {"id": {"S": "id_value_2"}},
             {"dynamodb": {"NewImage": {"presentKey": {"S": ["presentValue"]}}}}, 1)
event_filter("exists_filter_type",
             {"id": {"S": "id_value_1"}, "presentKey": {"S": "presentValue"}},
             {"id": {"S": "id_value_2"}},
             {"dynamodb": {"NewImage": {"presentKey": {"S": [{"exists": True}]}}}}, 1)
event_filter("exists_false_filter", {"id": {"S": "id_value_1"}},
             {"id": {"S": "id_value_2"}, "presentKey": {"S": "presentValue"}},
             {"dynamodb": {"NewImage": {"presentKey": [{"exists": False}]}}}, 2)
event_filter("numeric_filter", {"id": {"S": "id_value_1"}, "numericFilter": {"N": "42"}},
             {"id": {"S": "id_value_2"}, "numericFilter": {"N": "101"}},
             {"dynamodb": {"NewImage": {"numericFilter": {
                 "N": [{"numeric": [">", 100]}, {"anything-but": "101"}]}}}}, 1)
event_filter("prefix_filter", {"id": {"S": "id_value_1"}, "prefix": {"S": "us-1-other-suffix"}},
             {"id": {"S": "id_value_1"}, "prefix": {"S": "other-suffix"}},
             {"dynamodb": {"NewImage": {"prefix": {"S": [{"prefix": "us-1"}]}}}}, 1)
event_filter("date_time_conversion", {"id": {"S": "id_value_1"}}, {"id": {"S": "id_value_2"}},
             {"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}}, 2)


def invalid_event_filter(pattern: str) -> None:
    @scenario(SOURCE, TEST + f"test_dynamodb_invalid_event_filter[{pattern}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run)
        table_name, _ = table(run, "id")
        arn = stream_arn(with_stream(run, table_name, "NEW_AND_OLD_IMAGES"))
        run.record("exception_event_source_creation", run.mapping(
            FunctionName=name, BatchSize=1, StartingPosition="TRIM_HORIZON",
            EventSourceArn=arn, MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1,
            FilterCriteria={"Filters": [{"Pattern": pattern}]}))


invalid_event_filter("single-string")
invalid_event_filter('[{"eventName": ["INSERT"=123}]')


@scenario(SOURCE, TEST + "test_dynamodb_report_batch_item_failures", AREA)
def report_batch_item_failures(run: Replay) -> None:
    name = function(run, code=handler_zip("stream_dynamodb_batch_failures"))
    table_name, created = table(run)
    run.record("create_table_response", created)
    updated = run.record("update_table_response", with_stream(run, table_name))
    url, queue_arn = queue(run)
    enabled_mapping(run, "create_event_source_mapping_response", FunctionName=name,
                    BatchSize=3, StartingPosition="TRIM_HORIZON",
                    EventSourceArn=stream_arn(updated), MaximumBatchingWindowInSeconds=1,
                    MaximumRetryAttempts=3,
                    DestinationConfig={"OnFailure": {"Destination": queue_arn}},
                    FunctionResponseTypes=["ReportBatchItemFailures"])
    for index in range(6):
        put_item(run, table_name, {PARTITION_KEY: {"S": f"testId{index}"},
                                   "should_fail": {"BOOL": index == 5}})
        time.sleep(0.1)
    run.record("destination_queue_messages", failure_message(run, url))
    records = [record for batch in record_batches(run, name)
               for record in batch["Records"]]
    run.record("dynamodb_records", {"Records": sorted(
        records, key=lambda record: record["dynamodb"]["Keys"][PARTITION_KEY]["S"])})


def batch_item_failure(label: str, response: str) -> None:
    @scenario(SOURCE, TEST + f"test_dynamodb_report_batch_item_failure_scenarios[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run, code=returning_zip(response))
        table_name, created = table(run)
        run.record("create-table-result", created)
        arn = stream_arn(with_stream(run, table_name))
        url, queue_arn = queue(run)
        mapping = run.mapping(FunctionName=name, BatchSize=3, StartingPosition="TRIM_HORIZON",
                              EventSourceArn=arn, MaximumBatchingWindowInSeconds=1,
                              MaximumRetryAttempts=3,
                              DestinationConfig={"OnFailure": {"Destination": queue_arn}},
                              FunctionResponseTypes=["ReportBatchItemFailures"])
        run.wait_for_mapping(mapping.get("UUID", ""))
        put_item(run, table_name, HELLO_BINARY)
        run.record("destination_queue_messages", failure_message(run, url))
        run.record("dynamodb_events", record_batches(run, name, 4))


# What each recorded handler returned, as Python source.
batch_item_failure("item_identifier_not_present_failure",
                   "{'batchItemFailures': [{'itemIdentifier': 123}]}")
batch_item_failure("empty_string_item_identifier_failure",
                   "{'batchItemFailures': [{'itemIdentifier': ''}]}")
batch_item_failure("null_item_identifier_failure",
                   "{'batchItemFailures': [{'itemIdentifier': None}]}")
batch_item_failure("invalid_key_foo_failure", "{'batchItemFailures': [{'foo': 123}]}")
batch_item_failure("invalid_key_foo_null_value_failure",
                   "{'batchItemFailures': [{'foo': None}]}")
batch_item_failure("unhandled_exception_in_function", "(lambda: 1 / 0)()")


def batch_item_success(label: str, response: str) -> None:
    @scenario(SOURCE, TEST + f"test_dynamodb_report_batch_item_success_scenarios[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run, code=returning_zip(response))
        table_name, created = table(run)
        run.record("create-table-result", created)
        arn = stream_arn(with_stream(run, table_name))
        mapping = run.mapping(EventSourceArn=arn, FunctionName=name,
                              StartingPosition="TRIM_HORIZON", BatchSize=1,
                              MaximumBatchingWindowInSeconds=0,
                              FunctionResponseTypes=["ReportBatchItemFailures"],
                              MaximumRetryAttempts=2)
        run.wait_for_mapping(mapping.get("UUID", ""))
        put_item(run, table_name, HELLO_BINARY)
        run.record("dynamodb_events", record_batches(run, name))


batch_item_success("empty_list_success", "[]")
batch_item_success("null_success", "None")
batch_item_success("empty_dict_success", "{}")
batch_item_success("empty_batch_item_failure_success", "{'batchItemFailures': []}")
batch_item_success("null_batch_item_failure_success", "{'batchItemFailures': None}")
