"""Kinesis event source mappings end to end: what CreateEventSourceMapping answers for a
stream (a missing one, a duplicate mapping), the batches a function gets from a stream
(LATEST and TRIM_HORIZON, several functions, a disabled mapping, filter criteria, partial
batch responses), and what a failed batch sends to an SQS, SNS or S3 OnFailure destination
(LocalStack's test_lambda_integration_kinesis.py). The batches are compared as the function
logged them, the destination's record as it arrived."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conformance.replay import Replay, as_recorded, call, scenario, short_id, zip_of
from tests.conformance.scenarios.sqs_mappings import as_logged, logged_events

SOURCE = "kinesis"
AREA = "event_source_mappings"
HANDLERS = Path(__file__).parents[1] / "handlers"
WAIT_SECONDS = 60
RAISE_ERROR = {"input": "hello", "value": "world", "raise_error": 1}
# A handler that prints its event and returns what the recorded test made it return.
RETURNING = "import json\n\n\ndef handler(event, context):\n    print(json.dumps(event))\n" \
            "    return {response}\n"
# A custom runtime that answers every event with an empty response.
EMPTY_BOOTSTRAP = """#!/usr/bin/env python3
import os
import urllib.request

base = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime/invocation/"
while True:
    with urllib.request.urlopen(base + "next") as event:
        request_id = event.headers["Lambda-Runtime-Aws-Request-Id"]
        event.read()
    urllib.request.urlopen(urllib.request.Request(base + request_id + "/response", data=b"",
                                                  method="POST")).read()
"""


def handler_zip(handler: str) -> bytes:
    """An archive holding `handlers/<handler>.py` as handler.py."""
    return zip_of({"handler.py": (HANDLERS / f"{handler}.py").read_text()})


def returning_zip(response: str) -> bytes:
    return zip_of({"handler.py": RETURNING.format(response=response)})


def bootstrap_zip(script: str) -> bytes:
    """An archive holding an executable `bootstrap`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo("bootstrap")
        entry.external_attr = 0o100755 << 16
        archive.writestr(entry, script)
    return buffer.getvalue()


def function(run: Replay, code: bytes | None = None, **settings: Any) -> str:
    """A new function (the echo handler unless `code`), once Active: its name."""
    name = run.function_name()
    run.create_function(name, code=code, **settings)
    return name


