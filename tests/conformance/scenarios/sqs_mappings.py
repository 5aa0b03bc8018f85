"""SQS event source mappings end to end: what CreateEventSourceMapping and
UpdateEventSourceMapping refuse for queues (a missing queue, batch sizes above 10 without a
batching window, invalid filter patterns, a duplicate mapping), and the events a function
gets from a queue, with and without filter criteria (LocalStack's
test_lambda_integration_sqs.py). The events are compared as the function logged them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.conformance.replay import Replay, as_recorded, call, scenario, short_id, zip_of

SOURCE = "sqs"
AREA = "event_source_mappings"
WAIT_SECONDS = 30
# What the recorder wrote in place of these record attributes, whatever their value.
RECORDER_VALUES = {"SentTimestamp": "sent-timestamp", "SenderId": "sender-id"}
LOG_FRAMING = ("INIT_START", "START", "END", "REPORT")
HANDLERS = Path(__file__).parents[1] / "handlers"


def queue(run: Replay, name: str | None = None, attributes: dict[str, str] | None = None
          ) -> tuple[str, str]:
    """A new SQS queue's URL and ARN; the queue goes when the scenario ends."""
    sqs = run.client("sqs")
    url: str = sqs.create_queue(QueueName=name or f"queue-{short_id()}",
                                Attributes=attributes or {})["QueueUrl"]
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

# Earlier recordings of the same test, under the ids its cases had then.
SINGLE = ({"body": {"testItem": ["test24"]}}, {"testItem": "test24"}, {"testItem": "tesWER"})
OR = ({"body": {"testItem": ["test24", "test45"]}}, {"testItem": "test45"},
      {"testItem": "WERTD"})
AND = ({"body": {"testItem": ["test24", "test45"], "test2": ["go"]}},
       {"testItem": "test45", "test2": "go"}, {"testItem": "test67", "test2": "go"})
EXISTS = ({"body": {"test2": [{"exists": True}]}}, {"test2": "7411"}, {"test5": "74545"})
PREFIX = ({"body": {"test2": [{"prefix": "us-1"}]}}, {"test2": "us-1-48454"},
          {"test2": "eu-wert"})
for label, case in [("single-filter", SINGLE), ("or-filter", OR), ("and-filter", AND),
                    ("exists-filter", EXISTS), ("numeric-prefix", PREFIX)]:
    event_filter(label, *case)
for number, case in enumerate([
        SINGLE, OR, AND, EXISTS,
        ({"body": {"test2": [{"numeric": [">", 100]}]}}, {"test2": 105},
         "this is a test string"),
        ({"body": {"test2": [{"numeric": ["<", 100]}]}}, {"test2": 93}, {"test2": 105}),
        ({"body": {"test2": [{"numeric": [">=", 100, "<", 200]}]}}, {"test2": 105},
         {"test2": 200}),
        PREFIX]):
    not_matching = case[2] if isinstance(case[2], str) else f"item_not_matching{number}"
    event_filter(f"filter{number}-item_matching{number}-{not_matching}", *case)


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


def handler_zip(handler: str) -> bytes:
    """An archive holding `handlers/<handler>.py` as handler.py."""
    return zip_of({"handler.py": (HANDLERS / f"{handler}.py").read_text()})


def destination_queue(run: Replay) -> str:
    """The queue a function reports to, and the recorded GetQueueUrl of it."""
    name = f"destination-queue-{short_id()}"
    url, _ = queue(run, name)
    run.record("get_destination_queue_url", call(run.client("sqs"), "get_queue_url",
                                                 QueueName=name))
    return url


def source_queue(run: Replay, visibility_timeout: int, max_receives: int | None = None,
                 fifo: bool = False) -> tuple[str, str, str]:
    """A queue to map (its URL and ARN) with its dead-letter queue's URL, when it has one."""
    suffix = ".fifo" if fifo else ""
    attributes = {"VisibilityTimeout": str(visibility_timeout)}
    if fifo:
        attributes["FifoQueue"] = "true"
    dead_letters = ""
    if max_receives is not None:
        dead_letters, dead_letters_arn = queue(run, f"event-dlq-{short_id()}{suffix}",
                                               {"FifoQueue": "true"} if fifo else {})
        attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dead_letters_arn,
                                                  "maxReceiveCount": max_receives})
    url, arn = queue(run, f"source-queue-{short_id()}{suffix}", attributes)
    return url, arn, dead_letters


