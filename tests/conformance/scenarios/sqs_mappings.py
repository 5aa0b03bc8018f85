"""SQS event source mappings end to end: what CreateEventSourceMapping and
UpdateEventSourceMapping refuse for queues (a missing queue, batch sizes above 10 without a
batching window, invalid filter patterns, a duplicate mapping), and the events a function
gets from a queue, with and without filter criteria (LocalStack's
test_lambda_integration_sqs.py). The events are compared as the function logged them."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.conformance.replay import Replay, as_recorded, call, scenario, short_id

SOURCE = "sqs"
AREA = "event_source_mappings"
WAIT_SECONDS = 30
# What the recorder wrote in place of these record attributes, whatever their value.
RECORDER_VALUES = {"SentTimestamp": "sent-timestamp", "SenderId": "sender-id"}
LOG_FRAMING = ("INIT_START", "START", "END", "REPORT")


def queue(run: Replay, name: str | None = None) -> tuple[str, str]:
    """A new SQS queue's URL and ARN; the queue goes when the scenario ends."""
    sqs = run.client("sqs")
    url: str = sqs.create_queue(QueueName=name or f"queue-{short_id()}")["QueueUrl"]
    run.on_cleanup(lambda: sqs.delete_queue(QueueUrl=url))
    arn: str = sqs.get_queue_attributes(QueueUrl=url,
                                        AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def as_logged(value: Any) -> Any:
    """A logged event as the recorder wrote it: JSON bodies parsed, and the attributes it
    replaced wholesale replaced."""
    if isinstance(value, dict):
        return {key: RECORDER_VALUES[key] if key in RECORDER_VALUES else as_logged(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [as_logged(item) for item in value]
    return as_recorded(value)


def logged_events(run: Replay, function: str) -> list[Any]:
    """What the function printed (each line as the JSON it holds, else as text), without the
    runtime's framing lines."""
    answer = call(run.client("logs"), "filter_log_events", logGroupName=f"/aws/lambda/{function}")
    found: list[Any] = []
    for event in answer.get("events", []):
        message = event["message"].strip()
        if not message or message.startswith(LOG_FRAMING):
            continue
        try:
            found.append(json.loads(message))
        except json.JSONDecodeError:
            found.append(message)
    return found


def first_events(run: Replay, function: str) -> list[Any]:
    """The events the function logged, once there is one (or the wait is over)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        events = logged_events(run, function)
        if events or time.monotonic() > deadline:
            return [as_logged(event) for event in events]
        time.sleep(0.5)


def queue_is_empty(run: Replay, url: str) -> None:
    """The recorded test's check that the mapping took every message off the queue."""
    left = run.client("sqs").receive_message(QueueUrl=url).get("Messages", [])
    if left:
        raise AssertionError(f"{len(left)} messages are still in the queue")


def echo_function(run: Replay, **settings: Any) -> str:
    name = run.function_name()
    run.create_function(name, **settings)
    return name


@scenario(SOURCE, "test_esm_with_not_existing_sqs_queue", AREA)
def esm_with_not_existing_sqs_queue(run: Replay) -> None:
    name = echo_function(run, Timeout=5)
    missing = run.arn(f"not-existing-queue-{short_id()}", "sqs")
    run.record("error", run.mapping(EventSourceArn=missing, FunctionName=name, BatchSize=1))


@scenario(SOURCE, "TestSQSEventSourceMapping::test_event_source_mapping_default_batch_size",
          AREA)
def default_batch_size(run: Replay) -> None:
    _, first = queue(run)
    name = echo_function(run)
    created = run.record("create-event-source-mapping",
                         run.mapping(EventSourceArn=first, FunctionName=name))
    run.wait_for_mapping(created.get("UUID", ""))
    run.capture("invalid-update-event-source-mapping", "update_event_source_mapping",
                UUID=created.get("UUID", ""), FunctionName=name, BatchSize=11)
    _, second = queue(run)
    run.record("invalid-create-event-source-mapping",
               run.mapping(EventSourceArn=second, FunctionName=name, BatchSize=11))


@scenario(SOURCE, "TestSQSEventSourceMapping::test_sqs_event_source_mapping", AREA)
def sqs_event_source_mapping(run: Replay) -> None:
    name = echo_function(run)
    url, arn = queue(run)
    created = run.record("create-event-source-mapping-response", run.mapping(
        EventSourceArn=arn, FunctionName=name, MaximumBatchingWindowInSeconds=1))
    run.wait_for_mapping(created.get("UUID", ""))
    run.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps({"foo": "bar"}))
    run.record("events", first_events(run, name))
    queue_is_empty(run, url)


def event_filter(label: str, pattern: dict[str, Any], matching: Any, not_matching: Any) -> None:
    @scenario(SOURCE, f"TestSQSEventSourceMapping::test_sqs_event_filter[{label}]", AREA)
    def replay(run: Replay) -> None:
        name = echo_function(run)
        url, arn = queue(run)
        sqs = run.client("sqs")
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(matching))
        sqs.send_message(QueueUrl=url, MessageBody=not_matching if isinstance(not_matching, str)
                         else json.dumps(not_matching))
        # The recorder wrote the pattern, a JSON text, as the object it holds.
        created = run.record("create_event_source_mapping_response", as_logged(run.mapping(
            EventSourceArn=arn, FunctionName=name, MaximumBatchingWindowInSeconds=1,
            FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})))
        run.wait_for_mapping(created.get("UUID", ""))
        run.record("invocation_events", first_events(run, name))
        queue_is_empty(run, url)


