"""SQS event source mappings through boto3: the mapping API with AWS's checks, and a poller
that behaves like AWS's (batches, redelivery, dead-letter queues, partial batch responses,
FIFO order, enable/disable, restarts, and no message lost under load)."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import (
    create_function,
    eventually,
    lambda_client,
    running_server,
    unique_name,
)

# Prints the event, then one line per message: `PROCESSED|FAILED <body> <receive count> <group>`.
# A message fails when its body starts with "fail", when it is listed in FAIL_FIRST_TRY and
# this is its first receive, or at random at FAIL_RATE. Failures raise, or with PARTIAL=1 are
# reported as batch item failures (MALFORMED=1 reports an id that is not in the batch).
HANDLER = """
import json, os, random

def handler(event, context):
    print("EVENT", json.dumps(event))
    rate = float(os.environ.get("FAIL_RATE", "0"))
    fail_first_try = os.environ.get("FAIL_FIRST_TRY", "").split(",")
    partial = os.environ.get("PARTIAL") == "1"
    failures = []
    for record in event["Records"]:
        body = record["body"]
        count = record["attributes"]["ApproximateReceiveCount"]
        group = record["attributes"].get("MessageGroupId", "-")
        failing = (body.startswith("fail") or (body in fail_first_try and count == "1")
                   or random.random() < rate)
        print("FAILED" if failing else "PROCESSED", body, count, group)
        if failing:
            if not partial:
                raise RuntimeError("failed " + body)
            failures.append({"itemIdentifier": record["messageId"]})
    if os.environ.get("MALFORMED") == "1" and failures:
        return {"batchItemFailures": [{"itemIdentifier": "not-in-this-batch"}]}
    return {"batchItemFailures": failures} if partial else None
"""


WAIT_SECONDS = 90  # generous: a cold start on a busy machine can take many seconds


def sqs_client(endpoint: str) -> Any:
    return boto3.client("sqs", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def wait_until(condition: Callable[[], Any], timeout: float = WAIT_SECONDS,
               interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def deliveries(server: SimulatorServer, function: str) -> list[list[str]]:
    """The handler's per-message lines, split into words, oldest first."""
    return [event.message.split() for event in server.simulator.logs.events(function)
            if event.message.startswith(("PROCESSED ", "FAILED "))]


def function_log(server: SimulatorServer, function: str) -> str:
    """The function's log, for assertion messages."""
    return "".join(event.message for event in server.simulator.logs.events(function))[-4000:]


def processed_bodies(server: SimulatorServer, function: str) -> list[str]:
    return [words[1] for words in deliveries(server, function) if words[0] == "PROCESSED"]


def handler_events(server: SimulatorServer, function: str) -> list[dict[str, Any]]:
    return [json.loads(event.message.removeprefix("EVENT "))
            for event in server.simulator.logs.events(function)
            if event.message.startswith("EVENT ")]


class Sqs:
    """Queues and mappings for one test, deleted afterwards so that no poller outlives it."""

    def __init__(self, server: SimulatorServer) -> None:
        self.server = server
        self.sqs = sqs_client(server.url)
        self.lam = lambda_client(server.url)
        self._queues: list[str] = []
        self._mappings: list[str] = []

    def queue(self, visibility: int = 30, dead_letter_after: int | None = None,
              fifo: bool = False) -> tuple[str, str]:
        """A new queue (with a dead-letter queue when `dead_letter_after` is set): URL, ARN."""
        attributes = {"VisibilityTimeout": str(visibility)}
        name = unique_name("queue")
        if fifo:
            name += ".fifo"
            attributes.update(FifoQueue="true", ContentBasedDeduplication="true")
        if dead_letter_after is not None:
            _, dlq_arn = self.queue(fifo=fifo)
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": dead_letter_after})
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self._queues.append(url)
        return url, self.arn(url)

    def arn(self, url: str) -> str:
        return str(self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])

    def dead_letter_url(self, url: str) -> str:
        policy = json.loads(self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
        return str(self.sqs.get_queue_url(
            QueueName=policy["deadLetterTargetArn"].split(":")[-1])["QueueUrl"])

    def function(self, timeout: int = 3, **variables: str) -> str:
        return create_function(self.lam, HANDLER, Timeout=timeout,
                               Environment={"Variables": variables or {"FAIL_RATE": "0"}})

    def mapping(self, function: str, queue_arn: str, **settings: Any) -> dict[str, Any]:
        mapping = self.lam.create_event_source_mapping(
            FunctionName=function, EventSourceArn=queue_arn, **settings)
        self._mappings.append(mapping["UUID"])
        return dict(mapping)

    def count(self, url: str) -> int:
        """Messages in the queue, visible or in flight."""
        attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
            "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(
            attributes["ApproximateNumberOfMessagesNotVisible"])

    def drain(self, url: str) -> list[str]:
        """Every message body in a queue no poller reads (kept invisible while read)."""
        bodies: list[str] = []
        while True:
            messages = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                VisibilityTimeout=60).get("Messages", [])
            if not messages:
                return bodies
            bodies += [message["Body"] for message in messages]

    def close(self) -> None:
        for key in self._mappings:
            try:
                self.lam.delete_event_source_mapping(UUID=key)
            except self.lam.exceptions.ResourceNotFoundException:
                pass  # the test deleted it
        for url in self._queues:
            self.sqs.delete_queue(QueueUrl=url)