def enabled_mapping(run: Replay, **params: Any) -> dict[str, Any]:
    """CreateEventSourceMapping, once the mapping is Enabled."""
    created = run.mapping(**params)
    run.wait_for_mapping(created.get("UUID", ""))
    return created


def received(run: Replay, url: str, parse_nested: bool = False, **params: Any
             ) -> dict[str, Any]:
    """ReceiveMessage as the recorder wrote it: each JSON body parsed (and, with
    `parse_nested`, the JSON strings in it too), the record attributes it replaced replaced."""
    answer = call(run.client("sqs"), "receive_message", QueueUrl=url, **params)
    for message in answer.get("Messages", []):
        message["Body"] = parsed_body(message["Body"], parse_nested)
    return recorder_values(answer)


def parsed_body(body: str, parse_nested: bool) -> Any:
    try:
        parsed = json.loads(body) if body.startswith("{") else body
    except json.JSONDecodeError:
        return body
    return as_logged(parsed) if parse_nested else parsed


def recorder_values(value: Any, replaced: dict[str, str] = RECORDER_VALUES) -> Any:
    if isinstance(value, dict):
        return {key: replaced[key] if key in replaced else recorder_values(item, replaced)
                for key, item in value.items()}
    if isinstance(value, list):
        return [recorder_values(item, replaced) for item in value]
    return value


def forwarded_records(run: Replay, url: str, expected: int) -> tuple[int, list[Any]]:
    """How many batches the function forwarded to `url`, and their records by body, once
    `expected` records arrived (or the wait is over)."""
    sqs = run.client("sqs")
    batches: list[list[Any]] = []
    deadline = time.monotonic() + 2 * WAIT_SECONDS
    while sum(map(len, batches)) < expected and time.monotonic() < deadline:
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                     VisibilityTimeout=120, WaitTimeSeconds=1)
        for message in answer.get("Messages", []):
            batches.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    records = sorted((record for batch in batches for record in batch),
                     key=lambda record: record["body"])
    # This recording kept each sender's id, numbered.
    return len(batches), recorder_values(records, {"SentTimestamp": "sent-timestamp"})


def forwarding_function(run: Replay, destination: str) -> str:
    name = run.function_name()
    run.create_function(name, code=handler_zip("sqs_forward_records"),
                        Environment={"Variables": {"SQS_QUEUE_URL": destination}})
    return name


def batch_size(size: int) -> None:
    @scenario(SOURCE, f"TestSQSEventSourceMapping::test_sqs_event_source_mapping_batch_size"
                      f"[{size}]", AREA)
    def replay(run: Replay) -> None:
        destination, _ = queue(run, f"destination-queue-{short_id()}")
        name = forwarding_function(run, destination)
        url, arn = queue(run, f"source-queue-{short_id()}")
        # The recorder replaced the window, which the recorded test made shorter off AWS.
        created = enabled_mapping(run, EventSourceArn=arn, FunctionName=name, BatchSize=size,
                                  MaximumBatchingWindowInSeconds=2)
        run.record("create-event-source-mapping-response", recorder_values(
            created, {"MaximumBatchingWindowInSeconds": "maximum-batching-window-in-seconds"}))
        sqs = run.client("sqs")
        for key, count, batch in [("send-message-batch-result-10", 10, 0),
                                  ("send-message-batch-result-5", 5, 1)]:
            run.record(key, sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": f"{n}-{batch}", "MessageBody": f"{n}-{batch}-message-{n}"}
                for n in range(count)]))
        run.record("Records", forwarded_records(run, destination, 15)[1])


for size in (15, 100, 1000, 10000):
    batch_size(size)


@scenario(SOURCE,
          "TestSQSEventSourceMapping::test_sqs_event_source_mapping_batching_reserved_concurrency",
          AREA)
