"""The SQS poller behind an event source mapping. Like AWS's, it is an ordinary SQS client of
the queue (here: the simulator's own endpoint, where moto serves SQS): it long-polls for a
batch, invokes the function synchronously, and deletes what succeeded. What failed stays in the
queue and comes back after the visibility timeout; the queue's redrive policy, not the poller,
moves it to a dead-letter queue."""

from __future__ import annotations

import base64
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.events.filter_criteria import FilterCriteria
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult

log = logging.getLogger(__name__)

SQS_ARN = re.compile(r"arn:aws[a-zA-Z-]*:sqs:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
                     r"(?P<name>[a-zA-Z0-9_-]{1,80}(\.fifo)?)")
RECEIVE_LIMIT = 10  # SQS's own cap on MaxNumberOfMessages
RECEIVE_WAIT_SECONDS = 1  # short long-polls, so a stop or a disable is noticed promptly
DEFAULT_CONCURRENT_BATCHES = 5  # a mapping without ScalingConfig
BACKOFF_START_SECONDS, BACKOFF_MAX_SECONDS = 0.5, 10.0
# How long a stopped poller offers what it received to the queue's other pollers: past the
# long poll a running one may be in.
HANDOVER_SECONDS = RECEIVE_WAIT_SECONDS + 2
RECORD_ATTRIBUTES = (
    "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
    "MessageGroupId", "MessageDeduplicationId", "SequenceNumber", "AWSTraceHeader",
)
MISSING_QUEUE_CODES = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})


@dataclass(frozen=True)
class Queue:
    """An SQS queue named by its ARN."""

    arn: str
    region: str
    account: str
    name: str

    @classmethod
    def from_arn(cls, arn: str) -> Queue | None:
        match = SQS_ARN.fullmatch(arn)
        if match is None:
            return None
        return cls(arn, match["region"], match["account"], match["name"])

    @property
    def fifo(self) -> bool:
        return self.name.endswith(".fifo")


@dataclass(frozen=True)
class PollerConfig:
    """What a poller needs of its mapping."""

    function_name: str
    queue: Queue
    batch_size: int
    batching_window_seconds: int
    report_batch_item_failures: bool
    concurrency: int
    filters: FilterCriteria | None = None