@pytest.fixture
def sqs(server: SimulatorServer) -> Iterator[Sqs]:
    helper = Sqs(server)
    yield helper
    helper.close()


@pytest.fixture(scope="module")
def process_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    """For what does not depend on the executor: the mapping API, ordering, load."""
    with running_server(tmp_path_factory.mktemp("state-sqs"), "process") as running:
        yield running


@pytest.fixture
def local_sqs(process_server: SimulatorServer) -> Iterator[Sqs]:
    helper = Sqs(process_server)
    yield helper
    helper.close()


def error_of(call: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    return error["Error"]["Code"], error["Error"]["Message"], error["ResponseMetadata"][
        "HTTPStatusCode"]


# -- the mapping API ----------------------------------------------------------------------------


def test_create_get_list_update_delete(local_sqs: Sqs) -> None:
    lam = local_sqs.lam
    function = local_sqs.function()
    _, arn = local_sqs.queue()
    created = local_sqs.mapping(function, arn, BatchSize=5)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 5 and created["MaximumBatchingWindowInSeconds"] == 0
    assert created["EventSourceArn"] == arn
    assert created["FunctionArn"].endswith(f":function:{function}")
    assert created["FunctionResponseTypes"] == []
    assert abs(created["LastModified"].timestamp() - time.time()) < 60
    key = created["UUID"]

    fetched = lam.get_event_source_mapping(UUID=key)
    assert fetched["State"] == "Enabled" and fetched["UUID"] == key

    _, other_arn = local_sqs.queue()
    second = local_sqs.mapping(function, other_arn, Enabled=False)
    assert lam.get_event_source_mapping(UUID=second["UUID"])["State"] == "Disabled"
    by_function = lam.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    assert [m["UUID"] for m in by_function] == [key, second["UUID"]]
    by_queue = lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert [m["UUID"] for m in by_queue] == [key]
    first_page = lam.list_event_source_mappings(FunctionName=function, MaxItems=1)
    assert [m["UUID"] for m in first_page["EventSourceMappings"]] == [key]
    second_page = lam.list_event_source_mappings(FunctionName=function, MaxItems=1,
                                                 Marker=first_page["NextMarker"])
    assert [m["UUID"] for m in second_page["EventSourceMappings"]] == [second["UUID"]]
    assert "NextMarker" not in second_page

    updated = lam.update_event_source_mapping(
        UUID=key, BatchSize=100, MaximumBatchingWindowInSeconds=2,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        ScalingConfig={"MaximumConcurrency": 3})
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert updated["State"] == "Updating"
    fetched = lam.get_event_source_mapping(UUID=key)
    assert fetched["BatchSize"] == 100 and fetched["MaximumBatchingWindowInSeconds"] == 2
    assert fetched["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert fetched["ScalingConfig"] == {"MaximumConcurrency": 3}
    assert fetched["State"] == "Enabled"
    assert lam.update_event_source_mapping(UUID=key, Enabled=False)["State"] == "Disabling"
    assert lam.get_event_source_mapping(UUID=key)["State"] == "Disabled"

    deleted = lam.delete_event_source_mapping(UUID=key)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert deleted["State"] == "Deleting"
    code, message, status = error_of(lambda: lam.get_event_source_mapping(UUID=key))
    assert (code, message, status) == (
        "ResourceNotFoundException", "The resource you requested does not exist.", 404)


def test_validation_errors(local_sqs: Sqs) -> None:
    lam = local_sqs.lam
    function = local_sqs.function(timeout=3)
    _, arn = local_sqs.queue(visibility=30)
    _, fifo_arn = local_sqs.queue(fifo=True)
    _, short_arn = local_sqs.queue(visibility=2)

    def create(**settings: Any) -> tuple[str, str, int]:
        options: dict[str, Any] = {"FunctionName": function, "EventSourceArn": arn, **settings}
        return error_of(lambda: lam.create_event_source_mapping(**options))

    code, message, status = create(FunctionName="no-such-function")
    assert (code, message, status) == (
        "InvalidParameterValueException", "Function does not exist", 400)
    code, message, _ = create(EventSourceArn=arn.replace("queue-", "missing-"))
    assert code == "InvalidParameterValueException"
    assert "NonExistentQueue" in message
    assert create(EventSourceArn="arn:aws:s3:::bucket")[0] == "InvalidParameterValueException"
    assert create(BatchSize=11) == (
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is "
        "greater than 10", 400)
    assert create(BatchSize=10_001, MaximumBatchingWindowInSeconds=1)[:2] == (
        "ValidationException",
        "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy "
        "constraint: Member must have value less than or equal to 10000")
    assert create(MaximumBatchingWindowInSeconds=301)[0] == "ValidationException"
    assert create(FunctionResponseTypes=["Everything"])[0] == "ValidationException"
    assert create(ScalingConfig={"MaximumConcurrency": 1001})[0] == "ValidationException"
    assert create(StartingPosition="LATEST")[:2] == (
        "InvalidParameterValueException", "StartingPosition is not valid for SQS event sources.")
    assert create(EventSourceArn=fifo_arn, MaximumBatchingWindowInSeconds=1)[:2] == (
        "InvalidParameterValueException", "Batching window is not supported for FIFO queues.")
    assert create(EventSourceArn=short_arn)[:2] == (
        "InvalidParameterValueException",
        "Queue visibility timeout: 2 seconds is less than Function timeout: 3 seconds")

    existing = local_sqs.mapping(function, arn, BatchSize=500, MaximumBatchingWindowInSeconds=1)
    code, message, status = create()
    assert (code, status) == ("ResourceConflictException", 409)
    assert message.endswith(f"existing mapping with UUID {existing['UUID']}")
    assert error_of(lambda: lam.update_event_source_mapping(
        UUID=existing["UUID"], MaximumBatchingWindowInSeconds=0))[0] == (
        "InvalidParameterValueException")
    unknown = "00000000-0000-0000-0000-000000000000"
    for call in (lambda: lam.update_event_source_mapping(UUID=unknown, BatchSize=1),
                 lambda: lam.delete_event_source_mapping(UUID=unknown)):
        assert error_of(call)[:2] == (
            "ResourceNotFoundException", "The resource you requested does not exist.")


# -- delivery -----------------------------------------------------------------------------------


def test_message_becomes_an_sqs_event(sqs: Sqs, server: SimulatorServer) -> None:
    function = sqs.function()
    url, arn = sqs.queue()
    sqs.mapping(function, arn)
    sent = sqs.sqs.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}})
    assert wait_until(lambda: sqs.count(url) == 0 and processed_bodies(server, function))
    [event] = handler_events(server, function)
    assert len(SqsModel.model_validate(event).Records) == 1
    [record] = event["Records"]
    assert record["messageId"] == sent["MessageId"]
    assert record["body"] == "hello"
    assert record["md5OfBody"] == sent["MD5OfMessageBody"]
    assert record["md5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    assert record["eventSource"] == "aws:sqs" and record["eventSourceARN"] == arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert set(record["attributes"]) >= {"SentTimestamp", "SenderId",
                                         "ApproximateFirstReceiveTimestamp"}
    assert record["messageAttributes"] == {
        "colour": {"stringValue": "blue", "stringListValues": [], "binaryListValues": [],
                   "dataType": "String"},
        "raw": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [],
                "dataType": "Binary"},
    }


