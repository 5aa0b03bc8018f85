"""A shard's lanes: which lane a record goes to, the shard checkpoint they share, and one lane
invoking its batches in order, against a stand-in invoker."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any, cast

import pytest

from simulator.events.stream_lanes import (
    Lane,
    ShardProgress,
    StreamPollerConfig,
    lane_key,
    lane_of,
)
from simulator.events.stream_records import StreamRecord, StreamSource
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult
from tests.helpers import ROLE, eventually

ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
SOURCE = StreamSource.from_arn(ARN)
SUCCESS = InvocationResult(b"null")
FAILURE = InvocationResult(b'{"errorType": "Exception"}', error_type="Unhandled")
WAIT = 10.0


def kinesis(sequence: int, key: str, text: str = "") -> StreamRecord:
    return StreamRecord(f"{sequence:05d}", time.time(), {
        "kinesis": {"partitionKey": key, "sequenceNumber": f"{sequence:05d}", "data": text}})


def dynamodb(sequence: int, keys: dict[str, Any]) -> StreamRecord:
    return StreamRecord(str(sequence), time.time(), {"dynamodb": {"Keys": keys}})


def config(**settings: Any) -> StreamPollerConfig:
    assert SOURCE is not None
    values: dict[str, Any] = dict(
        function_name="fn", function_arn="arn:aws:lambda:us-east-1:123456789012:function:fn",
        source=SOURCE, starting_position="TRIM_HORIZON", starting_timestamp=None,
        created=0.0, batch_size=2, batching_window_seconds=0, bisect_on_error=False,
        maximum_retry_attempts=-1, maximum_record_age_seconds=-1,
        report_batch_item_failures=False, on_failure=None, tumbling_window_seconds=0)
    values.update(settings)
    return StreamPollerConfig(**values)


# -- lanes --------------------------------------------------------------------------------------


def test_a_keys_records_always_go_to_the_same_lane() -> None:
    for lanes in range(1, 11):
        assert len({lane_of(kinesis(n, "order-7"), lanes) for n in range(20)}) == 1
    assert {lane_of(kinesis(0, f"key-{n}"), 1) for n in range(20)} == {0}


def test_different_keys_spread_over_every_lane() -> None:
    for lanes in (2, 3, 10):
        assert {lane_of(kinesis(0, f"key-{n}"), lanes) for n in range(200)} == set(
            range(lanes))


def test_a_dynamodb_records_lane_is_that_of_its_item() -> None:
    item = {"pk": {"S": "user-1"}, "sk": {"N": "3"}}
    same_item = {"sk": {"N": "3"}, "pk": {"S": "user-1"}}
    assert lane_key(dynamodb(1, item)) == lane_key(dynamodb(2, same_item))
    assert lane_key(dynamodb(1, item)) != lane_key(
        dynamodb(3, {"pk": {"S": "user-1"}, "sk": {"N": "4"}}))
    assert lane_key(kinesis(1, "user-1")) == "user-1"


def test_a_tumbling_window_keeps_one_lane_a_shard() -> None:
    assert config(parallelization_factor=4).lanes == 4
    assert config(parallelization_factor=4, tumbling_window_seconds=30).lanes == 1
    assert config().lanes == 1


# -- the shard's checkpoint ---------------------------------------------------------------------


def test_the_checkpoint_waits_for_the_lowest_unsettled_record() -> None:
    saved: list[str] = []
    progress = ShardProgress(saved.append)
    records = [kinesis(n, "k") for n in range(1, 6)]
    progress.read(records)

    progress.settle([records[1], records[3]])  # another lane's records, read later
    assert saved == []
    assert progress.unsettled(records) == [records[0], records[2], records[4]]

    progress.settle([records[0]])
    assert saved == ["00002"]
    progress.settle([records[4]])
    assert saved == ["00002"]
    progress.settle([records[2]])
    assert saved == ["00002", "00005"]
    progress.settle([records[2]])  # settled twice: nothing moves
    assert saved == ["00002", "00005"]
    assert progress.unsettled(records) == []


def test_checkpoints_are_saved_in_order_when_lanes_settle_at_once() -> None:
    saved: list[str] = []
    progress = ShardProgress(saved.append)
    records = [kinesis(n, f"k{n % 4}") for n in range(400)]
    progress.read(records)
    lanes = [records[n::4] for n in range(4)]

    def settle(mine: list[StreamRecord]) -> None:
        for record in mine:
            progress.settle([record])

    threads = [threading.Thread(target=settle, args=(mine,)) for mine in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert saved == sorted(saved) and saved[-1] == "00399"


# -- one lane -----------------------------------------------------------------------------------


class StandInInvoker:
    def __init__(self) -> None:
        self.function = FunctionConfig(name="fn", runtime="python3.12", role=ROLE,
                                       handler="app.handler", code_sha256="", code_size=0)
        self.batches: list[list[str]] = []
        self.broken_once = False
        self.failing: set[str] = set()
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()

    def resolve(self, reference: str, qualifier: str | None = None) -> FunctionConfig:
        return self.function

    def run_event(self, function: FunctionConfig, payload: bytes, *args: Any,
                  **kwargs: Any) -> InvocationResult:
        texts = [r["kinesis"]["data"] for r in json.loads(payload)["Records"]]
        with self._lock:
            self.batches.append(texts)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(0.02)
        with self._lock:
            self.in_flight -= 1
        if "break" in texts and not self.broken_once:
            self.broken_once = True
            raise RuntimeError("the environment went away")
        return FAILURE if self.failing & set(texts) else SUCCESS


class Owner:
    def __init__(self) -> None:
        self.results: list[str] = []

    def report(self, result: str) -> None:
        self.results.append(result)

    def send_record(self, destination: str, record: dict[str, Any]) -> None:
        raise AssertionError("no OnFailure destination is configured")


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def start_lane(invoker: StandInInvoker, saved: list[str], stop: threading.Event,
               **settings: Any) -> tuple[Lane, ShardProgress]:
    progress = ShardProgress(saved.append)
    lane = Lane(config(**settings), "shardId-000000000000", cast(Invoker, invoker), progress,
                Owner(), stop)
    threading.Thread(target=lane.run, daemon=True).start()
    return lane, progress


def offer(lane: Lane, progress: ShardProgress, records: list[StreamRecord]) -> None:
    progress.read(records)
    lane.offer(records)


def test_a_lane_invokes_its_batches_one_at_a_time_in_order(stop: threading.Event) -> None:
    invoker, saved = StandInInvoker(), list[str]()
    lane, progress = start_lane(invoker, saved, stop)
    records = [kinesis(n, "k", f"r{n}") for n in range(5)]
    offer(lane, progress, records)

    assert eventually(lambda: saved[-1:] == ["00004"], WAIT)
    assert invoker.batches == [["r0", "r1"], ["r2", "r3"], ["r4"]]
    assert invoker.most_in_flight == 1
    assert eventually(lambda: lane.idle, WAIT) and lane.in_hand == 0


def test_a_batch_that_breaks_the_lane_is_tried_again(stop: threading.Event) -> None:
    invoker, saved = StandInInvoker(), list[str]()
    lane, progress = start_lane(invoker, saved, stop, batch_size=1)
    offer(lane, progress, [kinesis(1, "k", "break"), kinesis(2, "k", "after")])

    assert eventually(lambda: saved[-1:] == ["00002"], WAIT)
    assert invoker.batches == [["break"], ["break"], ["after"]]


def test_a_failing_batch_holds_its_lane_and_the_checkpoint_before_it(
        stop: threading.Event) -> None:
    invoker, saved = StandInInvoker(), list[str]()
    invoker.failing = {"bad"}
    lane, progress = start_lane(invoker, saved, stop, batch_size=1)
    offer(lane, progress, [kinesis(1, "k", "good"), kinesis(2, "k", "bad"),
                           kinesis(3, "k", "later")])

    assert eventually(lambda: invoker.batches.count(["bad"]) >= 2, WAIT)
    assert saved == ["00001"] and ["later"] not in invoker.batches
    assert lane.in_hand == 2 and not lane.idle

    invoker.failing = set()
    assert eventually(lambda: saved[-1:] == ["00003"], WAIT)
