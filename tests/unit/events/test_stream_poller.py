"""The stream poller behind a Kinesis or DynamoDB Streams mapping, against moto served on a
local port (as the simulator serves it) and a stand-in invoker: order and batches per shard,
checkpoints, starting positions, retries, bisecting, partial batch responses, record age,
OnFailure records, filters, tumbling windows, stopping, and a ParallelizationFactor's lanes."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import boto3
import pytest
from moto.server import ThreadedMotoServer

from simulator.config import Settings
from simulator.errors import ResourceNotFoundException
from simulator.events.filter_criteria import FilterCriteria
from simulator.events.stream_connection import StreamConnection
from simulator.events.stream_lanes import lane_of
from simulator.events.stream_poller import StreamPoller, StreamPollerConfig
from simulator.events.stream_records import StreamRecord, StreamSource
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult
from tests.helpers import ROLE, eventually, unique_name

Event = dict[str, Any]
SUCCESS = InvocationResult(b"null", request_id="request-1")
FAILURE = InvocationResult(b'{"errorType": "Exception"}', error_type="Unhandled",
                           request_id="request-2")
WAIT = 10.0


@pytest.fixture(scope="module")
def moto_port() -> Iterator[int]:
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    yield server.get_host_and_port()[1]
    server.stop()


def aws(service: str, port: int) -> Any:
    return boto3.client(service, endpoint_url=f"http://127.0.0.1:{port}",
                        region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


class StandInInvoker:
    """What a poller uses of the invoker: `resolve` names the function, `run_event` gets each
    batch's event and answers with `answer(event)`."""

    def __init__(self, answer: Callable[[Event], InvocationResult] = lambda event: SUCCESS
                 ) -> None:
        self.function = FunctionConfig(name="fn", runtime="python3.12", role=ROLE,
                                       handler="app.handler", code_sha256="", code_size=0)
        self.answer = answer
        self.events: list[Event] = []
        self.missing = False
        self._lock = threading.Lock()

    def resolve(self, reference: str, qualifier: str | None = None) -> FunctionConfig:
        if self.missing:
            raise ResourceNotFoundException(f"Function not found: {reference}")
        return self.function

    def run_event(self, function: FunctionConfig, payload: bytes, *args: Any,
                  **kwargs: Any) -> InvocationResult:
        event = json.loads(payload)
        with self._lock:
            self.events.append(event)
        return self.answer(event)

    def batches(self) -> list[list[str]]:
        """Each batch's records (Kinesis data, or DynamoDB keys), in the order they ran."""
        with self._lock:
            return [[text(record) for record in event["Records"]] for event in self.events]


def text(record: dict[str, Any]) -> str:
    if "kinesis" in record:
        return base64.b64decode(record["kinesis"]["data"]).decode()
    return str(record["dynamodb"]["Keys"]["id"]["S"])


def failing(event: Event) -> InvocationResult:
    """Fails every batch that holds a record whose text starts with "fail"."""
    return FAILURE if any(text(r).startswith("fail") for r in event["Records"]) else SUCCESS


class Harness:
    """A stream of the module's moto, and pollers of it that record checkpoints and
    OnFailure records."""

    def __init__(self, port: int, settings: Settings) -> None:
        self.kinesis = aws("kinesis", port)
        self.dynamodb = aws("dynamodb", port)
        self.connection = StreamConnection(settings)
        self.checkpoints: dict[str, str] = {}
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.pollers: list[StreamPoller] = []
        self._lock = threading.Lock()

    def stream(self) -> StreamSource:
        name = unique_name("stream")
        self.kinesis.create_stream(StreamName=name, ShardCount=1)
        arn = self.kinesis.describe_stream_summary(StreamName=name)[
            "StreamDescriptionSummary"]["StreamARN"]
        source = StreamSource.from_arn(arn)
        assert source is not None
        return source

    def table(self) -> StreamSource:
        name = unique_name("table")
        arn = self.dynamodb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]["LatestStreamArn"]
        source = StreamSource.from_arn(arn)
        assert source is not None
        return source

    def put(self, source: StreamSource, *texts: str, key: str = "k") -> list[str]:
        if source.service == "kinesis":
            return [self.kinesis.put_record(StreamName=source.name, Data=item.encode(),
                                            PartitionKey=key)["SequenceNumber"]
                    for item in texts]
        for item in texts:
            self.dynamodb.put_item(TableName=source.name, Item={"id": {"S": item}})
        return []

    def start(self, source: StreamSource, invoker: StandInInvoker,
              checkpoints: dict[str, str] | None = None,
              predecessor: StreamPoller | None = None, **settings: Any) -> StreamPoller:
        config = StreamPollerConfig(
            function_name="fn", function_arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
            source=source, starting_position="TRIM_HORIZON", starting_timestamp=None,
            created=time.time(), batch_size=100, batching_window_seconds=0,
            bisect_on_error=False, maximum_retry_attempts=-1, maximum_record_age_seconds=-1,
            report_batch_item_failures=False, on_failure=None, tumbling_window_seconds=0)
        poller = StreamPoller(replace(config, **settings), cast(Invoker, invoker),
                              self.connection, lambda: dict(checkpoints or self.checkpoints),
                              self._checkpoint, self._send, predecessor)
        poller.start()
        self.pollers.append(poller)
        return poller

    def _checkpoint(self, shard: str, sequence_number: str) -> None:
        with self._lock:
            self.checkpoints[shard] = sequence_number

    def _send(self, destination: str, record: dict[str, Any]) -> None:
        with self._lock:
            self.sent.append((destination, record))