def batching_reserved_concurrency(run: Replay) -> None:
    destination, _ = queue(run, f"destination-queue-{short_id()}")
    name = forwarding_function(run, destination)
    run.capture("put_concurrency_resp", "put_function_concurrency", FunctionName=name,
                ReservedConcurrentExecutions=2)
    url, arn = queue(run, f"source-queue-{short_id()}")
    sqs = run.client("sqs")
    for batch in range(3):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": f"{n}-{batch}", "MessageBody": f"{n}-{batch}-message"} for n in range(10)])
    run.record("create-event-source-mapping-response", enabled_mapping(
        run, EventSourceArn=arn, FunctionName=name, MaximumBatchingWindowInSeconds=1,
        BatchSize=20, ScalingConfig={"MaximumConcurrency": 2}))
    batches, records = forwarded_records(run, destination, 30)
    run.record("batch_info", {"total_batches_received": batches})
    run.record("Records", records)


def published_with(run: Replay, name: str, custom: str) -> dict[str, Any]:
    """A new version of `name` whose CUSTOM_VAR is `custom`."""
    run.call("update_function_configuration", FunctionName=name,
             Environment={"Variables": {"CUSTOM_VAR": custom}})
    run.wait("function_updated_v2", FunctionName=name)
    return run.published(name)