def stream(run: Replay) -> tuple[str, str]:
    """A new one-shard stream's name and ARN, once Active; it goes when the scenario ends."""
    kinesis = run.client("kinesis")
    name = f"stream-{short_id()}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    run.on_cleanup(lambda: kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True))
    kinesis.get_waiter("stream_exists").wait(StreamName=name,
                                             WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    arn: str = kinesis.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"]
    return name, arn


def queue(run: Replay) -> tuple[str, str]:
    """A new SQS queue's URL and ARN; the queue goes when the scenario ends."""
    sqs = run.client("sqs")
    url: str = sqs.create_queue(QueueName=f"queue-{short_id()}")["QueueUrl"]
    run.on_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    arn: str = sqs.get_queue_attributes(QueueUrl=url,
                                        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def put(run: Replay, stream_name: str, records: list[tuple[str, str]]) -> None:
    """PutRecords of (data, partition key) pairs."""
    run.client("kinesis").put_records(
        StreamName=stream_name,
        Records=[{"Data": data.encode(), "PartitionKey": key} for data, key in records])


def put_one(run: Replay, stream_name: str, data: str, key: str) -> None:
    run.client("kinesis").put_record(StreamName=stream_name, Data=data.encode(),
                                     PartitionKey=key)


def enabled_mapping(run: Replay, key: str, **params: Any) -> dict[str, Any]:
    """CreateEventSourceMapping recorded under `key`, then wait until it is no longer
    Creating."""
    created: dict[str, Any] = run.record(key, run.mapping(**params))
    run.wait_for_mapping(created.get("UUID", ""))
    return created


def until(found: Callable[[], Any], seconds: float = WAIT_SECONDS) -> Any:
    """`found()` once it is truthy, or its last answer when the wait is over."""
    deadline = time.monotonic() + seconds
    while True:
        answer = found()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(0.5)


def logged_batches(run: Replay, function_name: str, count: int = 1,
                   seconds: float = WAIT_SECONDS, records_only: bool = False) -> list[Any]:
    """The JSON objects the function logged (only those carrying Records, if
    `records_only`), once there are `count`, or those there are when the wait is over."""
    def found() -> list[Any]:
        return [event for event in logged_events(run, function_name) if isinstance(event, dict)
                and (not records_only or "Records" in event)]
    until(lambda: len(found()) >= count, seconds)
    return found()


def record_batches(run: Replay, function_name: str, count: int = 1) -> list[Any]:
    """The logged events that carry Records, once there are `count`."""
    return logged_batches(run, function_name, count, records_only=True)


def reports(run: Replay, function_name: str) -> int:
    """How many invocations the function's log reports."""
    answer = call(run.client("logs"), "filter_log_events",
                  logGroupName=f"/aws/lambda/{function_name}")
    return sum("REPORT" in event["message"] for event in answer.get("events", []))


def failure_message(run: Replay, url: str) -> dict[str, Any]:
    """ReceiveMessage on the OnFailure queue once it holds a message, bodies as JSON."""
    sqs = run.client("sqs")
    answer = until(lambda: _received(sqs, url))
    received: dict[str, Any] = as_logged(answer)
    return received


def _received(sqs: Any, url: str) -> dict[str, Any] | None:
    answer: dict[str, Any] = sqs.receive_message(QueueUrl=url)
    return answer if answer.get("Messages") else None


def latest_batch(run: Replay, stream_name: str, function_name: str,
                 records: list[tuple[str, str]], count: int = 1) -> list[Any]:
    """Put `records` until the function logs `count` batches: a LATEST mapping may start
    reading after the first put, as the recorded test allowed for."""
    for _ in range(3):
        put(run, stream_name, records)
        found = logged_batches(run, function_name, count, seconds=20)
        if len(found) >= count:
            return found
    return found


@scenario(SOURCE, "TestKinesisSource::test_esm_with_not_existing_kinesis_stream", AREA)
def esm_with_not_existing_kinesis_stream(run: Replay) -> None:
    name = function(run, Timeout=5)
    missing = run.arn("stream/test-foobar-81ded7e8", "kinesis")
    run.record("error", run.mapping(EventSourceArn=missing, FunctionName=name,
                                    StartingPosition="LATEST"))


@scenario(SOURCE, "TestKinesisSource::test_create_kinesis_event_source_mapping", AREA)
def create_kinesis_event_source_mapping(run: Replay) -> None:
    name = function(run)
    stream_name, arn = stream(run)
    enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                    FunctionName=name, StartingPosition="LATEST")
    events = latest_batch(run, stream_name, name, [("hello", f"test_{i}") for i in range(10)])
    run.record("kinesis_records", events[0])


@scenario(SOURCE, "TestKinesisSource::test_create_kinesis_event_source_mapping_multiple_"
          "lambdas_single_kinesis_event_stream", AREA)
def multiple_lambdas_single_stream(run: Replay) -> None:
    stream_name, arn = stream(run)
    names = {}
    for label in ("a", "b"):
        names[label] = function(run)
        run.record(f"create_event_source_mapping_response-{label}", run.mapping(
            EventSourceArn=arn, FunctionName=names[label], StartingPosition="TRIM_HORIZON"))
    put(run, stream_name, [("hello", "test_1")])
    for label, name in names.items():
        run.record(f"kinesis_records-{label}", logged_batches(run, name)[0])


@scenario(SOURCE, "TestKinesisSource::test_duplicate_event_source_mappings", AREA)
def duplicate_event_source_mappings(run: Replay) -> None:
    _, arn = stream(run)
    first = function(run)
    run.record("create", run.mapping(FunctionName=first, EventSourceArn=arn,
                                     StartingPosition="LATEST"))
    run.record("error", run.mapping(FunctionName=first, EventSourceArn=arn,
                                    StartingPosition="LATEST"))
    second = function(run)
    answer = run.mapping(FunctionName=second, EventSourceArn=arn, StartingPosition="LATEST")
    if "UUID" not in answer:
        raise AssertionError(f"a mapping of the same stream to another function: {answer}")


def numbered(key: str, count: int = 10) -> list[tuple[str, str]]:
    return [(json.dumps({"record_id": index}), key) for index in range(count)]


@scenario(SOURCE, "TestKinesisSource::test_kinesis_event_source_mapping_with_async_invocation",
          AREA)
def event_source_mapping_with_async_invocation(run: Replay) -> None:
    name = function(run, code=handler_zip("stream_parallel"))
    stream_name, arn = stream(run)
    enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                    FunctionName=name, StartingPosition="LATEST", BatchSize=10)
    events: list[Any] = []
    for _ in range(3):
        for batch in range(2):
            put(run, stream_name, numbered(f"test_{batch}"))
        events = logged_batches(run, name, 2, seconds=30)
        if len(events) >= 2:
            break
    run.record("invocation_events", events)
    if len(events) >= 2 and events[1]["executionStart"] - events[0]["executionStart"] <= 5:
        raise AssertionError("the second batch was invoked before the first one ended")