@pytest.fixture
def harness(moto_port: int, tmp_path: Path) -> Iterator[Harness]:
    helper = Harness(moto_port, Settings.from_env(environ={}, port=moto_port,
                                                  state_dir=tmp_path))
    yield helper
    for poller in helper.pollers:
        poller.stop()
    deadline = time.monotonic() + 3
    for poller in helper.pollers:
        poller.join(deadline)


SHARD = "shardId-000000000000"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:failures"


def test_a_shards_records_arrive_in_order_in_batches_and_are_checkpointed(
        harness: Harness) -> None:
    source = harness.stream()
    sequences = harness.put(source, *[f"r{n}" for n in range(7)])
    invoker = StandInInvoker()
    harness.start(source, invoker, batch_size=3)

    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[-1], WAIT)
    assert invoker.batches() == [["r0", "r1", "r2"], ["r3", "r4", "r5"], ["r6"]]


def test_a_poller_resumes_after_its_checkpoint(harness: Harness) -> None:
    source = harness.stream()
    sequences = harness.put(source, "done", "next")
    invoker = StandInInvoker()
    harness.start(source, invoker, checkpoints={SHARD: sequences[0]})

    assert eventually(lambda: invoker.batches() == [["next"]], WAIT)


def test_latest_reads_what_arrives_after_the_mapping_was_created(harness: Harness) -> None:
    stream, table = harness.stream(), harness.table()
    harness.put(stream, "old")
    harness.put(table, "old")
    time.sleep(1.1)  # Kinesis's timestamps travel in whole seconds
    created = time.time()
    kinesis_invoker, table_invoker = StandInInvoker(), StandInInvoker()
    harness.start(stream, kinesis_invoker, starting_position="LATEST", created=created)
    harness.start(table, table_invoker, starting_position="LATEST", created=created)
    harness.put(stream, "new")
    harness.put(table, "new")

    assert eventually(lambda: kinesis_invoker.batches() == [["new"]], WAIT)
    assert eventually(lambda: table_invoker.batches() == [["new"]], WAIT)


def test_a_failing_batch_is_retried_then_reported_and_the_shard_moves_on(
        harness: Harness) -> None:
    source = harness.stream()
    sequences = harness.put(source, "fail-1", "ok-2")
    invoker = StandInInvoker(failing)
    harness.start(source, invoker, batch_size=1, maximum_retry_attempts=2, on_failure=QUEUE)

    assert eventually(lambda: invoker.batches()[-1:] == [["ok-2"]], WAIT)
    assert invoker.batches() == [["fail-1"]] * 3 + [["ok-2"]]
    [(destination, record)] = harness.sent
    assert destination == QUEUE
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["requestId"] == "request-2"
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["KinesisBatchInfo"]["startSequenceNumber"] == sequences[0]
    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[1], WAIT)


def test_a_bucket_destination_gets_the_batchs_event_with_the_record(harness: Harness) -> None:
    source = harness.stream()
    harness.put(source, "fail-1")
    bucket = "arn:aws:s3:::failures"
    harness.start(source, StandInInvoker(failing), batch_size=1, maximum_retry_attempts=0,
                  on_failure=bucket)

    assert eventually(lambda: len(harness.sent) == 1, WAIT)
    [(destination, record)] = harness.sent
    assert destination == bucket
    [event_record] = record["payload"]["Records"]
    assert base64.b64decode(event_record["kinesis"]["data"]) == b"fail-1"


