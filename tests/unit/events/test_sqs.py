"""The SQS poller behind an event source mapping, against moto's SQS served on a local port (as
the simulator serves it) and a stand-in invoker: the event the function gets, which messages
are deleted, partial batch responses, FIFO order, batching, concurrency and stopping."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from moto.server import ThreadedMotoServer

from simulator.config import Settings
from simulator.errors import ResourceNotFoundException
from simulator.events.filter_criteria import FilterCriteria
from simulator.events.sqs import (
    PollerConfig,
    Queue,
    SqsConnection,
    SqsPoller,
    batch_item_failures,
    behind_first_failure,
    by_filters,
    settled,
    sqs_record,
)
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult
from tests.helpers import ROLE, eventually, unique_name

Event = dict[str, Any]
Answer = Callable[[Event], InvocationResult]
SUCCESS = InvocationResult(b"null")
FAILURE = InvocationResult(b'{"errorType": "Exception"}', error_type="Unhandled")


@pytest.fixture(scope="module")
def moto_port() -> Iterator[int]:
    """moto's SQS on a free port: the poller talks to it as to the simulator's endpoint."""
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    yield server.get_host_and_port()[1]
    server.stop()


@pytest.fixture
def settings(moto_port: int, tmp_path: Path) -> Settings:
    return Settings.from_env(environ={}, port=moto_port, state_dir=tmp_path)


@pytest.fixture(scope="module")
def sqs(moto_port: int) -> Any:
    return boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{moto_port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


class StandInInvoker:
    """What a poller uses of the invoker: `resolve` names the function, `run` gets each batch's
    event and answers with `answer(event)`."""

    def __init__(self, answer: Answer = lambda event: SUCCESS) -> None:
        self.function = FunctionConfig(name="fn", runtime="python3.12", role=ROLE,
                                       handler="app.handler", code_sha256="", code_size=0)
        self.answer = answer
        self.events: list[Event] = []
        self.missing = False
        self.resolves = 0
        self._lock = threading.Lock()

    def resolve(self, reference: str, qualifier: str | None = None) -> FunctionConfig:
        self.resolves += 1
        if self.missing:
            raise ResourceNotFoundException(f"Function not found: {reference}")
        return self.function

    def run_event(self, function: FunctionConfig, payload: bytes, *args: Any,
                  **kwargs: Any) -> InvocationResult:
        event = json.loads(payload)
        with self._lock:
            self.events.append(event)
        return self.answer(event)

    def bodies(self) -> list[list[str]]:
        """The message bodies of each batch, in the order the batches ran."""
        with self._lock:
            return [[record["body"] for record in event["Records"]] for event in self.events]


StartPoller = Callable[..., SqsPoller]


@pytest.fixture(scope="module")
def started_pollers() -> Iterator[list[SqsPoller]]:
    """Every poller of the module, waited for once at its end (a stopped poller may still be
    in a one-second long poll of its own queue)."""
    pollers: list[SqsPoller] = []
    yield pollers
    deadline = time.monotonic() + 3
    for poller in pollers:
        poller.join(deadline)


@pytest.fixture
def start_poller(settings: Settings, started_pollers: list[SqsPoller]) -> Iterator[StartPoller]:
    connection = SqsConnection(settings)
    mine: list[SqsPoller] = []

    def start(queue: Queue, invoker: StandInInvoker, batch_size: int = 10,
              window: int = 0, report_failures: bool = False, concurrency: int = 5,
              filters: FilterCriteria | None = None) -> SqsPoller:
        config = PollerConfig("fn", queue, batch_size, window, report_failures, concurrency,
                              filters=filters)
        poller = SqsPoller(config, cast(Invoker, invoker), connection)
        poller.start()
        mine.append(poller)
        started_pollers.append(poller)
        return poller

    yield start
    for poller in mine:
        poller.stop()


MakeQueue = Callable[..., tuple[Queue, str]]


@pytest.fixture
def make_queue(sqs: Any) -> MakeQueue:
    def make(fifo: bool = False, **attributes: str) -> tuple[Queue, str]:
        name = unique_name("queue") + (".fifo" if fifo else "")
        if fifo:
            attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true",
                          **attributes}
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        queue = Queue.from_arn(arn["Attributes"]["QueueArn"])
        assert queue is not None
        return queue, url

    return make


def left_in(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight) messages of a queue."""
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]))