def test_failure_is_redelivered_then_dead_lettered(sqs: Sqs, server: SimulatorServer) -> None:
    function = sqs.function(timeout=2)
    sqs.lam.invoke(FunctionName=function, Payload=b'{"Records": []}')  # no cold start below
    url, arn = sqs.queue(visibility=2, dead_letter_after=2)
    sqs.mapping(function, arn)
    sqs.sqs.send_message(QueueUrl=url, MessageBody="fail-always")
    assert wait_until(lambda: sqs.count(url) == 0)
    attempts = [event for event in server.simulator.logs.events(function)
                if event.message.startswith("FAILED ")]
    assert [attempt.message.split()[2] for attempt in attempts] == ["1", "2"], (
        function_log(server, function))
    assert attempts[1].timestamp_ms - attempts[0].timestamp_ms >= 1900  # the visibility timeout
    assert sqs.drain(sqs.dead_letter_url(url)) == ["fail-always"]


def test_report_batch_item_failures_deletes_only_successes(
        sqs: Sqs, server: SimulatorServer) -> None:
    function = sqs.function(timeout=2, PARTIAL="1", FAIL_FIRST_TRY="retry-4")
    url, arn = sqs.queue(visibility=2, dead_letter_after=2)
    sqs.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": body}
        for n, body in enumerate(["ok-1", "fail-2", "ok-3", "retry-4"])])
    sqs.mapping(function, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    assert wait_until(lambda: sqs.count(url) == 0)
    assert Counter(processed_bodies(server, function)) == {
        "ok-1": 1, "ok-3": 1, "retry-4": 1}, function_log(server, function)
    assert sqs.drain(sqs.dead_letter_url(url)) == ["fail-2"]


def test_malformed_batch_response_fails_the_whole_batch(
        sqs: Sqs, server: SimulatorServer) -> None:
    function = sqs.function(timeout=2, PARTIAL="1", MALFORMED="1")
    url, arn = sqs.queue(visibility=2, dead_letter_after=2)
    sqs.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": body} for n, body in enumerate(["ok-1", "fail-2", "ok-3"])])
    sqs.mapping(function, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    assert wait_until(lambda: sqs.count(url) == 0)
    dead = set(sqs.drain(sqs.dead_letter_url(url)))
    batches_with_failure = [
        [(r["body"], int(r["attributes"]["ApproximateReceiveCount"])) for r in event["Records"]]
        for event in handler_events(server, function)
        if any(r["body"] == "fail-2" for r in event["Records"])]
    later = deliveries(server, function)
    shared = 0
    for batch in batches_with_failure:
        for body, count in batch:
            shared += body != "fail-2"
            tried_again = any(w[1] == body and int(w[2]) > count for w in later)
            assert tried_again or body in dead, (body, count)
    assert shared, function_log(server, function)
    assert "fail-2" in dead


def test_batching_window_gathers_one_batch(local_sqs: Sqs,
                                           process_server: SimulatorServer) -> None:
    function = local_sqs.function()
    url, arn = local_sqs.queue()
    # A window long enough that three sends a few tenths apart land in it on a busy machine.
    local_sqs.mapping(function, arn, BatchSize=50, MaximumBatchingWindowInSeconds=5)
    for body in ("w1", "w2", "w3"):
        local_sqs.sqs.send_message(QueueUrl=url, MessageBody=body)
        time.sleep(0.3)
    assert wait_until(lambda: len(processed_bodies(process_server, function)) == 3)
    events = handler_events(process_server, function)
    assert [[r["body"] for r in event["Records"]] for event in events] == [["w1", "w2", "w3"]]


def test_fifo_keeps_group_order(local_sqs: Sqs, process_server: SimulatorServer) -> None:
    function = local_sqs.function(timeout=2, PARTIAL="1", FAIL_FIRST_TRY="a2")
    url, arn = local_sqs.queue(visibility=2, fifo=True)
    # Explicit deduplication ids: under content-based deduplication moto gives messages no
    # SequenceNumber.
    local_sqs.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": f"{group}{n}", "MessageBody": f"{group}{n}", "MessageGroupId": group,
         "MessageDeduplicationId": f"{group}{n}"}
        for n in range(1, 6) for group in ("a", "b")])
    local_sqs.mapping(function, arn, FunctionResponseTypes=["ReportBatchItemFailures"])
    assert wait_until(lambda: local_sqs.count(url) == 0)
    log = deliveries(process_server, function)
    # a2 failed on its first try and held back the rest of group a, which was then handed
    # over again behind it: the last delivery of each message is in the order sent.
    last = {words[1]: position for position, words in enumerate(log)}
    assert sorted(["a1", "a2", "a3", "a4", "a5"], key=last.__getitem__) == [
        "a1", "a2", "a3", "a4", "a5"]
    assert Counter(words[1] for words in log)["a2"] == 2
    assert Counter(words[1] for words in log if words[3] == "b") == {
        f"b{n}": 1 for n in range(1, 6)}
    event = handler_events(process_server, function)[0]
    SqsModel.model_validate(event)
    assert set(event["Records"][0]["attributes"]) >= {
        "MessageGroupId", "MessageDeduplicationId", "SequenceNumber"}