def test_without_a_retry_limit_a_failing_batch_blocks_its_shard(harness: Harness) -> None:
    source = harness.stream()
    harness.put(source, "fail-1", "ok-2")
    invoker = StandInInvoker(failing)
    harness.start(source, invoker, batch_size=1)

    assert eventually(lambda: len(invoker.batches()) >= 3, WAIT)
    assert all(batch == ["fail-1"] for batch in invoker.batches())
    assert harness.checkpoints == {} and harness.sent == []


def test_bisecting_splits_a_failing_batch_until_the_bad_record_is_alone(
        harness: Harness) -> None:
    source = harness.stream()
    harness.put(source, "ok-1", "ok-2", "fail-3", "ok-4")
    invoker = StandInInvoker(failing)
    harness.start(source, invoker, batch_size=4, bisect_on_error=True,
                  maximum_retry_attempts=0, on_failure=QUEUE)

    assert eventually(lambda: invoker.batches()[-1:] == [["ok-4"]], WAIT)
    assert invoker.batches() == [["ok-1", "ok-2", "fail-3", "ok-4"], ["ok-1", "ok-2"],
                                 ["fail-3", "ok-4"], ["fail-3"], ["ok-4"]]
    [(_, record)] = harness.sent
    assert record["KinesisBatchInfo"]["batchSize"] == 1


def test_reported_item_failures_retry_from_the_first_one(harness: Harness) -> None:
    source = harness.stream()
    sequences = harness.put(source, "ok-1", "fail-2", "ok-3")

    def report(event: Event) -> InvocationResult:
        failed = [r["kinesis"]["sequenceNumber"] for r in event["Records"]
                  if text(r).startswith("fail")]
        return InvocationResult(json.dumps({"batchItemFailures": [
            {"itemIdentifier": sequence} for sequence in failed]}).encode())

    invoker = StandInInvoker(report)
    harness.start(source, invoker, report_batch_item_failures=True, maximum_retry_attempts=1,
                  on_failure=QUEUE)

    assert eventually(lambda: len(harness.sent) == 1, WAIT)
    # The rest of the batch, from the failed item on, is tried 1 + MaximumRetryAttempts times.
    assert invoker.batches() == [["ok-1", "fail-2", "ok-3"], ["fail-2", "ok-3"],
                                 ["fail-2", "ok-3"]]
    assert harness.sent[0][1]["requestContext"]["approximateInvokeCount"] == 2
    info = harness.sent[0][1]["KinesisBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        sequences[1], sequences[2], 2)
    assert harness.sent[0][1]["responseContext"]["functionError"] is None
    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[2], WAIT)


def test_records_past_their_maximum_age_are_reported_unprocessed(harness: Harness) -> None:
    source = harness.stream()
    [sequence] = harness.put(source, "old")
    time.sleep(1.1)
    invoker = StandInInvoker()
    harness.start(source, invoker, maximum_record_age_seconds=1, on_failure=QUEUE)

    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequence, WAIT)
    [(_, record)] = harness.sent
    assert record["requestContext"]["condition"] == "RecordAgeExceeded"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    assert "responseContext" not in record
    assert record["KinesisBatchInfo"]["startSequenceNumber"] == sequence
    assert invoker.batches() == []


def test_a_function_that_cannot_be_invoked_is_tried_again_without_counting(
        harness: Harness) -> None:
    source = harness.stream()
    invoker = StandInInvoker()
    invoker.missing = True
    harness.put(source, "waits")
    harness.start(source, invoker, maximum_retry_attempts=0, on_failure=QUEUE)
    time.sleep(0.6)
    invoker.missing = False

    assert eventually(lambda: invoker.batches() == [["waits"]], WAIT)
    assert harness.sent == []


def test_filters_pass_matching_records_and_checkpoint_past_the_others(
        harness: Harness) -> None:
    source = harness.stream()
    sequences = harness.put(source, '{"kind": "a", "n": 1}', '{"kind": "b"}', "plain",
                            '{"kind": "a", "n": 2}', '{"kind": "b"}')
    invoker = StandInInvoker()
    harness.start(source, invoker, batch_size=2,
                  filters=FilterCriteria.of(['{"data": {"kind": ["a"]}}']))

    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[-1], WAIT)
    assert [json.loads(item)["n"] for batch in invoker.batches() for item in batch] == [1, 2]


