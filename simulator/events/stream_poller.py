"""The poller behind a Kinesis or DynamoDB Streams event source mapping. As on AWS, each shard
is read in order by a reader of its own, which invokes the function synchronously with one
batch at a time and checkpoints after the batch is settled: a failing batch blocks its shard
(retried, split in two, or given up on and reported to the OnFailure destination), never the
other shards. A child shard is read once its parent is finished.

Batches from one shard never overlap, whatever the ParallelizationFactor: order per key is
kept trivially, with less concurrency than AWS may use."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.errors import LambdaError
from simulator.events.filter_criteria import FilterCriteria
from simulator.events.stream_connection import Position, StreamConnection
from simulator.events.stream_records import (
    KINESIS,
    StreamRecord,
    StreamSource,
    batch_item_failures,
    dynamodb_record,
    failure_record,
    iso_second,
    kinesis_record,
    window_bounds,
)
from simulator.invocation.invoker import Invoker
from simulator.models import FunctionConfig, InvocationResult

log = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 0.25  # an idle shard is read four times a second
SHARD_REFRESH_SECONDS = 2.0
MAX_SHARD_READERS = 10  # shards read at once by one mapping; the others wait their turn
RETRY_START_SECONDS, RETRY_MAX_SECONDS = 0.25, 8.0
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 - 64 * 1024  # Lambda's 6 MB, less the event's envelope
RETRIES_EXHAUSTED, RECORD_AGE_EXCEEDED = "RetryAttemptsExhausted", "RecordAgeExceeded"
NO_RECORDS, OK, FAILED = "No records processed", "OK", "PROBLEM: Function call failed"

LoadCheckpoints = Callable[[], dict[str, str]]
SaveCheckpoint = Callable[[str, str], None]
SendRecord = Callable[[str, dict[str, Any]], None]


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


@dataclass
class _Outcome:
    """One invocation of a batch: `settled` records at its head succeeded (all when
    `failed` is False)."""

    failed: bool
    settled: int
    result: InvocationResult
    function: FunctionConfig
    whole_batch: bool = True  # a function error or a malformed answer, not a reported item


class StreamPoller:
    """One enabled mapping's shard readers, each a thread, started as shards appear. A poller
    that replaces another of the same mapping (an update, a re-enabling) starts reading once
    its `predecessor` has settled its last batch, from the checkpoints it left: a shard is
    never read by two at once."""

    def __init__(self, config: StreamPollerConfig, invoker: Invoker,
                 connection: StreamConnection, load_checkpoints: LoadCheckpoints,
                 save_checkpoint: SaveCheckpoint, send_record: SendRecord,
                 predecessor: StreamPoller | None = None) -> None:
        self.config = config
        self._invoker = invoker
        self._connection = connection
        self._load_checkpoints = load_checkpoints
        self._predecessor = predecessor
        self._checkpoints: dict[str, str] = {}
        self._save_checkpoint = save_checkpoint
        self._send_record = send_record
        self._stop = threading.Event()
        self._readers: dict[str, threading.Thread] = {}
        self._finished: set[str] = set()
        self._lock = threading.Lock()
        self.last_processing_result = NO_RECORDS
        self._watcher = threading.Thread(target=self._watch, daemon=True,
                                         name=f"stream-poller-{config.source.name}")

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        """Ask every reader to finish: a batch being invoked is settled first."""
        self._stop.set()

    @property
    def running(self) -> bool:
        with self._lock:
            readers = list(self._readers.values())
        return self._watcher.is_alive() or any(reader.is_alive() for reader in readers)

    def join(self, deadline: float) -> None:
        """Wait for the poller, until `deadline` (a `time.monotonic()` moment) at most."""
        self._watcher.join(max(deadline - time.monotonic(), 0))
        with self._lock:
            readers = list(self._readers.values())
        for reader in readers:
            reader.join(max(deadline - time.monotonic(), 0))

    def checkpoint(self, shard_id: str, sequence_number: str) -> None:
        with self._lock:
            self._checkpoints[shard_id] = sequence_number
        self._save_checkpoint(shard_id, sequence_number)

    def checkpoint_of(self, shard_id: str) -> str | None:
        with self._lock:
            return self._checkpoints.get(shard_id)

    def finished(self, shard_id: str) -> None:
        with self._lock:
            self._finished.add(shard_id)

    def report(self, result: str) -> None:
        self.last_processing_result = result

    def send_record(self, destination: str, record: dict[str, Any]) -> None:
        self._send_record(destination, record)

    def _watch(self) -> None:
        while self._predecessor is not None and self._predecessor.running:
            if self._stop.wait(0.1):
                return
        self._predecessor = None
        if not self._connection.wait_until_serving(self._stop):
            return
        with self._lock:
            self._checkpoints = dict(self._load_checkpoints())
        backoff = RETRY_START_SECONDS
        while not self._stop.is_set():
            try:
                self._start_readers()
                backoff = RETRY_START_SECONDS
                self._stop.wait(SHARD_REFRESH_SECONDS)
            except Exception as error:  # a poller outlives any failure: log, back off
                log.warning("stream poller of %s for %s: %s; retrying in %.1f s",
                            self.config.function_name, self.config.source.arn, error, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)

    def _start_readers(self) -> None:
        shards = self._connection.shards(self.config.source)
        known = {shard.shard_id for shard in shards}
        for shard in shards:
            with self._lock:
                busy = sum(thread.is_alive() for thread in self._readers.values())
                if shard.shard_id in self._readers or busy >= MAX_SHARD_READERS:
                    continue
                parent = shard.parent_id if shard.parent_id in known else None
                if parent is not None and parent not in self._finished:
                    continue  # a child shard waits for its parent's records to be read
                checkpoint = self._checkpoints.get(shard.shard_id)
            reader = ShardReader(self, shard.shard_id, self._start(checkpoint, parent),
                                 self._invoker, self._connection, self._stop)
            thread = threading.Thread(target=reader.run, daemon=True,
                                      name=f"stream-{self.config.source.name}-{shard.shard_id}")
            with self._lock:
                self._readers[shard.shard_id] = thread
            thread.start()

    def _start(self, checkpoint: str | None, parent: str | None) -> _Start:
        if checkpoint is not None:
            return _Start(Position("AFTER_SEQUENCE_NUMBER", checkpoint))
        if parent is not None:
            return _Start(Position("TRIM_HORIZON"))
        config = self.config
        if config.starting_position == "AT_TIMESTAMP":
            return _Start(Position("AT_TIMESTAMP", timestamp=config.starting_timestamp))
        if config.starting_position == "LATEST":
            # What arrives from the mapping's creation on, even before a reader starts.
            if config.source.service == KINESIS:
                return _Start(Position("AT_TIMESTAMP", timestamp=config.created))
            return _Start(Position("TRIM_HORIZON"), not_before=config.created)
        return _Start(Position("TRIM_HORIZON"))


@dataclass(frozen=True)
class _Start:
    position: Position
    not_before: float | None = None  # skip records that arrived earlier


class ShardReader:
    """One shard, read in order: batches gathered by size and batching window, filtered,
    invoked one at a time and checkpointed once settled."""

    def __init__(self, poller: StreamPoller, shard_id: str, start: _Start, invoker: Invoker,
                 connection: StreamConnection, stop: threading.Event) -> None:
        self._poller = poller
        self._config = poller.config
        self._shard_id = shard_id
        self._start = start
        self._invoker = invoker
        self._connection = connection
        self._stop = stop
        self._pending: deque[StreamRecord] = deque()
        self._pending_since = 0.0
        self._iterator: str | None = None
        self._last_read: str | None = None
        self._closed = False
        self._window: tuple[float, float] | None = None
        self._state: Any = {}

    def run(self) -> None:
        backoff = RETRY_START_SECONDS
        while not self._stop.is_set():
            try:
                if self._step():
                    self._poller.finished(self._shard_id)
                    return
                backoff = RETRY_START_SECONDS
            except Exception as error:  # a reader outlives any failure: log, back off
                log.warning("shard %s of %s: %s; retrying in %.1f s", self._shard_id,
                            self._config.source.arn, error, backoff)
                self._rewind()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)

    def _step(self) -> bool:
        """Read once, and invoke a batch if one is ready; True once the shard is finished."""
        got = self._read()
        if self._pending and self._batch_ready():
            self._process(self._take())
            return False
        if self._window_over():
            self._end_window()
            return False
        if self._closed and not self._pending and self._window is None:
            return True
        if not got:
            self._stop.wait(POLL_INTERVAL_SECONDS)
        return False

    def _window_over(self) -> bool:
        """The current tumbling window has ended and no record read belongs to it."""
        if self._window is None or time.time() < self._window[1]:
            return False
        seconds = self._config.tumbling_window_seconds
        return not self._pending or window_bounds(self._pending[0].arrival,
                                                  seconds) != self._window

    # -- reading --------------------------------------------------------------------------

    def _rewind(self) -> None:
        """After a failure, read again from the checkpoint: nothing taken off the shard
        is lost, whatever was in hand when it failed."""
        self._pending.clear()
        self._iterator = None
        self._closed = False
        self._last_read = self._poller.checkpoint_of(self._shard_id)

    def _read(self) -> bool:
        """One GetRecords call when the next batch has room; whether it brought records."""
        if self._closed or len(self._pending) >= self._config.batch_size:
            return False
        if self._iterator is None:
            position = (Position("AFTER_SEQUENCE_NUMBER", self._last_read)
                        if self._last_read else self._start.position)
            self._iterator = self._connection.iterator(self._config.source, self._shard_id,
                                                       position)
            if self._iterator is None:
                self._closed = True
                return False
        raw, self._iterator = self._connection.read(
            self._config.source, self._iterator, self._config.batch_size - len(self._pending))
        if self._iterator is None:
            self._closed = True
        records = self._records(raw)
        if records:
            self._last_read = records[-1].sequence_number
        not_before = self._start.not_before
        if not_before is not None:  # arrival times come in whole milliseconds
            records = [record for record in records if record.arrival >= not_before - 0.001]
        if records and not self._pending:
            self._pending_since = time.monotonic()
        self._pending.extend(records)
        return bool(records)

    def _records(self, raw: list[dict[str, Any]]) -> list[StreamRecord]:
        source = self._config.source
        if source.service != KINESIS:
            return [dynamodb_record(item, source) for item in raw]
        role = self._invoker.resolve(self._config.function_name).role if raw else ""
        return [kinesis_record(item, source, self._shard_id, role) for item in raw]

    def _batch_ready(self) -> bool:
        waited = time.monotonic() - self._pending_since
        return (len(self._pending) >= self._config.batch_size or self._closed
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
        self._poller.checkpoint(self._shard_id, batch[-1].sequence_number)

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
                self._checkpoint(parts.popleft())
                self._poller.report(OK)
                invokes, backoff = 0, RETRY_START_SECONDS
                continue
            self._poller.report(FAILED)
            if outcome.settled:
                self._checkpoint(part[:outcome.settled])
                part = parts[0] = part[outcome.settled:]
            if self._config.bisect_on_error and outcome.whole_batch and len(part) > 1:
                parts.popleft()
                parts.extendleft([part[len(part) // 2:], part[:len(part) // 2]])
                invokes = 0
                continue
            retries = self._config.maximum_retry_attempts
            if retries != -1 and invokes > retries:
                self._give_up(part, RETRIES_EXHAUSTED, invokes, outcome)
                self._checkpoint(parts.popleft())
                invokes, backoff = 0, RETRY_START_SECONDS
                continue
            self._stop.wait(backoff)
            backoff = min(backoff * 2, RETRY_MAX_SECONDS)
        return True

    def _checkpoint(self, records: list[StreamRecord]) -> None:
        self._poller.checkpoint(self._shard_id, records[-1].sequence_number)

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
            self._checkpoint(part[:expired])
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
        try:
            self._poller.send_record(config.on_failure, record)
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