def test_disable_stops_delivery_and_enable_resumes(sqs: Sqs, server: SimulatorServer) -> None:
    function = sqs.function()
    url, arn = sqs.queue()
    key = sqs.mapping(function, arn)["UUID"]
    sqs.sqs.send_message(QueueUrl=url, MessageBody="before")
    assert wait_until(lambda: processed_bodies(server, function) == ["before"])
    sqs.lam.update_event_source_mapping(UUID=key, Enabled=False)
    sqs.sqs.send_message(QueueUrl=url, MessageBody="while-disabled")
    time.sleep(3)
    assert processed_bodies(server, function) == ["before"]
    assert sqs.count(url) == 1
    sqs.lam.update_event_source_mapping(UUID=key, Enabled=True)
    assert wait_until(
        lambda: processed_bodies(server, function) == ["before", "while-disabled"])


def test_mapping_survives_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server(state, "process") as first:
        helper = Sqs(first)
        function = helper.function()
        url, arn = helper.queue()
        key = helper.mapping(function, arn)["UUID"]
        queue_name = url.rsplit("/", 1)[-1]
    # moto's SQS keeps its queues in module-level backends, not in the state folder: the queue
    # outlives this in-process restart only because both servers share this Python process.
    with running_server(state, "process") as second:
        helper = Sqs(second)
        mapping = helper.lam.get_event_source_mapping(UUID=key)
        assert mapping["State"] == "Enabled" and mapping["EventSourceArn"] == arn
        url = helper.sqs.get_queue_url(QueueName=queue_name)["QueueUrl"]
        helper.sqs.send_message(QueueUrl=url, MessageBody="after-restart")
        assert wait_until(lambda: processed_bodies(second, function) == ["after-restart"])
        helper.lam.delete_event_source_mapping(UUID=key)
        helper.sqs.delete_queue(QueueUrl=url)