event_filter("single", {"body": {"my-key": ["my-value"]}}, {"my-key": "my-value"},
             {"my-key": "other-value"})
event_filter("or", {"body": {"my-key": ["my-value-one", "my-value-two"]}},
             {"my-key": "my-value-two"}, {"my-key": "other-value"})
event_filter("and", {"body": {"my-key-one": ["other-filter", "my-value-one"],
                              "my-key-two": ["my-value-two"]}},
             {"my-key-one": "my-value-one", "my-key-two": "my-value-two"},
             {"my-key-one": "other-value-", "my-key-two": "my-value-two"})
event_filter("exists", {"body": {"my-key": [{"exists": True}]}}, {"my-key": "any-value-one"},
             {"other-key": "any-value-two"})
event_filter("numeric-bigger", {"body": {"my-number": [{"numeric": [">", 100]}]}},
             {"my-number": 101}, {"my-number": 100})
event_filter("numeric-smaller", {"body": {"my-number": [{"numeric": ["<", 100]}]}},
             {"my-number": 99}, {"my-number": 100})
event_filter("numeric-range", {"body": {"my-number": [{"numeric": [">=", 100, "<", 200]}]}},
             {"my-number": 100}, {"my-number": 200})
event_filter("prefix", {"body": {"my-key": [{"prefix": "yes"}]}}, {"my-key": "yes-value"},
             {"my-key": "no-value"})
event_filter("valid-json-filter", {"body": {"my-key": ["my-value"]}}, {"my-key": "my-value"},
             "plain-string")


def invalid_event_filter(label: str, pattern: str) -> None:
    @scenario(SOURCE, f"TestSQSEventSourceMapping::test_sqs_invalid_event_filter[{label}]",
              AREA)
    def replay(run: Replay) -> None:
        name = echo_function(run)
        _, arn = queue(run)
        run.record("create_event_source_mapping_exception", run.mapping(
            EventSourceArn=arn, FunctionName=name, MaximumBatchingWindowInSeconds=1,
            FilterCriteria={"Filters": [{"Pattern": pattern}]}))


# The recorded test sent a string as it was and anything else as its JSON.
invalid_event_filter("None", json.dumps(None))
invalid_event_filter("simple string", "simple string")
invalid_event_filter("invalid_filter2", json.dumps({"eventSource": "aws:sqs"}))
invalid_event_filter("invalid_filter3", json.dumps({"eventSource": []}))


@scenario(SOURCE, "TestSQSEventSourceMapping::test_duplicate_event_source_mappings", AREA)
def duplicate_event_source_mappings(run: Replay) -> None:
    _, arn = queue(run)
    first = echo_function(run)
    run.record("create", run.mapping(FunctionName=first, EventSourceArn=arn))
    run.record("error", run.mapping(FunctionName=first, EventSourceArn=arn))
    second = echo_function(run)
    answer = run.mapping(FunctionName=second, EventSourceArn=arn)
    if "UUID" not in answer:
        raise AssertionError(f"a mapping of the same queue to another function: {answer}")