def send(sqs: Any, url: str, *bodies: str, group: str | None = None) -> list[str]:
    """Send messages one by one (so their order is kept); their message ids."""
    extra = {"MessageGroupId": group} if group else {}
    return [sqs.send_message(QueueUrl=url, MessageBody=body, **extra)["MessageId"]
            for body in bodies]


def flat(batches: list[list[str]]) -> list[str]:
    return [body for batch in batches for body in batch]


# -- what reaches the function, what is deleted -------------------------------------------------


def test_a_batch_reaches_the_function_as_lambdas_sqs_event_and_is_deleted(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue()
    sqs.send_message(QueueUrl=url, MessageBody="hello", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"},
        "count": {"DataType": "Number", "StringValue": "3"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    invoker = StandInInvoker()

    start_poller(queue, invoker)

    assert eventually(lambda: len(invoker.events) == 1)
    [record] = invoker.events[0]["Records"]
    assert record["body"] == "hello"
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == queue.arn
    assert record["awsRegion"] == "us-east-1"
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= set(
        record["attributes"])
    assert record["messageAttributes"] == {
        "colour": {"stringValue": "blue", "stringListValues": [], "binaryListValues": [],
                   "dataType": "String"},
        "count": {"stringValue": "3", "stringListValues": [], "binaryListValues": [],
                  "dataType": "Number"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [],
                 "dataType": "Binary"},
    }
    assert record["md5OfBody"] == "5d41402abc4b2a76b9719d911017c592"  # md5("hello")
    assert record["md5OfMessageAttributes"]
    assert record["receiptHandle"] and record["messageId"]
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_batches_hold_at_most_the_batch_size(sqs: Any, make_queue: MakeQueue,
                                             start_poller: StartPoller) -> None:
    queue, url = make_queue()
    send(sqs, url, *[f"m{n}" for n in range(5)])
    invoker = StandInInvoker()

    start_poller(queue, invoker, batch_size=2)

    assert eventually(lambda: sorted(flat(invoker.bodies())) == [f"m{n}" for n in range(5)])
    assert max(len(batch) for batch in invoker.bodies()) <= 2
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_a_batching_window_gathers_more_than_one_receive_into_one_batch(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    """A BatchSize above SQS's ten a receive needs a window; the batch then holds all the
    messages that came within it, and is deleted ten at a time."""
    queue, url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": f"m{n}"} for n in range(10)])
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": f"m{n}"} for n in range(10, 12)])
    invoker = StandInInvoker()

    start_poller(queue, invoker, batch_size=20, window=1)

    assert eventually(lambda: len(invoker.events) == 1)
    assert sorted(invoker.bodies()[0]) == sorted(f"m{n}" for n in range(12))
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_a_function_error_leaves_the_whole_batch_in_the_queue_to_be_received_again(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    """(A visibility timeout of 0 brings failed messages back at once; one batch at a time
    keeps a batch from being received again while it is still being invoked.)"""
    queue, url = make_queue(VisibilityTimeout="0")
    send(sqs, url, "a", "b")
    invoker = StandInInvoker(lambda event: FAILURE if len(invoker.events) == 1 else SUCCESS)

    start_poller(queue, invoker, concurrency=1)

    assert eventually(lambda: sorted(flat(invoker.bodies())) == ["a", "a", "b", "b"])
    first = flat(invoker.bodies())[:2]
    assert sorted(first) == ["a", "b"]
    retried = [record for event in invoker.events[1:] for record in event["Records"]]
    assert {record["attributes"]["ApproximateReceiveCount"] for record in retried} == {"2"}
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_the_queues_redrive_policy_moves_a_failing_message_to_the_dead_letter_queue(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    dead_letters, dead_letters_url = make_queue()
    queue, url = make_queue(VisibilityTimeout="0", RedrivePolicy=json.dumps(
        {"deadLetterTargetArn": dead_letters.arn, "maxReceiveCount": 1}))
    send(sqs, url, "poison")
    invoker = StandInInvoker(lambda event: FAILURE)

    start_poller(queue, invoker)

    assert eventually(lambda: left_in(sqs, dead_letters_url) == (1, 0))
    moved = sqs.receive_message(QueueUrl=dead_letters_url)["Messages"]
    assert [message["Body"] for message in moved] == ["poison"]
    assert invoker.bodies() == [["poison"]]


# -- partial batch responses --------------------------------------------------------------------


def test_reported_item_failures_are_the_only_messages_that_return(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue(VisibilityTimeout="0")
    ids = send(sqs, url, "a", "b", "c")

    def fail_b_once(event: Event) -> InvocationResult:
        if len(invoker.events) > 1:
            return SUCCESS
        return InvocationResult(json.dumps(
            {"batchItemFailures": [{"itemIdentifier": ids[1]}]}).encode())

    invoker = StandInInvoker(fail_b_once)

    start_poller(queue, invoker, report_failures=True, concurrency=1)

    assert eventually(lambda: len(invoker.events) == 2)
    assert sorted(invoker.bodies()[0]) == ["a", "b", "c"]
    assert invoker.bodies()[1] == ["b"]
    assert invoker.events[1]["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_without_report_batch_item_failures_a_partial_response_deletes_everything(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue(VisibilityTimeout="1")
    ids = send(sqs, url, "a", "b")
    answer = InvocationResult(json.dumps(
        {"batchItemFailures": [{"itemIdentifier": ids[0]}]}).encode())
    invoker = StandInInvoker(lambda event: answer)

    start_poller(queue, invoker, report_failures=False)

    assert eventually(lambda: sorted(flat(invoker.bodies())) == ["a", "b"])
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def message(identifier: str, group: str | None = None) -> dict[str, Any]:
    attributes = {"MessageGroupId": group} if group else {}
    return {"MessageId": identifier, "ReceiptHandle": f"handle-{identifier}",
            "Attributes": attributes}


@pytest.mark.parametrize(("payload", "failed"), [
    (b"", set()),
    (b"null", set()),
    (b"{}", set()),
    (b'{"batchItemFailures": null}', set()),
    (b'{"batchItemFailures": []}', set()),
    (b'{"batchItemFailures": [{"itemIdentifier": "m2"}]}', {"m2"}),
    (b'{"batchItemFailures": [{"itemIdentifier": "m1"}, {"itemIdentifier": "m2"}]}',
     {"m1", "m2"}),
])
def test_well_formed_partial_batch_responses(payload: bytes, failed: set[str]) -> None:
    assert batch_item_failures(payload, ["m1", "m2"]) == failed


@pytest.mark.parametrize("payload", [
    b"not json",
    b'"a string"',
    b"[]",
    b'{"batchItemFailures": "m1"}',
    b'{"batchItemFailures": ["m1"]}',
    b'{"batchItemFailures": [{"itemIdentifier": "not-in-the-batch"}]}',
    b'{"batchItemFailures": [{"itemIdentifier": ""}]}',
    b'{"batchItemFailures": [{"itemIdentifier": null}]}',
])
def test_a_malformed_partial_batch_response_fails_the_whole_batch(payload: bytes) -> None:
    messages = [message("m1"), message("m2")]

    assert batch_item_failures(payload, ["m1", "m2"]) is None
    assert settled(messages, InvocationResult(payload), True, fifo=False) == []


def test_a_fifo_failure_holds_back_the_rest_of_its_group_but_not_other_groups() -> None:
    messages = [message("a1", "A"), message("b1", "B"), message("a2", "A"),
                message("a3", "A"), message("b2", "B")]
    answer = InvocationResult(b'{"batchItemFailures": [{"itemIdentifier": "a2"}]}')

    done = settled(messages, answer, True, fifo=True)

    assert [m["MessageId"] for m in done] == ["a1", "b1", "b2"]
    assert [m["MessageId"] for m in behind_first_failure(messages, done)] == ["a3"]
    # The same response from a standard queue fails only the message it names.
    assert [m["MessageId"] for m in settled(messages, answer, True, fifo=False)] == [
        "a1", "b1", "a3", "b2"]


def test_a_fifo_group_comes_back_in_order_after_a_reported_failure(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue(fifo=True, VisibilityTimeout="1")
    ids = send(sqs, url, "a1", "a2", "a3", group="A")

    def fail_a2_once(event: Event) -> InvocationResult:
        if len(invoker.events) > 1:
            return SUCCESS
        return InvocationResult(json.dumps(
            {"batchItemFailures": [{"itemIdentifier": ids[1]}]}).encode())

    invoker = StandInInvoker(fail_a2_once)

    start_poller(queue, invoker, report_failures=True)

    assert eventually(lambda: len(flat(invoker.bodies())) == 5)
    assert invoker.bodies() == [["a1", "a2", "a3"], ["a2", "a3"]]
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


# -- concurrency, a missing function, stopping --------------------------------------------------


def test_concurrent_batches_are_bounded_by_the_maximum_concurrency(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue()
    send(sqs, url, *[f"m{n}" for n in range(6)])
    release = threading.Event()
    lock = threading.Lock()
    running = [0]
    most = [0]

    def hold(event: Event) -> InvocationResult:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(5)
        with lock:
            running[0] -= 1
        return SUCCESS

    invoker = StandInInvoker(hold)

    start_poller(queue, invoker, batch_size=1, concurrency=2)

    assert eventually(lambda: running[0] == 2)
    time.sleep(0.3)  # room for a third batch, were the bound not kept
    assert most[0] == 2
    release.set()
    assert eventually(lambda: len(invoker.events) == 6)
    assert most[0] == 2
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_messages_wait_in_the_queue_while_the_function_is_missing(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    """The poller outlives a failure (here: no such function) and backs off; the messages are
    not taken until the function can run them."""
    queue, url = make_queue()
    send(sqs, url, "kept")
    invoker = StandInInvoker()
    invoker.missing = True

    start_poller(queue, invoker)

    assert eventually(lambda: invoker.resolves >= 1)
    assert left_in(sqs, url) == (1, 0)
    invoker.missing = False
    assert eventually(lambda: invoker.bodies() == [["kept"]])
    assert eventually(lambda: left_in(sqs, url) == (0, 0))


def test_a_stopped_poller_settles_the_batch_in_hand_and_takes_no_more(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller) -> None:
    queue, url = make_queue()
    send(sqs, url, "in hand")
    entered, release = threading.Event(), threading.Event()

    def hold(event: Event) -> InvocationResult:
        entered.set()
        release.wait(5)
        return SUCCESS

    invoker = StandInInvoker(hold)
    poller = start_poller(queue, invoker)
    assert entered.wait(3)

    poller.stop()
    release.set()
    poller.join(time.monotonic() + 3)

    assert not poller.running
    assert left_in(sqs, url) == (0, 0)
    send(sqs, url, "after the stop")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == [
        "after the stop"]
    assert invoker.bodies() == [["in hand"]]


def test_a_batch_a_stopped_poller_received_goes_to_a_running_poller_of_its_queue(
        sqs: Any, settings: Settings, make_queue: MakeQueue,
        started_pollers: list[SqsPoller]) -> None:
    """An update replaces a mapping's poller while the old one may be in a long poll: what
    that one receives is invoked by the new one, received once, not released to be received
    a second time."""
    queue, url = make_queue()
    send(sqs, url, "after the update")
    received = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["All"],
                                   MessageAttributeNames=["All"])["Messages"]
    connection = SqsConnection(settings)
    invoker = StandInInvoker()
    successor = SqsPoller(PollerConfig("fn", queue, 10, 0, False, 5), cast(Invoker, invoker),
                          connection)
    successor.start()
    started_pollers.append(successor)
    left: list[list[dict[str, Any]]] = []
    stopped = threading.Thread(target=lambda: left.append(connection.hand_over(queue, received)))
    stopped.start()

    assert eventually(lambda: invoker.bodies() == [["after the update"]])
    [record] = invoker.events[0]["Records"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    stopped.join(5)
    assert left == [[]]
    assert eventually(lambda: left_in(sqs, url) == (0, 0))
    successor.stop()


def test_what_no_poller_takes_over_is_returned_to_be_released(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.events.sqs.HANDOVER_SECONDS", 0.1)
    queue = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders")
    assert queue is not None
    connection = SqsConnection(settings)
    connection.listen(queue)  # a poller that never takes anything

    assert connection.hand_over(queue, [message("m1"), message("m2")]) == [
        message("m1"), message("m2")]
    assert connection.take_over(queue, 10) == []


def test_with_no_poller_of_the_queue_left_a_handover_returns_at_once(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disabled mapping's last batch goes straight back to the queue, not after the
    handover's wait."""
    monkeypatch.setattr("simulator.events.sqs.HANDOVER_SECONDS", 60)
    queue = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders")
    assert queue is not None
    connection = SqsConnection(settings)
    connection.listen(queue)
    connection.stop_listening(queue)

    began = time.monotonic()
    assert connection.hand_over(queue, [message("m1")]) == [message("m1")]
    assert time.monotonic() - began < 30


def test_a_record_names_a_missing_attributes_digest_only_with_a_batching_window() -> None:
    """As AWS's recorded events have it: null with a window, no key without one."""
    queue = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders")
    assert queue is not None
    plain = {**message("m1"), "Body": "x"}
    with_attributes = {**plain, "MD5OfMessageAttributes": "d25a6aea97eb8f585bfa92d314504a92"}

    assert "md5OfMessageAttributes" not in sqs_record(plain, queue)
    assert sqs_record(plain, queue, batching_window_seconds=1)["md5OfMessageAttributes"] is None
    assert sqs_record(with_attributes, queue)["md5OfMessageAttributes"] == (
        "d25a6aea97eb8f585bfa92d314504a92")


def test_a_queue_is_named_by_an_sqs_arn_only() -> None:
    standard = Queue.from_arn("arn:aws:sqs:eu-west-1:123456789012:orders")
    fifo = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders.fifo")

    assert standard is not None and fifo is not None
    assert (standard.region, standard.account, standard.name) == (
        "eu-west-1", "123456789012", "orders")
    assert (standard.fifo, fifo.fifo) == (False, True)
    assert Queue.from_arn("arn:aws:sns:us-east-1:123456789012:orders") is None
    assert Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:or/ders") is None


# -- filter criteria ----------------------------------------------------------------------------


ORDERS = FilterCriteria.of(['{"body": {"kind": ["order"]}}', '{"body": ["ping"]}'])




def test_messages_are_split_by_their_lambda_record_in_queue_order() -> None:
    queue = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders")
    assert queue is not None
    messages = [{**message(f"m{n}"), "Body": body} for n, body in enumerate(
        ['{"kind": "order"}', '{"kind": "refund"}', "ping", "pong", '{"kind": "order", "n": 2}'])]

    wanted, unwanted = by_filters(messages, queue, ORDERS)

    assert [m["MessageId"] for m in wanted] == ["m0", "m2", "m4"]
    assert [m["MessageId"] for m in unwanted] == ["m1", "m3"]


def test_the_records_attributes_can_be_filtered_on() -> None:
    queue = Queue.from_arn("arn:aws:sqs:us-east-1:123456789012:orders")
    assert queue is not None
    blue = {**message("blue"), "Body": "x", "MessageAttributes": {
        "colour": {"DataType": "String", "StringValue": "blue"}}}
    red = {**message("red"), "Body": "x", "MessageAttributes": {
        "colour": {"DataType": "String", "StringValue": "red"}}}
    filters = FilterCriteria.of(['{"messageAttributes": {"colour": {"stringValue": ["blue"]}},'
                                 ' "eventSource": ["aws:sqs"]}'])

    assert by_filters([blue, red], queue, filters) == ([blue], [red])


def test_only_matching_messages_are_invoked_and_the_others_are_deleted(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller
        ) -> None:
    queue, url = make_queue()
    send(sqs, url, '{"kind": "order", "n": 1}', '{"kind": "refund"}', "ping", "pong",
         "not json {", '{"kind": "order", "n": 2}')
    invoker = StandInInvoker()

    start_poller(queue, invoker, filters=ORDERS)

    assert eventually(lambda: left_in(sqs, url) == (0, 0))
    assert eventually(lambda: sorted(flat(invoker.bodies())) == sorted(
        ['{"kind": "order", "n": 1}', "ping", '{"kind": "order", "n": 2}']))
    time.sleep(0.2)
    assert len(flat(invoker.bodies())) == 3  # nothing more, and nothing twice


def test_a_batch_is_filled_with_matching_messages_only(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller
        ) -> None:
    """Lambda applies the filters to each message before it joins a batch: the batch size
    counts matching messages, and a batching window gathers them."""
    queue, url = make_queue()
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": "ping" if n % 3 == 0 else "pong"} for n in range(10)])
    sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": "ping"} for n in range(2)])
    invoker = StandInInvoker()

    start_poller(queue, invoker, filters=ORDERS, batch_size=20, window=1)

    # The window is a second; on a busy machine the poll around it takes longer.
    assert eventually(lambda: len(invoker.events) == 1, timeout=15)
    assert invoker.bodies() == [["ping"] * 6]
    assert eventually(lambda: left_in(sqs, url) == (0, 0), timeout=15)


def test_when_no_message_matches_the_function_is_not_invoked(
        sqs: Any, make_queue: MakeQueue, start_poller: StartPoller
        ) -> None:
    queue, url = make_queue()
    send(sqs, url, "pong", '{"kind": "refund"}')
    invoker = StandInInvoker()

    start_poller(queue, invoker, filters=ORDERS)

    assert eventually(lambda: left_in(sqs, url) == (0, 0))
    time.sleep(0.2)
    assert invoker.events == []