class QueueTurn:
    """The simulator's calls on one queue take turns: moto's SQS is not thread-safe, and two
    calls at once can hand a message out twice, fail halfway through moving messages to the
    dead-letter queue (they come back later, one receive closer to it), or undo a deletion.
    Settling (deleting, releasing) goes before the next receive, so that a finished batch is
    not kept waiting until its visibility timeout runs out; a receive's long poll holds the turn
    for a second at most."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._busy = False
        self._settling = 0

    @contextmanager
    def receiving(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._busy and not self._settling)
            self._busy = True
        try:
            yield
        finally:
            self._done()

    @contextmanager
    def settling(self) -> Iterator[None]:
        with self._changed:
            self._settling += 1
            self._changed.wait_for(lambda: not self._busy)
            self._settling -= 1
            self._busy = True
        try:
            yield
        finally:
            self._done()

    def _done(self) -> None:
        with self._changed:
            self._busy = False
            self._changed.notify_all()


class SqsConnection:
    """boto3 SQS clients for the simulator's own endpoint, one per region, built lazily: the
    endpoint's port is only known once the server has bound it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        self._urls: dict[tuple[str, str], str] = {}
        self._turns: dict[str, QueueTurn] = {}
        self._handed_over: dict[str, list[dict[str, Any]]] = {}
        self._handover_changed = threading.Condition()
        self._listening: dict[str, int] = {}  # queue ARN → pollers started and not stopped

    def client(self, region: str) -> Any:
        endpoint = self._settings.endpoint_url
        with self._lock:
            client = self._clients.get((endpoint, region))
            if client is None:
                client = own_client(
                    self._settings, "sqs", region, max_pool_connections=50,
                    retries={"max_attempts": 2, "mode": "standard"},
                    read_timeout=RECEIVE_WAIT_SECONDS + 30)
                self._clients[(endpoint, region)] = client
            return client

    def queue_url(self, queue: Queue) -> str:
        key = (self._settings.endpoint_url, queue.arn)
        url = self._urls.get(key)
        if url is None:
            response = self.client(queue.region).get_queue_url(
                QueueName=queue.name, QueueOwnerAWSAccountId=queue.account)
            url = self._urls[key] = str(response["QueueUrl"])
        return url

    def receive(self, queue: Queue, **parameters: Any) -> list[dict[str, Any]]:
        with self._turn(queue).receiving():
            response = self.client(queue.region).receive_message(
                QueueUrl=self.queue_url(queue), **parameters)
        return list(response.get("Messages", []))

    def delete(self, queue: Queue, messages: list[dict[str, Any]]) -> None:
        for chunk in _chunks(messages):
            with self._turn(queue).settling():
                response = self.client(queue.region).delete_message_batch(
                    QueueUrl=self.queue_url(queue), Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                        for n, m in enumerate(chunk)])
            for failure in response.get("Failed", []):
                log.warning("could not delete message %s from %s: %s",
                            chunk[int(failure["Id"])]["MessageId"], queue.arn,
                            failure.get("Message"))

    def release(self, queue: Queue, messages: list[dict[str, Any]]) -> None:
        """Make messages visible again at once."""
        for chunk in _chunks(messages):
            with self._turn(queue).settling():
                self.client(queue.region).change_message_visibility_batch(
                    QueueUrl=self.queue_url(queue), Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"],
                         "VisibilityTimeout": 0}
                        for n, m in enumerate(chunk)])

    def listen(self, queue: Queue) -> None:
        with self._handover_changed:
            self._listening[queue.arn] = self._listening.get(queue.arn, 0) + 1

    def stop_listening(self, queue: Queue) -> None:
        with self._handover_changed:
            left = self._listening.get(queue.arn, 0) - 1
            if left > 0:
                self._listening[queue.arn] = left
            else:
                self._listening.pop(queue.arn, None)

    def hand_over(self, queue: Queue, messages: list[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
        """Offer what a stopped poller received to the queue's running pollers (an updated
        mapping's new one, another mapping's) as if they had received it: received again, a
        message would count one receive more than Lambda made, and a queue whose
        maxReceiveCount is 1 would move it to its dead-letter queue unseen. Returns what no
        poller took in time, to be released."""
        mine = {message["MessageId"] for message in messages}

        def taken() -> bool:
            return not any(message["MessageId"] in mine
                           for message in self._handed_over.get(queue.arn, []))

        with self._handover_changed:
            if not self._listening.get(queue.arn):
                return messages  # no poller of the queue is left to take them
            self._handed_over.setdefault(queue.arn, []).extend(messages)
            self._handover_changed.wait_for(taken, timeout=HANDOVER_SECONDS)
            waiting = self._handed_over.pop(queue.arn, [])
            left = [message for message in waiting if message["MessageId"] in mine]
            others = [message for message in waiting if message["MessageId"] not in mine]
            if others:
                self._handed_over[queue.arn] = others
        return left

    def take_over(self, queue: Queue, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` messages a stopped poller of the queue handed over, oldest first."""
        with self._handover_changed:
            waiting = self._handed_over.get(queue.arn)
            if not waiting:
                return []
            taken, self._handed_over[queue.arn] = waiting[:limit], waiting[limit:]
            self._handover_changed.notify_all()
        return taken

    def _turn(self, queue: Queue) -> QueueTurn:
        with self._lock:
            return self._turns.setdefault(queue.arn, QueueTurn())

    def attributes(self, queue: Queue) -> dict[str, str] | None:
        """The queue's attributes, or None when there is no such queue."""
        try:
            response = self.client(queue.region).get_queue_attributes(
                QueueUrl=self.queue_url(queue), AttributeNames=["All"])
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING_QUEUE_CODES:
                return None
            raise
        return dict(response.get("Attributes", {}))

    def wait_until_serving(self, stop: threading.Event) -> bool:
        """Block until the endpoint accepts connections (False if stopped first), so pollers
        started with the simulator do not fill the log with refused connections."""
        while not stop.is_set():
            address = urlsplit(self._settings.endpoint_url)
            if address.port:
                try:
                    with socket.create_connection((address.hostname, address.port), timeout=1):
                        return True
                except OSError:
                    pass
            stop.wait(0.2)
        return False


class SqsPoller:
    """One enabled mapping's poller: a receiver that takes batches off the queue and hands each
    to an invoker, which invokes the function and settles the batch. The number of invokers
    bounds the mapping's concurrent batches (`ScalingConfig.MaximumConcurrency`); the receiver
    only takes a batch when an invoker is free, so no batch waits in the simulator while its
    visibility timeout runs. Each invoker is a thread of its own batch, so a mapping at rest
    holds none."""

    def __init__(self, config: PollerConfig, invoker: Invoker,
                 connection: SqsConnection) -> None:
        self.config = config
        self._invoker = invoker
        self._connection = connection
        self._stop = threading.Event()
        self._free_invokers = threading.Semaphore(config.concurrency)
        self._in_flight: set[threading.Thread] = set()
        self._in_flight_lock = threading.Lock()
        self._receiver = threading.Thread(target=self._receive, daemon=True,
                                          name=f"sqs-poller-{config.queue.name}")

    def start(self) -> None:
        self._connection.listen(self.config.queue)
        self._receiver.start()

    def stop(self) -> None:
        """Ask the poller to finish: a batch being invoked is still settled, one just received
        goes to another poller of the queue, or back to the queue."""
        if not self._stop.is_set():
            self._stop.set()
            self._connection.stop_listening(self.config.queue)

    @property
    def running(self) -> bool:
        return self._receiver.is_alive() or bool(self._in_flight)

    def join(self, deadline: float) -> None:
        """Wait for the poller, until `deadline` (a `time.monotonic()` moment) at most."""
        self._receiver.join(max(deadline - time.monotonic(), 0))
        with self._in_flight_lock:
            invokers = list(self._in_flight)
        for invoker in invokers:
            invoker.join(max(deadline - time.monotonic(), 0))

    def _receive(self) -> None:
        if self._connection.wait_until_serving(self._stop):
            self._receive_until_stopped()

    def _receive_until_stopped(self) -> None:
        backoff = BACKOFF_START_SECONDS
        while not self._stop.is_set():
            if not self._free_invokers.acquire(timeout=RECEIVE_WAIT_SECONDS):
                continue
            try:
                handed_over = self._take_batch()
                backoff = BACKOFF_START_SECONDS
            except Exception as error:  # a poller must outlive any failure: log, back off
                handed_over = False
                if not self._stop.is_set():
                    log.warning("SQS poller of %s for %s: %s; retrying in %.1f s",
                                self.config.function_name, self.config.queue.arn, error,
                                backoff)
                    self._stop.wait(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
            if not handed_over:
                self._free_invokers.release()

    def _take_batch(self) -> bool:
        """Receive a batch and hand it to an invoker; False if there was none to hand over."""
        function = self._invoker.resolve(self.config.function_name)
        messages = self._collect()
        if not messages:
            return False
        if self._stop.is_set():
            self._connection.release(self.config.queue,
                                     self._connection.hand_over(self.config.queue, messages))
            return False
        invoker = threading.Thread(target=self._invoke, args=(function, messages),
                                   daemon=True, name=f"sqs-{self.config.queue.name}")
        with self._in_flight_lock:
            self._in_flight.add(invoker)
        invoker.start()
        return True

    def _invoke(self, function: FunctionConfig, messages: list[dict[str, Any]]) -> None:
        try:
            event = {"Records": [sqs_record(m, self.config.queue,
                                            self.config.batching_window_seconds)
                                 for m in messages]}
            result = self._invoker.run_event(
                function, json.dumps(event).encode(), trace_header=_trace_header(messages),
                invoked_as=self.config.function_name.partition(":")[2])
            done = settled(messages, result, self.config.report_batch_item_failures,
                           self.config.queue.fifo)
            if len(done) < len(messages):
                log.info("%s: %d of %d messages from %s failed (%s); they return after the "
                         "visibility timeout", function.name, len(messages) - len(done),
                         len(messages), self.config.queue.name,
                         result.error_type or "reported by the function")
            self._connection.delete(self.config.queue, done)
            if self.config.queue.fifo:
                self._connection.release(self.config.queue,
                                         behind_first_failure(messages, done))
        except Exception as error:  # the messages come back after their visibility timeout
            if self._stop.is_set():
                log.info("SQS poller of %s stopped before a batch was settled: %s",
                         function.name, error)
            else:
                log.exception("SQS poller of %s for %s: a batch could not be settled",
                              function.name, self.config.queue.arn)
        finally:
            with self._in_flight_lock:
                self._in_flight.discard(threading.current_thread())
            self._free_invokers.release()

    def _collect(self) -> list[dict[str, Any]]:
        """One batch: up to BatchSize messages, gathered for up to the batching window once the
        first one arrives (with no window, whatever the first receive brings). What a stopped
        poller of the queue handed over comes first."""
        batch: list[dict[str, Any]] = []
        deadline: float | None = None
        while len(batch) < self.config.batch_size and not self._stop.is_set():
            wait_seconds = RECEIVE_WAIT_SECONDS
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                wait_seconds = min(RECEIVE_WAIT_SECONDS, int(remaining))
            wanted = min(RECEIVE_LIMIT, self.config.batch_size - len(batch))
            received = self._connection.take_over(self.config.queue, wanted)
            if not received:
                received = self._connection.receive(
                    self.config.queue, MaxNumberOfMessages=wanted, WaitTimeSeconds=wait_seconds,
                    MessageSystemAttributeNames=["All"], MessageAttributeNames=["All"])
            batch.extend(self._wanted(received))
            if not batch:
                break
            if deadline is None:
                if self.config.batching_window_seconds == 0:
                    break
                deadline = time.monotonic() + self.config.batching_window_seconds
            if not received and wait_seconds == 0:
                self._stop.wait(0.1)
        return batch

    def _wanted(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The messages that match the mapping's filters. Lambda deletes the others from the
        queue, unseen by the function; so does the poller, before they join a batch. A stopped
        poller deletes nothing: its filters may be the ones an update just replaced."""
        if self.config.filters is None or not messages or self._stop.is_set():
            return messages
        wanted, unwanted = by_filters(messages, self.config.queue, self.config.filters,
                                      self.config.batching_window_seconds)
        if unwanted:
            log.debug("%s: %d of %d messages from %s match no filter; deleted",
                      self.config.function_name, len(unwanted), len(messages),
                      self.config.queue.name)
            self._connection.delete(self.config.queue, unwanted)
        return wanted


def _trace_header(messages: list[dict[str, Any]]) -> str | None:
    """A batch continues the trace of its first message that carries one, as Lambda
    continues an SQS message's `AWSTraceHeader`."""
    for message in messages:
        header = (message.get("Attributes") or {}).get("AWSTraceHeader")
        if header:
            return str(header)
    return None


def sqs_record(message: dict[str, Any], queue: Queue, batching_window_seconds: int = 0
               ) -> dict[str, Any]:
    """One `Records[]` entry of the event Lambda sends for SQS. For a message without
    attributes, AWS's events name `md5OfMessageAttributes` as null when the mapping has a
    batching window, and leave it out when it has none."""
    attributes = message.get("Attributes", {})
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": {name: attributes[name] for name in RECORD_ATTRIBUTES
                       if name in attributes},
        "messageAttributes": {name: lambda_message_attribute(value) for name, value
                              in message.get("MessageAttributes", {}).items()},
    }
    digest = message.get("MD5OfMessageAttributes") or None
    if digest is not None or batching_window_seconds > 0:
        record["md5OfMessageAttributes"] = digest
    record.update({
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue.arn,
        "awsRegion": queue.region,
    })
    return record


def by_filters(messages: list[dict[str, Any]], queue: Queue, filters: FilterCriteria,
               batching_window_seconds: int = 0
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the messages whose Lambda record matches a filter, the others), each in queue order."""
    wanted: list[dict[str, Any]] = []
    unwanted: list[dict[str, Any]] = []
    for message in messages:
        record = sqs_record(message, queue, batching_window_seconds)
        matched = filters.matches(record, data_key="body")
        (wanted if matched else unwanted).append(message)
    return wanted, unwanted


def lambda_message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS's `{StringValue, DataType}` as Lambda spells it: camel case, binary in base64, the
    list members always present."""
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    attribute["stringListValues"] = list(value.get("StringListValues", []))
    attribute["binaryListValues"] = [base64.b64encode(item).decode()
                                     for item in value.get("BinaryListValues", [])]
    attribute["dataType"] = value.get("DataType", "String")
    return attribute


def settled(messages: list[dict[str, Any]], result: InvocationResult,
            report_batch_item_failures: bool, fifo: bool) -> list[dict[str, Any]]:
    """The messages to delete. A function error fails the whole batch; with
    ReportBatchItemFailures only the reported ones fail, and in a FIFO queue a failure also
    holds back the later messages of its group, so that the group's order is kept."""
    if result.failed:
        return []
    if not report_batch_item_failures:
        return list(messages)
    failed = batch_item_failures(result.payload, [m["MessageId"] for m in messages])
    if failed is None:
        return []
    blocked_groups: set[str] = set()
    done = []
    for message in messages:
        group = message.get("Attributes", {}).get("MessageGroupId") if fifo else None
        if message["MessageId"] in failed or group in blocked_groups:
            if group is not None:
                blocked_groups.add(group)
            continue
        done.append(message)
    return done


def behind_first_failure(messages: list[dict[str, Any]], done: list[dict[str, Any]]
                         ) -> list[dict[str, Any]]:
    """In a FIFO batch, the unfinished messages that follow their group's first unfinished one.
    That first one, in flight until the visibility timeout, keeps the group blocked on its own,
    so the rest can be released at once; they then come back behind it, in order (left in
    flight, they would all turn visible together, and moto hands a group's last one out
    first)."""
    finished = {message["MessageId"] for message in done}
    blocked: set[str] = set()
    behind = []
    for message in messages:
        if message["MessageId"] in finished:
            continue
        group = message.get("Attributes", {}).get("MessageGroupId", "")
        if group in blocked:
            behind.append(message)
        blocked.add(group)
    return behind


def batch_item_failures(payload: bytes, message_ids: Sequence[str]) -> set[str] | None:
    """The ids a partial batch response reports as failed; None when the response is
    malformed, which fails the whole batch. Nothing, `{}` and an empty or null list mean
    that every message succeeded."""
    try:
        response = json.loads(payload) if payload.strip() else None
    except (ValueError, UnicodeDecodeError):
        return None
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    failed = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in message_ids:
            return None
        failed.add(identifier)
    return failed


def _chunks(messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """SQS's batch calls take ten entries at most."""
    return [messages[n:n + RECEIVE_LIMIT] for n in range(0, len(messages), RECEIVE_LIMIT)]
