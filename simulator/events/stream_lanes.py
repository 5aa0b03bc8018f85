"""A shard's concurrent batch processors ("lanes"), as Lambda runs a Kinesis or DynamoDB Streams
mapping with a ParallelizationFactor: each record goes to the lane of its key (a Kinesis
record's partition key, a DynamoDB record's item key), so one key's records are invoked in
order, one batch at a time, while other keys' batches run beside them. A lane gathers, filters,
invokes, retries, bisects and gives up on its own batches, so a failing batch holds up its own
keys only; the shard's checkpoint (`ShardProgress`) moves only past records every lane has
settled."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from simulator.errors import LambdaError
from simulator.events.filter_criteria import FilterCriteria
from simulator.events.stream_records import (
    KINESIS,
    StreamRecord,
    StreamSource,
    batch_item_failures,
    failure_record,
    is_s3_destination,
    iso_second,
    window_bounds,
)
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult

log = logging.getLogger(__name__)

IDLE_LANE_WAIT_SECONDS = 0.25  # an idle lane looks again this often; new records wake it
RETRY_START_SECONDS, RETRY_MAX_SECONDS = 0.25, 8.0
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 - 64 * 1024  # Lambda's 6 MB, less the event's envelope
RETRIES_EXHAUSTED, RECORD_AGE_EXCEEDED = "RetryAttemptsExhausted", "RecordAgeExceeded"
OK, FAILED = "OK", "PROBLEM: Function call failed"


@dataclass(frozen=True)
class StreamPollerConfig:
    """What a poller needs of its mapping."""

    function_name: str  # as the mapping invokes it: the name, or name:qualifier
    function_arn: str
    source: StreamSource
    starting_position: str
    starting_timestamp: float | None
    created: float  # a LATEST mapping reads what arrived from then on
    batch_size: int
    batching_window_seconds: int
    bisect_on_error: bool
    maximum_retry_attempts: int  # -1: until the records expire
    maximum_record_age_seconds: int  # -1: no limit
    report_batch_item_failures: bool
    on_failure: str | None
    tumbling_window_seconds: int
    filters: FilterCriteria | None = None
    parallelization_factor: int = 1

    @property
    def lanes(self) -> int:
        """How many batches of one shard run at once: the ParallelizationFactor, except with
        a tumbling window, whose state is the shard's and so goes through a single lane."""
        return 1 if self.tumbling_window_seconds else self.parallelization_factor


def lane_key(record: StreamRecord) -> str:
    """What Lambda keeps in order: a Kinesis record's partition key, a DynamoDB record's item
    (its partition and sort key)."""
    kinesis = record.event_record.get("kinesis")
    if kinesis is not None:
        return str(kinesis["partitionKey"])
    return json.dumps(record.event_record["dynamodb"]["Keys"], sort_keys=True)


def lane_of(record: StreamRecord, lanes: int) -> int:
    """The lane a record goes to, the same for every record of its key."""
    digest = hashlib.md5(lane_key(record).encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest, "big") % lanes


class ShardProgress:
    """A shard's checkpoint, shared by its lanes. Records are registered in the order they were
    read and settled in any order; the checkpoint is the last record of the settled run at the
    head, so it never passes a record a lane still holds."""

    def __init__(self, save: Callable[[str], None]) -> None:
        self._save = save
        self._order: deque[str] = deque()  # sequence numbers, as read
        self._settled: dict[str, bool] = {}
        self._lock = threading.Lock()

    def read(self, records: list[StreamRecord]) -> None:
        with self._lock:
            for record in records:
                self._order.append(record.sequence_number)
                self._settled[record.sequence_number] = False

    def settle(self, records: list[StreamRecord]) -> None:
        """Mark records processed (or given up on), and save the checkpoint if it moved."""
        with self._lock:
            for record in records:
                if record.sequence_number in self._settled:
                    self._settled[record.sequence_number] = True
            checkpoint = None
            while self._order and self._settled[self._order[0]]:
                checkpoint = self._order.popleft()
                del self._settled[checkpoint]
            if checkpoint is not None:
                self._save(checkpoint)  # under the lock, so checkpoints are saved in order

    def unsettled(self, records: list[StreamRecord]) -> list[StreamRecord]:
        with self._lock:
            return [record for record in records
                    if self._settled.get(record.sequence_number) is False]