@scenario(SOURCE, "TestKinesisSource::test_kinesis_event_source_trim_horizon", AREA)
def event_source_trim_horizon(run: Replay) -> None:
    name = function(run, code=handler_zip("stream_parallel"))
    stream_name, arn = stream(run)
    for batch in range(2):
        put(run, stream_name, numbered(f"test_{batch}"))
    run.record("create_event_source_mapping_response", run.mapping(
        EventSourceArn=arn, FunctionName=name, StartingPosition="TRIM_HORIZON", BatchSize=10))
    put(run, stream_name, numbered("test_3"))
    run.record("invocation_events", logged_batches(run, name, 3))


@scenario(SOURCE, "TestKinesisSource::test_disable_kinesis_event_source_mapping", AREA)
def disable_kinesis_event_source_mapping(run: Replay) -> None:
    name = function(run)
    stream_name, arn = stream(run)
    created = enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                              FunctionName=name, StartingPosition="LATEST", BatchSize=10)
    run.record("invocation_events", latest_batch(run, stream_name, name, numbered("test")))
    run.call("update_event_source_mapping", UUID=created["UUID"], Enabled=False)
    run.wait_for_mapping(created["UUID"], leaving="Disabling")
    put(run, stream_name, [(json.dumps({"record_id_disabled": index}), "test")
                           for index in range(10)])
    time.sleep(7)
    if len(logged_batches(run, name)) != 1:
        raise AssertionError("a disabled mapping invoked the function")


def failing_mapping(run: Replay, destination: str) -> str:
    """A function failing on RAISE_ERROR, a TRIM_HORIZON mapping to it (one record a batch,
    retried once, failures to `destination`) and RAISE_ERROR put: the stream's name."""
    name = function(run, code=handler_zip("stream_raise_error"))
    stream_name, arn = stream(run)
    enabled_mapping(run, "create_event_source_mapping_response", FunctionName=name,
                    BatchSize=1, StartingPosition="TRIM_HORIZON", EventSourceArn=arn,
                    MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=1,
                    DestinationConfig={"OnFailure": {"Destination": destination}})
    put_one(run, stream_name, json.dumps(RAISE_ERROR), "custom")
    return stream_name


@scenario(SOURCE, "TestKinesisSource::test_kinesis_event_source_mapping_with_on_failure_"
          "destination_config", AREA)