def test_a_tumbling_window_carries_its_state_and_ends_with_a_final_invocation(
        harness: Harness) -> None:
    source = harness.stream()

    def count(event: Event) -> InvocationResult:
        state = {"count": event["state"].get("count", 0) + len(event["Records"])}
        return InvocationResult(json.dumps({"state": state}).encode())

    invoker = StandInInvoker(count)
    harness.start(source, invoker, tumbling_window_seconds=1, batch_size=1)
    harness.put(source, "a", "b")

    assert eventually(lambda: any(e["isFinalInvokeForWindow"] for e in invoker.events), WAIT)
    finals = [event for event in invoker.events if event["isFinalInvokeForWindow"]]
    assert sum(event["state"]["count"] for event in finals) in (1, 2)  # the rest: next window
    assert all(event["Records"] == [] and event["shardId"] == SHARD
               and event["eventSourceARN"] == source.arn for event in finals)
    first = invoker.events[0]
    assert first["state"] == {} and first["window"]["start"].endswith("Z")


def test_a_stopped_poller_invokes_nothing_more(harness: Harness) -> None:
    source = harness.stream()
    invoker = StandInInvoker()
    poller = harness.start(source, invoker)
    harness.put(source, "before")
    assert eventually(lambda: invoker.batches() == [["before"]], WAIT)

    poller.stop()
    poller.join(time.monotonic() + 3)
    harness.put(source, "after")
    time.sleep(0.5)

    assert not poller.running
    assert invoker.batches() == [["before"]]
    assert poller.last_processing_result == "OK"


def test_a_replacing_poller_waits_for_its_predecessor_and_resumes_where_it_stopped(
        harness: Harness) -> None:
    source = harness.stream()
    release = threading.Event()

    def slow(event: Event) -> InvocationResult:
        release.wait(5)
        return SUCCESS

    first_invoker, second_invoker = StandInInvoker(slow), StandInInvoker()
    first = harness.start(source, first_invoker)
    harness.put(source, "in-flight")
    assert eventually(lambda: first_invoker.batches() == [["in-flight"]], WAIT)
    first.stop()
    harness.start(source, second_invoker, predecessor=first)
    harness.put(source, "next")
    time.sleep(0.6)
    assert second_invoker.batches() == []  # the shard is still its predecessor's

    release.set()

    assert eventually(lambda: second_invoker.batches() == [["next"]], WAIT)
    assert first_invoker.batches() == [["in-flight"]]


def test_a_batch_in_hand_when_something_breaks_is_read_again(harness: Harness) -> None:
    source = harness.stream()
    harness.put(source, "done")
    invoker = StandInInvoker()
    harness.start(source, invoker)
    assert eventually(lambda: invoker.batches() == [["done"]], WAIT)
    broke: list[Event] = []

    def break_once(event: Event) -> InvocationResult:
        if not broke:
            broke.append(event)
            raise RuntimeError("the environment went away")
        return SUCCESS

    invoker.answer = break_once
    harness.put(source, "again")

    assert eventually(lambda: invoker.batches() == [["done"], ["again"], ["again"]], WAIT)


# -- ParallelizationFactor ----------------------------------------------------------------------


def one_key_a_lane(lanes: int, record_of: Callable[[str], StreamRecord]) -> list[str]:
    """A key for each of `lanes` lanes, in lane order."""
    found: dict[int, str] = {}
    number = 0
    while len(found) < lanes:
        key = f"key{number}"
        found.setdefault(lane_of(record_of(key), lanes), key)
        number += 1
    return [found[lane] for lane in range(lanes)]


def partition_key(key: str) -> StreamRecord:
    return StreamRecord("0", 0.0, {"kinesis": {"partitionKey": key}})


def item_key(key: str) -> StreamRecord:
    return StreamRecord("0", 0.0, {"dynamodb": {"Keys": {"id": {"S": key}}}})