def events_logged(run: Replay, function: str, count: int) -> list[Any]:
    """The events the function logged, once there are `count` (or the wait is over)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        events = logged_events(run, function)
        if len(events) >= count or time.monotonic() > deadline:
            return [as_logged(event) for event in events]
        time.sleep(0.5)


@scenario(SOURCE, "TestSQSEventSourceMapping::test_sqs_event_source_mapping_update", AREA)
def event_source_mapping_update(run: Replay) -> None:
    name = run.function_name()
    run.create_function(name, code=handler_zip("sqs_version_env"))
    first = published_with(run, name, "a")
    url, arn = queue(run)
    created = run.record("create-event-source-mapping-response", enabled_mapping(
        run, EventSourceArn=arn, FunctionName=first.get("FunctionArn", ""),
        MaximumBatchingWindowInSeconds=1))
    sqs = run.client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"foo": "bar"}))
    run.record("events", events_logged(run, name, 1))
    queue_is_empty(run, url)
    second = published_with(run, name, "b")
    uuid = created.get("UUID", "")
    run.capture("updated_esm", "update_event_source_mapping", UUID=uuid,
                FunctionName=second.get("FunctionArn", ""))
    run.wait_for_mapping(uuid, leaving="Updating")
    run.capture("updated_event_source_mapping", "get_event_source_mapping", UUID=uuid)
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"foo": "bar2"}))
    run.record("events_postupdate", events_logged(run, name, 2))
    queue_is_empty(run, url)


def reporting_function(run: Replay, handler: str, timeout: int,
                       variables: dict[str, str] | None = None) -> str:
    name = run.function_name()
    run.create_function(name, code=handler_zip(handler), Timeout=timeout,
                        Environment={"Variables": variables or {}})
    return name


def send_task(run: Replay, url: str, destination: str, fail_attempts: int,
              **params: Any) -> None:
    """A message that the result-to-queue handler reports to `destination`."""
    body = json.dumps({"destination": destination, "fail_attempts": fail_attempts})
    run.client("sqs").send_message(QueueUrl=url, MessageBody=body, **params)


def nothing_arrives(run: Replay, url: str, wait_seconds: int) -> None:
    left = run.client("sqs").receive_message(QueueUrl=url, WaitTimeSeconds=wait_seconds)
    if left.get("Messages"):
        raise AssertionError(f"unexpected messages in {url}: {left['Messages']}")


@scenario(SOURCE, "test_failing_lambda_retries_after_visibility_timeout", AREA)
def failing_lambda_retries_after_visibility_timeout(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_result_to_queue", 5)
    url, arn, _ = source_queue(run, 5)
    created = enabled_mapping(run, EventSourceArn=arn, FunctionName=name, BatchSize=1)
    run.capture("event_source_mapping", "get_event_source_mapping",
                UUID=created.get("UUID", ""))
    send_task(run, url, destination, 1)
    for key in ("first_attempt", "second_attempt"):
        run.record(key, received(run, destination, WaitTimeSeconds=15, MaxNumberOfMessages=1))
    nothing_arrives(run, destination, 6)


@scenario(SOURCE, "test_message_body_and_attributes_passed_correctly", AREA)
def message_body_and_attributes_passed_correctly(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_result_to_queue", 5)
    url, arn, _ = source_queue(run, 5, max_receives=2)
    enabled_mapping(run, EventSourceArn=arn, FunctionName=name, BatchSize=1)
    send_task(run, url, destination, 0, MessageAttributes={
        "Title": {"DataType": "String", "StringValue": "The Whistler"},
        "Author": {"DataType": "String", "StringValue": "John Grisham"},
        "WeeksOn": {"DataType": "Number", "StringValue": "6"}})
    run.record("first_attempt", received(run, destination, WaitTimeSeconds=15,
                                         MaxNumberOfMessages=1))


@scenario(SOURCE, "test_redrive_policy_with_failing_lambda", AREA)
def redrive_policy_with_failing_lambda(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_result_to_queue", 5)
    url, arn, dead_letters = source_queue(run, 5, max_receives=2)
    enabled_mapping(run, EventSourceArn=arn, FunctionName=name, BatchSize=1)
    send_task(run, url, destination, 2)
    run.record("first_attempt", received(run, destination, WaitTimeSeconds=15,
                                         MaxNumberOfMessages=1))
    nothing_arrives(run, dead_letters, 1)
    run.record("second_attempt", received(run, destination, WaitTimeSeconds=15,
                                          MaxNumberOfMessages=1))
    run.record("dlq_response", received(run, dead_letters, WaitTimeSeconds=15))


@scenario(SOURCE, "test_sqs_queue_as_lambda_dead_letter_queue", AREA)
def sqs_queue_as_lambda_dead_letter_queue(run: Replay) -> None:
    dead_letters, dead_letters_arn = queue(run)
    name = run.function_name()
    created = run.create_function(name, code=handler_zip("integration"),
                                  DeadLetterConfig={"TargetArn": dead_letters_arn})
    run.record("lambda-response-dlq-config",
               created["CreateFunctionResponse"].get("DeadLetterConfig"))
    run.call("put_function_event_invoke_config", FunctionName=name, MaximumRetryAttempts=0)
    run.call("invoke", FunctionName=name, Payload=json.dumps({"raise_error": 1}),
             InvocationType="Event")
    deadline = time.monotonic() + WAIT_SECONDS
    answer: dict[str, Any] = {}
    while not answer.get("Messages") and time.monotonic() < deadline:
        answer = received(run, dead_letters, MessageAttributeNames=["All"],
                          VisibilityTimeout=0, WaitTimeSeconds=1)
    run.record("messages", answer)


@scenario(SOURCE, "test_report_batch_item_failures_on_lambda_error", AREA)
def report_batch_item_failures_on_lambda_error(run: Replay) -> None:
    name = reporting_function(run, "sqs_result_to_queue", 2)
    url, arn, dead_letters = source_queue(run, 2, max_receives=2)
    run.client("sqs").send_message_batch(QueueUrl=url, Entries=[
        {"Id": "message-1", "MessageBody": "{not a json body"},
        {"Id": "message-2", "MessageBody": json.dumps({"message": 2, "fail_attempts": 0})}])
    enabled_mapping(run, EventSourceArn=arn, FunctionName=name,
                    FunctionResponseTypes=["ReportBatchItemFailures"])
    messages: list[Any] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while len(messages) < 2 and time.monotonic() < deadline:
        messages.extend(received(run, dead_letters, WaitTimeSeconds=1).get("Messages", []))
    run.record("dlq_messages", sorted(messages, key=lambda message: message["MD5OfBody"]))


def partial_batch_mapping(run: Replay, arn: str, name: str) -> dict[str, Any]:
    return enabled_mapping(run, EventSourceArn=arn, FunctionName=name, BatchSize=10,
                           MaximumBatchingWindowInSeconds=0,
                           FunctionResponseTypes=["ReportBatchItemFailures"])


@scenario(SOURCE, "test_report_batch_item_failures_invalid_result_json_batch_fails", AREA)
def report_batch_item_failures_invalid_result(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_partial_batch", 4, {
        "DESTINATION_QUEUE_URL": destination,
        "OVERWRITE_RESULT": '{"batchItemFailures": [{"foo":"notvalid"}]}'})
    url, arn, dead_letters = source_queue(run, 4, max_receives=2)
    partial_batch_mapping(run, arn, name)
    run.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(
        {"message": 1, "fail_attempts": 0}))
    for key in ("first_invocation", "second_invocation"):
        run.record(key, received(run, destination, WaitTimeSeconds=15, MaxNumberOfMessages=1))
    run.record("dlq_response", received(run, dead_letters, WaitTimeSeconds=15))


@scenario(SOURCE, "test_report_batch_item_failures_empty_json_batch_succeeds", AREA)
def report_batch_item_failures_empty_result(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_partial_batch", 4, {
        "DESTINATION_QUEUE_URL": destination, "OVERWRITE_RESULT": "{}"})
    url, arn, dead_letters = source_queue(run, 4, max_receives=1)
    partial_batch_mapping(run, arn, name)
    run.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(
        {"message": 1, "fail_attempts": 0}))
    run.record("first_invocation", received(run, destination, WaitTimeSeconds=15,
                                            MaxNumberOfMessages=1))
    nothing_arrives(run, dead_letters, 5)


@scenario(SOURCE, "test_report_batch_item_failures", AREA)
def report_batch_item_failures(run: Replay) -> None:
    destination = destination_queue(run)
    name = reporting_function(run, "sqs_partial_batch", 6,
                              {"DESTINATION_QUEUE_URL": destination})
    url, arn, dead_letters = source_queue(run, 8, max_receives=2, fifo=True)
    # Message 1 succeeds at once, 2 and 3 on their second receive, 4 never.
    sent = run.client("sqs").send_message_batch(QueueUrl=url, Entries=[
        {"Id": f"message-{n}", "MessageBody": json.dumps({"message": n, "fail_attempts": fails}),
         "MessageGroupId": "1", "MessageDeduplicationId": f"dedup-{n}"}
        for n, fails in [(1, 0), (2, 1), (3, 1), (4, 2)]])
    sent["Successful"].sort(key=lambda entry: entry["Id"])
    run.record("send_message_batch", sent)
    run.record("create_event_source_mapping", partial_batch_mapping(run, arn, name))
    for key, wait_seconds in [("first_invocation", 3), ("second_invocation", 20)]:
        answer = received(run, destination, parse_nested=True, WaitTimeSeconds=wait_seconds,
                          MaxNumberOfMessages=1)
        for message in answer.get("Messages", []):
            message["Body"]["event"]["Records"].sort(key=lambda record: record["body"]["message"])
        run.record(key, answer)
    nothing_arrives(run, destination, 1)
    run.record("dlq_response", received(run, dead_letters, WaitTimeSeconds=15))


@scenario(SOURCE, "test_fifo_message_group_parallelism", AREA)
def fifo_message_group_parallelism(run: Replay) -> None:
    url, arn = queue(run, f"test-queue-{short_id()}.fifo", {
        "FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "60"})
    name = reporting_function(run, "sqs_sleep", 10, {"TEST_SLEEP_S": "5"})
    created = run.record("create_esm_disabled", run.mapping(
        FunctionName=name, EventSourceArn=arn, Enabled=False, BatchSize=1))
    uuid = created.get("UUID", "")
    for n in range(5):
        run.client("sqs").send_message(QueueUrl=url, MessageBody=f"message-{n}",
                                       MessageGroupId="fixed-message-group-id-test")
    run.capture("update_esm_enabling", "update_event_source_mapping", UUID=uuid, Enabled=True)
    run.wait_for_mapping(uuid, leaving="Enabling")
    run.capture("get_esm_enabled", "get_event_source_mapping", UUID=uuid)
    # One group's messages go one at a time: two done show no second environment started.
    events_logged(run, name, 4)
    streams = run.client("logs").describe_log_streams(logGroupName=f"/aws/lambda/{name}")
    if len(streams["logStreams"]) != 1:
        raise AssertionError(f"{len(streams['logStreams'])} log streams, AWS 1")