def on_failure_destination_config(run: Replay) -> None:
    url, arn = queue(run)
    failing_mapping(run, arn)
    run.record("sqs_payload", failure_message(run, url))


@scenario(SOURCE, "TestKinesisSource::test_kinesis_event_source_mapping_with_sns_on_failure_"
          "destination_config", AREA)
def sns_on_failure_destination_config(run: Replay) -> None:
    url, queue_arn = queue(run)
    sns = run.client("sns")
    topic = sns.create_topic(Name=f"topic-{short_id()}")["TopicArn"]
    run.on_cleanup(lambda: sns.delete_topic(TopicArn=topic))
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    failing_mapping(run, topic)
    received = failure_message(run, url)
    messages = received.get("Messages") or [{}]
    run.record("failure_sns_message", as_recorded(messages[0].get("Body")))


@scenario(SOURCE, "TestKinesisSource::test_kinesis_event_source_mapping_with_s3_on_failure_"
          "destination", AREA)
def s3_on_failure_destination(run: Replay) -> None:
    s3 = run.client("s3")
    bucket = f"bucket-{short_id()}"
    s3.create_bucket(Bucket=bucket)
    run.on_cleanup(lambda: empty_and_delete(s3, bucket))
    failing_mapping(run, f"arn:aws:s3:::{bucket}")
    objects = until(lambda: s3.list_objects_v2(Bucket=bucket).get("Contents"))
    if not objects:
        raise AssertionError("nothing arrived in the bucket")
    key = objects[0]["Key"]
    body = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    run.record("record_body", body)
    mapping = run.recorded["create_event_source_mapping_response"]["UUID"]
    shard = body["KinesisBatchInfo"]["shardId"]
    stamp = body["timestamp"][:19].replace(":", ".")
    day = body["timestamp"][:10].replace("-", "/")
    if not key.startswith(f"aws/lambda/{mapping}/{shard}/{day}/{stamp}"):
        raise AssertionError(f"object key {key}")


def empty_and_delete(s3: Any, bucket: str) -> None:
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=item["Key"])
    s3.delete_bucket(Bucket=bucket)


@scenario(SOURCE, "TestKinesisSource::test_kinesis_report_batch_item_failures", AREA)
def report_batch_item_failures(run: Replay) -> None:
    name = function(run, code=handler_zip("stream_batch_failures"))
    stream_name, arn = stream(run)
    url, queue_arn = queue(run)
    enabled_mapping(run, "create_event_source_mapping_response", FunctionName=name,
                    BatchSize=3, StartingPosition="TRIM_HORIZON", EventSourceArn=arn,
                    MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=3,
                    DestinationConfig={"OnFailure": {"Destination": queue_arn}},
                    FunctionResponseTypes=["ReportBatchItemFailures"])
    put(run, stream_name, [(json.dumps({"should_fail": index == 5}), f"test_{index}")
                           for index in range(6)])
    run.record("sqs_payload", failure_message(run, url))
    batches = record_batches(run, name, 5)
    records = [record for batch in batches for record in batch["Records"]]
    run.record("kinesis_records", {"Records": sorted(
        records, key=lambda record: record["kinesis"]["partitionKey"])})


def batch_item_failure(label: str, response: str) -> None:
    @scenario(SOURCE, "TestKinesisSource::test_kinesis_report_batch_item_failure_scenarios"
              f"[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run, code=returning_zip(response))
        stream_name, arn = stream(run)
        url, queue_arn = queue(run)
        enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                        FunctionName=name, StartingPosition="TRIM_HORIZON", BatchSize=1,
                        MaximumBatchingWindowInSeconds=1,
                        FunctionResponseTypes=["ReportBatchItemFailures"],
                        MaximumRetryAttempts=2,
                        DestinationConfig={"OnFailure": {"Destination": queue_arn}})
        put_one(run, stream_name, "hello", "test")
        run.record("sqs_payload", failure_message(run, url))
        run.record("kinesis_events", record_batches(run, name, 3))


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
    @scenario(SOURCE, "TestKinesisSource::test_kinesis_report_batch_item_success_scenarios"
              f"[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = function(run, code=returning_zip(response))
        stream_name, arn = stream(run)
        enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                        FunctionName=name, StartingPosition="TRIM_HORIZON", BatchSize=1,
                        MaximumBatchingWindowInSeconds=1,
                        FunctionResponseTypes=["ReportBatchItemFailures"],
                        MaximumRetryAttempts=2)
        put_one(run, stream_name, "hello", "test")
        run.record("kinesis_events", record_batches(run, name))