def test_with_a_parallelization_factor_other_keys_run_beside_a_batch_in_flight(
        harness: Harness) -> None:
    source = harness.stream()
    first, second = one_key_a_lane(2, partition_key)
    sequences: list[str] = []
    for n in range(3):
        for key in (first, second):
            sequences += harness.put(source, f"{key}/{n}", key=key)
    beside = threading.Event()
    waited: list[bool] = []

    def answer(event: Event) -> InvocationResult:
        head = text(event["Records"][0])
        if head.startswith(f"{second}/"):
            beside.set()
        elif head == f"{first}/0":  # held until a batch of the other key runs beside it
            waited.append(beside.wait(WAIT))
        return SUCCESS

    invoker = StandInInvoker(answer)
    harness.start(source, invoker, batch_size=2, parallelization_factor=2)

    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[-1], WAIT)
    assert waited == [True]
    batches = invoker.batches()
    assert all(len({item.split("/")[0] for item in batch}) == 1 for batch in batches)
    delivered = [item for batch in batches for item in batch]
    assert sorted(delivered) == sorted(f"{key}/{n}" for key in (first, second) for n in range(3))
    for key in (first, second):
        assert [item for item in delivered if item.startswith(f"{key}/")] == [
            f"{key}/{n}" for n in range(3)]


def test_a_failing_batch_holds_up_its_own_keys_and_the_checkpoint_but_not_other_keys(
        harness: Harness) -> None:
    source = harness.stream()
    first, second = one_key_a_lane(2, partition_key)
    sequences = (harness.put(source, "ok-1", key=second) + harness.put(source, "fail-2", key=first)
                 + harness.put(source, "ok-3", key=second) + harness.put(source, "ok-4", key=first))
    invoker = StandInInvoker(failing)
    harness.start(source, invoker, batch_size=1, parallelization_factor=2)

    assert eventually(lambda: ["ok-3"] in invoker.batches()
                      and invoker.batches().count(["fail-2"]) >= 2, WAIT)
    assert ["ok-4"] not in invoker.batches()  # behind the failing record of its key
    assert harness.checkpoints.get(SHARD) == sequences[0]  # not past the failing record

    invoker.answer = lambda event: SUCCESS
    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[-1], WAIT)
    delivered = [batch[0] for batch in invoker.batches()]
    assert delivered.index("ok-4") > delivered.index("fail-2")
    assert delivered.count("ok-1") == delivered.count("ok-3") == delivered.count("ok-4") == 1


def test_with_a_factor_of_one_a_shards_batches_never_overlap(harness: Harness) -> None:
    source = harness.stream()
    first, second = one_key_a_lane(2, partition_key)
    texts = [f"{key}/{n}" for n in range(3) for key in (first, second)]
    sequences = [number for item in texts
                 for number in harness.put(source, item, key=item.split("/")[0])]
    lock = threading.Lock()
    in_flight = [0]
    most_in_flight = [0]

    def slow(event: Event) -> InvocationResult:
        with lock:
            in_flight[0] += 1
            most_in_flight[0] = max(most_in_flight[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        return SUCCESS

    invoker = StandInInvoker(slow)
    harness.start(source, invoker, batch_size=1)

    assert eventually(lambda: harness.checkpoints.get(SHARD) == sequences[-1], WAIT)
    assert most_in_flight == [1]
    assert invoker.batches() == [[item] for item in texts]


def test_dynamodb_changes_of_one_item_keep_their_order_beside_other_items(
        harness: Harness) -> None:
    source = harness.table()
    first, second = one_key_a_lane(2, item_key)
    for n in range(1, 4):
        for item in (first, second):
            harness.dynamodb.put_item(TableName=source.name,
                                      Item={"id": {"S": item}, "n": {"N": str(n)}})
    beside = threading.Event()
    waited: list[bool] = []
    lock = threading.Lock()
    changes: list[tuple[str, str]] = []

    def answer(event: Event) -> InvocationResult:
        records = event["Records"]
        with lock:
            changes.extend((text(r), r["dynamodb"]["NewImage"]["n"]["N"]) for r in records)
        if text(records[0]) == second:
            beside.set()
        elif records[0]["dynamodb"]["NewImage"]["n"]["N"] == "1":
            waited.append(beside.wait(WAIT))
        return SUCCESS

    invoker = StandInInvoker(answer)
    harness.start(source, invoker, batch_size=1, parallelization_factor=2)

    assert eventually(lambda: len(changes) == 6, WAIT)
    assert waited == [True]
    for item in (first, second):
        assert [n for key, n in changes if key == item] == ["1", "2", "3"]