class LaneOwner(Protocol):
    """What a lane tells the poller it works for."""

    def report(self, result: str) -> None: ...

    def send_record(self, destination: str, record: dict[str, Any]) -> None: ...


@dataclass
class _Outcome:
    """One invocation of a batch: `settled` records at its head succeeded (all when
    `failed` is False)."""

    failed: bool
    settled: int
    result: InvocationResult
    function: FunctionConfig
    whole_batch: bool = True  # a function error or a malformed answer, not a reported item


class Lane:
    """One of a shard's concurrent batch processors. The shard's reader offers it records in
    the order read; it gathers them into batches by size, batching window and tumbling window,
    invokes one batch at a time and settles each before the next. Run `run` in a thread of its
    own; it returns once stopped or finished."""

    def __init__(self, config: StreamPollerConfig, shard_id: str, invoker: Invoker,
                 progress: ShardProgress, owner: LaneOwner, stop: threading.Event) -> None:
        self._config = config
        self._shard_id = shard_id
        self._invoker = invoker
        self._progress = progress
        self._owner = owner
        self._stop = stop
        self._changed = threading.Condition()
        self._pending: deque[StreamRecord] = deque()
        self._pending_since = 0.0
        self._batch: list[StreamRecord] | None = None  # taken, not yet settled
        self._shard_closed = False
        self._finished = False
        self._window: tuple[float, float] | None = None
        self._state: Any = {}

    # -- the reader's side ----------------------------------------------------------------

    def offer(self, records: list[StreamRecord]) -> None:
        with self._changed:
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending.extend(records)
            self._changed.notify()

    def close_shard(self) -> None:
        """The shard is read to its end: what the lane holds need not wait for more."""
        with self._changed:
            self._shard_closed = True
            self._changed.notify()

    def finish(self) -> None:
        with self._changed:
            self._finished = True
            self._changed.notify()

    @property
    def in_hand(self) -> int:
        """Records offered and not yet settled."""
        with self._changed:
            return len(self._pending) + len(self._batch or ())

    @property
    def idle(self) -> bool:
        with self._changed:
            return not self._pending and self._batch is None and self._window is None

    # -- the lane's own thread ------------------------------------------------------------

    def run(self) -> None:
        backoff = RETRY_START_SECONDS
        while not self._stop.is_set() and not self._finished:
            try:
                if not self._step():
                    with self._changed:
                        self._changed.wait(IDLE_LANE_WAIT_SECONDS)
                backoff = RETRY_START_SECONDS
            except Exception as error:  # a lane outlives any failure: log, back off, retry
                log.warning("shard %s of %s: %s; retrying in %.1f s", self._shard_id,
                            self._config.source.arn, error, backoff)
                self._retry_unsettled()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)

    def _step(self) -> bool:
        """Invoke the next batch, or end a tumbling window that is over; False when there
        was nothing to do."""
        batch = self._next_batch()
        if batch is not None:
            self._process(batch)
            return True
        if self._window_over():
            self._end_window()
            return True
        return False

    def _retry_unsettled(self) -> None:
        """After a failure, the batch in hand is tried again, less what was settled."""
        with self._changed:
            if self._batch is not None:
                self._batch = self._progress.unsettled(self._batch) or None

    def _next_batch(self) -> list[StreamRecord] | None:
        with self._changed:
            if self._batch is None and self._pending and self._batch_ready():
                self._batch = self._take()
            return self._batch

    def _batch_ready(self) -> bool:
        waited = time.monotonic() - self._pending_since
        return (len(self._pending) >= self._config.batch_size or self._shard_closed
                or waited >= self._config.batching_window_seconds)

    def _take(self) -> list[StreamRecord]:
        """The next batch: up to BatchSize records of one tumbling window, within the
        payload limit."""
        seconds = self._config.tumbling_window_seconds
        window = window_bounds(self._pending[0].arrival, seconds) if seconds else None
        batch: list[StreamRecord] = []
        size = 0
        while self._pending and len(batch) < self._config.batch_size:
            record = self._pending[0]
            if window is not None and window_bounds(record.arrival, seconds) != window:
                break
            record_size = len(json.dumps(record.event_record))
            if batch and size + record_size > MAX_PAYLOAD_BYTES:
                break
            batch.append(self._pending.popleft())
            size += record_size
        self._pending_since = time.monotonic()
        return batch

    def _window_over(self) -> bool:
        """The current tumbling window has ended and no record in hand belongs to it."""
        if self._window is None or time.time() < self._window[1]:
            return False
        seconds = self._config.tumbling_window_seconds
        with self._changed:
            return not self._pending or window_bounds(self._pending[0].arrival,
                                                      seconds) != self._window

    # -- invoking -------------------------------------------------------------------------

    def _process(self, batch: list[StreamRecord]) -> None:
        seconds = self._config.tumbling_window_seconds
        if seconds:
            window = window_bounds(batch[0].arrival, seconds)
            if self._window is not None and self._window != window:
                self._end_window()
            self._window = window
        wanted = self._wanted(batch)
        if wanted and not self._deliver(wanted):
            return  # stopped: the batch is read again after a restart
        self._progress.settle(batch)
        with self._changed:
            self._batch = None

    def _wanted(self, batch: list[StreamRecord]) -> list[StreamRecord]:
        """The records that match the mapping's filters; Lambda drops the others unseen."""
        filters = self._config.filters
        if filters is None:
            return batch
        data_key = "data" if self._config.source.service == KINESIS else None
        return [record for record in batch if filters.matches(record.filter_view(), data_key)]

    def _deliver(self, records: list[StreamRecord]) -> bool:
        """Invoke until every record is settled: processed, or given up on (reported to the
        OnFailure destination). False if the poller stopped first."""
        parts = deque([records])
        invokes = 0
        backoff = RETRY_START_SECONDS
        while parts:
            if self._stop.is_set():
                return False
            part = self._drop_expired(parts[0], invokes)
            if not part:
                parts.popleft()
                invokes = 0
                continue
            parts[0] = part
            outcome = self._invoke(part)
            if outcome is None:  # throttled, or no function: not an attempt
                self._stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)
                continue
            invokes += 1
            if not outcome.failed:
                self._progress.settle(parts.popleft())
                self._owner.report(OK)
                invokes, backoff = 0, RETRY_START_SECONDS
                continue
            self._owner.report(FAILED)
            if outcome.settled:
                # The records from the failed item on are a new batch, whose attempts
                # count afresh: AWS invokes it 1 + MaximumRetryAttempts times.
                self._progress.settle(part[:outcome.settled])
                part = parts[0] = part[outcome.settled:]
                invokes = 0
            if self._config.bisect_on_error and outcome.whole_batch and len(part) > 1:
                parts.popleft()
                parts.extendleft([part[len(part) // 2:], part[:len(part) // 2]])
                invokes = 0
                continue
            retries = self._config.maximum_retry_attempts
            if retries != -1 and invokes > retries:
                self._give_up(part, RETRIES_EXHAUSTED, invokes, outcome)
                self._progress.settle(parts.popleft())
                invokes, backoff = 0, RETRY_START_SECONDS
                continue
            self._stop.wait(backoff)
            backoff = min(backoff * 2, RETRY_MAX_SECONDS)
        return True

    def _drop_expired(self, part: list[StreamRecord], invokes: int) -> list[StreamRecord]:
        """`part` without the records past MaximumRecordAgeInSeconds (its oldest, at its
        head), which go to the OnFailure destination unprocessed."""
        age = self._config.maximum_record_age_seconds
        if age == -1:
            return part
        oldest_allowed = time.time() - age
        expired = 0
        while expired < len(part) and part[expired].arrival < oldest_allowed:
            expired += 1
        if expired:
            self._give_up(part[:expired], RECORD_AGE_EXCEEDED, max(invokes, 1), None)
            self._progress.settle(part[:expired])
        return part[expired:]

    def _invoke(self, part: list[StreamRecord], final: bool = False) -> _Outcome | None:
        config = self._config
        try:
            function = self._invoker.resolve(config.function_name)
            result = self._invoker.run_event(
                function, json.dumps(self._event(part, final)).encode(),
                invoked_as=config.function_name.partition(":")[2])
        except LambdaError as error:
            log.info("%s: a batch from %s could not be invoked (%s); trying again",
                     config.function_name, config.source.arn, error.message)
            return None
        if result.failed:
            return _Outcome(True, 0, result, function)
        failed: str | bool = False
        if config.report_batch_item_failures:
            failed = batch_item_failures(result.payload, [r.sequence_number for r in part])
        if failed is True:
            return _Outcome(True, 0, result, function)
        if config.tumbling_window_seconds:
            self._state = _returned_state(result.payload, self._state)
        if failed is False:
            return _Outcome(False, len(part), result, function)
        first = [record.sequence_number for record in part].index(failed)
        return _Outcome(True, first, result, function, whole_batch=False)

    def _event(self, part: list[StreamRecord], final: bool) -> dict[str, Any]:
        event: dict[str, Any] = {"Records": [record.event_record for record in part]}
        if self._window is not None and self._config.tumbling_window_seconds:
            start, end = self._window
            event.update({
                "window": {"start": iso_second(start), "end": iso_second(end)},
                "state": self._state,
                "shardId": self._shard_id,
                "eventSourceARN": self._config.source.arn,
                "isFinalInvokeForWindow": final,
                "isWindowTerminatedEarly": False,
            })
        return event

    def _end_window(self) -> None:
        """The window's final invocation, with its state and no records; then a fresh
        state for the next window."""
        attempts = 0
        backoff = RETRY_START_SECONDS
        while not self._stop.is_set():
            outcome = self._invoke([], final=True)
            attempts += outcome is not None
            retries = self._config.maximum_retry_attempts
            if (outcome is not None and not outcome.failed) or (
                    retries != -1 and attempts > retries):
                break
            self._stop.wait(backoff)
            backoff = min(backoff * 2, RETRY_MAX_SECONDS)
        self._window, self._state = None, {}

    def _give_up(self, records: list[StreamRecord], condition: str, invokes: int,
                 outcome: _Outcome | None) -> None:
        config = self._config
        log.info("%s: %d records of shard %s of %s discarded (%s)", config.function_name,
                 len(records), self._shard_id, config.source.arn, condition)
        if config.on_failure is None:
            return
        response = None
        if outcome is not None:
            response = {"statusCode": 200, "executedVersion": outcome.function.version,
                        "functionError": outcome.result.error_type}
        request_id = outcome.result.request_id if outcome else ""
        record = failure_record(config.source, self._shard_id, records, config.function_arn,
                                condition, invokes, request_id or str(uuid.uuid4()), response)
        if is_s3_destination(config.on_failure):
            record["payload"] = {"Records": [item.event_record for item in records]}
        try:
            self._owner.send_record(config.on_failure, record)
        except Exception as error:  # the records stay discarded, as on AWS
            log.warning("%s: the OnFailure destination %s did not take the record of a "
                        "discarded batch: %s", config.function_name, config.on_failure, error)


def _returned_state(payload: bytes, state: Any) -> Any:
    """The `state` a tumbling-window invocation answered, carried to the next one."""
    try:
        response = json.loads(payload) if payload.strip() else None
    except (ValueError, UnicodeDecodeError):
        return state
    if isinstance(response, dict) and "state" in response:
        return response["state"]
    return state