def test_burst_loses_no_message(local_sqs: Sqs, process_server: SimulatorServer) -> None:
    """1,000 messages, a random 20% of them failing on each try: every message ends up either
    processed or in the dead-letter queue. Duplicates, which SQS's at-least-once delivery
    allows (a batch settled after its visibility timeout), are counted, not refused."""
    function = local_sqs.function(timeout=2, PARTIAL="1", FAIL_RATE="0.2")
    url, arn = local_sqs.queue(visibility=2, dead_letter_after=2)
    local_sqs.mapping(function, arn, BatchSize=10, ScalingConfig={"MaximumConcurrency": 5},
                      FunctionResponseTypes=["ReportBatchItemFailures"])
    sent = [f"m{n:04d}" for n in range(1000)]
    started = time.monotonic()
    for start in range(0, len(sent), 10):
        local_sqs.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": body, "MessageBody": body} for body in sent[start:start + 10]])
    # moto's SQS spends time in proportion to the queue's length on every call, and the
    # poller's calls take turns (see QueueTurn): on a busy machine this can take a minute.
    wait_until(lambda: local_sqs.count(url) == 0, 240, interval=2)
    time.sleep(0.5)  # the last log lines
    processed = Counter(processed_bodies(process_server, function))
    dead = Counter(local_sqs.drain(local_sqs.dead_letter_url(url)))
    duplicates = sum(n - 1 for n in processed.values()) + sum(n - 1 for n in dead.values())
    both = set(processed) & set(dead)
    missing = set(sent) - set(processed) - set(dead)
    print(f"\nburst of {len(sent)} in {time.monotonic() - started:.1f} s: "
          f"processed {len(processed)}, in DLQ {len(dead)}, duplicates {duplicates}, "
          f"processed and in DLQ {len(both)}, lost {len(missing)}")
    assert not missing, sorted(missing)[:20]
    assert set(processed) | set(dead) == set(sent)
    assert dead, "with a 20% failure rate and maxReceiveCount 2, some reach the DLQ"
    invokers = f"sqs-{url.rsplit('/', 1)[-1]}"
    assert eventually(lambda: not [thread.name for thread in threading.enumerate()
                                   if thread.name.startswith(invokers)], timeout=10), \
        "the mapping at rest kept threads for the batches it invoked"