batch_item_success("empty_string_success", "")
batch_item_success("empty_list_success", "[]")
batch_item_success("null_success", "None")
batch_item_success("empty_dict_success", "{}")
batch_item_success("empty_batch_item_failure_success", "{'batchItemFailures': []}")
batch_item_success("null_batch_item_failure_success", "{'batchItemFailures': None}")


@scenario(SOURCE, "TestKinesisSource::test_kinesis_empty_provided", AREA)
def empty_provided(run: Replay) -> None:
    name = function(run, code=bootstrap_zip(EMPTY_BOOTSTRAP), Runtime="provided.al2023",
                    Handler="function.handler")
    stream_name, arn = stream(run)
    created = enabled_mapping(run, "create_event_source_mapping_response", EventSourceArn=arn,
                              FunctionName=name, StartingPosition="TRIM_HORIZON", BatchSize=1,
                              MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=2)
    put_one(run, stream_name, "hello", "test")
    until(lambda: reports(run, name) >= 1)
    # AWS's logs arrive seconds after the invocation, ours at once: give the mapping the
    # moment it takes to note the invocation's result.
    until(lambda: run.call("get_event_source_mapping", UUID=created.get("UUID", "")).get(
        "LastProcessingResult") != "No records processed", seconds=5)
    run.capture("get_esm_result", "get_event_source_mapping", UUID=created.get("UUID", ""))


@scenario(SOURCE, "TestKinesisEventFiltering::test_kinesis_event_filtering_json_pattern", AREA)
def event_filtering_json_pattern(run: Replay) -> None:
    first = function(run, code=handler_zip("stream_kinesis_log"))
    second = function(run, code=handler_zip("stream_kinesis_log"))
    stream_name, arn = stream(run)
    for key, name, event_type in (("create_event_source_mapping_response", first, "function_1"),
                                  ("create_event_source_mapping_2_response", second,
                                   "function_2")):
        pattern = json.dumps({"data": {"event_type": [event_type]}})
        created = run.mapping(FunctionName=name, BatchSize=1, StartingPosition="TRIM_HORIZON",
                              EventSourceArn=arn, MaximumBatchingWindowInSeconds=1,
                              MaximumRetryAttempts=1,
                              FilterCriteria={"Filters": [{"Pattern": pattern}]})
        # The recorder wrote the pattern, a JSON text, as the object it holds.
        run.record(key, as_logged(created))
        run.wait_for_mapping(created.get("UUID", ""))
    put_one(run, stream_name, json.dumps({"event_type": "function_1", "message": "foo"}),
            "custom")
    put_one(run, stream_name, json.dumps({"event_type": "function_2", "message": "bar"}),
            "custom")
    invoked_once(run, first)
    answer = call(run.client("logs"), "filter_log_events", logGroupName=f"/aws/lambda/{first}")
    printed = [event["message"] for event in answer.get("events", []) if "{" in event["message"]]
    run.record("kinesis-record-lambda-payload", printed[0].strip() if printed else None)
    invoked_once(run, second)


def invoked_once(run: Replay, function_name: str) -> None:
    until(lambda: reports(run, function_name) >= 1)
    if reports(run, function_name) != 1:
        raise AssertionError(f"{function_name} was invoked {reports(run, function_name)} times")