# Holds each batch for a second, prints a PROCESSED line per record as HANDLER does, then the
# event with the moments (epoch seconds) the invocation started and ended.
TIMED_HANDLER = """
import json, time

def handler(event, context):
    started = time.time()
    time.sleep(1)
    for record in event["Records"]:
        attributes = record["attributes"]
        print("PROCESSED", record["body"], attributes["ApproximateReceiveCount"],
              attributes["MessageGroupId"])
    print("EVENT", json.dumps({**event, "started": started, "ended": time.time()}))
"""


def test_fifo_hands_over_one_batch_per_group_at_a_time(
        local_sqs: Sqs, process_server: SimulatorServer) -> None:
    """Lambda reads a FIFO queue as SQS hands it out: a group's messages come in order, and
    none of a group while an earlier batch of it is in flight; other groups run meanwhile."""
    function = create_function(local_sqs.lam, TIMED_HANDLER, Timeout=5)
    url, arn = local_sqs.queue(visibility=30, fifo=True)  # far above a batch's second
    groups = ("a", "b", "c")
    sent = [f"{group}{n}" for n in range(1, 7) for group in groups]  # a1 b1 c1 a2 ...
    entries = [{"Id": body, "MessageBody": body, "MessageGroupId": body[0],
                "MessageDeduplicationId": body} for body in sent]
    for start in range(0, len(entries), 10):
        local_sqs.sqs.send_message_batch(QueueUrl=url, Entries=entries[start:start + 10])
    local_sqs.mapping(function, arn, BatchSize=2)

    def invocations() -> list[dict[str, Any]]:
        return handler_events(process_server, function)

    assert wait_until(lambda: sum(len(event["Records"]) for event in invocations())
                      >= len(sent) and local_sqs.count(url) == 0), (
        function_log(process_server, function))
    log = deliveries(process_server, function)
    assert sorted(words[1] for words in log) == sorted(sent), (
        function_log(process_server, function))
    assert {words[2] for words in log} == {"1"}
    spans = sorted(((event["started"], event["ended"],
                     [record["body"] for record in event["Records"]])
                    for event in invocations()), key=lambda span: span[0])
    for group in groups:
        delivered = [body for _, _, bodies in spans for body in bodies if body[0] == group]
        assert delivered == [body for body in sent if body[0] == group], spans
    overlapping_groups = 0
    for index, (started, ended, bodies) in enumerate(spans):
        for other_started, other_ended, other_bodies in spans[index + 1:]:
            if started < other_ended and other_started < ended:
                shared = {body[0] for body in bodies} & {body[0] for body in other_bodies}
                assert not shared, f"two batches of group {shared} ran at once: {spans}"
                overlapping_groups += 1
    assert overlapping_groups, f"no two batches ran at once: {spans}"
