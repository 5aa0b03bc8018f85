"""The poller behind a Kinesis or DynamoDB Streams event source mapping. As on AWS, each shard
is read in order by a reader of its own, which hands its records to the shard's lanes
(`stream_lanes`): ParallelizationFactor batch processors, each record to the lane of its key,
so that one key's records are invoked in order while other keys' batches run beside them. A
failing batch blocks its own lane (retried, split in two, or given up on and reported to the
OnFailure destination), never the other lanes or shards; the shard's checkpoint moves past a
record once it is settled along with every record read before it. A child shard is read once
its parent is finished."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.events.stream_connection import Position, StreamConnection
from simulator.events.stream_lanes import (
    RETRY_MAX_SECONDS,
    RETRY_START_SECONDS,
    Lane,
    ShardProgress,
    StreamPollerConfig,
    lane_of,
)
from simulator.events.stream_records import (
    KINESIS,
    StreamRecord,
    dynamodb_record,
    kinesis_record,
)
from simulator.invocation.invoker import Invoker

# The mapping store builds a StreamPollerConfig (it lives with the lanes) from here.
__all__ = ["NO_RECORDS", "StreamPoller", "StreamPollerConfig"]

log = logging.getLogger(__name__)

POLL_INTERVAL_SECONDS = 0.25  # an idle shard is read four times a second
SHARD_REFRESH_SECONDS = 2.0
MAX_SHARD_READERS = 10  # shards read at once by one mapping; the others wait their turn
READ_AHEAD_RECORDS = 10_000  # records a shard's lanes hold at most, or a full batch each
NO_RECORDS = "No records processed"

LoadCheckpoints = Callable[[], dict[str, str]]
SaveCheckpoint = Callable[[str, str], None]
SendRecord = Callable[[str, dict[str, Any]], None]


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
    """One shard, read in order and handed to its lanes, each record to the lane of its key.
    The reader reads on while lanes are busy, up to READ_AHEAD_RECORDS in their hands, so a
    lane held up by a failing batch does not hold up the others until then. The shard is
    finished once it is closed, read to its end and every lane is idle."""

    def __init__(self, poller: StreamPoller, shard_id: str, start: _Start, invoker: Invoker,
                 connection: StreamConnection, stop: threading.Event) -> None:
        self._poller = poller
        self._config = poller.config
        self._shard_id = shard_id
        self._start = start
        self._invoker = invoker
        self._connection = connection
        self._stop = stop
        self._iterator: str | None = None
        self._last_read: str | None = None
        self._closed = False
        progress = ShardProgress(lambda number: poller.checkpoint(shard_id, number))
        self._lanes = [Lane(self._config, shard_id, invoker, progress, poller, stop)
                       for _ in range(self._config.lanes)]
        self._progress = progress
        self._in_hand_limit = max(READ_AHEAD_RECORDS, self._config.batch_size * len(self._lanes))

    def run(self) -> None:
        """Read until the shard is finished or the poller stops; return once every lane has
        settled the batch it was invoking."""
        name = threading.current_thread().name
        threads = [threading.Thread(target=lane.run, daemon=True, name=f"{name}-lane-{n}")
                   for n, lane in enumerate(self._lanes)]
        for thread in threads:
            thread.start()
        finished = self._read_until_finished()
        for lane in self._lanes:
            lane.finish()
        for thread in threads:
            thread.join()
        if finished:
            self._poller.finished(self._shard_id)

    def _read_until_finished(self) -> bool:
        backoff = RETRY_START_SECONDS
        while not self._stop.is_set():
            try:
                if self._step():
                    return True
                backoff = RETRY_START_SECONDS
            except Exception as error:  # a reader outlives any failure: log, back off
                log.warning("shard %s of %s: %s; retrying in %.1f s", self._shard_id,
                            self._config.source.arn, error, backoff)
                self._rewind()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, RETRY_MAX_SECONDS)
        return False

    def _step(self) -> bool:
        """Read once; True once the shard is finished."""
        got = self._read()
        if self._closed:
            for lane in self._lanes:
                lane.close_shard()
            if all(lane.idle for lane in self._lanes):
                return True
        if not got:
            self._stop.wait(POLL_INTERVAL_SECONDS)
        return False

    def _rewind(self) -> None:
        """After a failure, read again after the last record handed out: the lanes keep
        what they hold."""
        self._iterator = None
        self._closed = False

    def _read(self) -> bool:
        """One GetRecords call when the lanes have room; whether it brought records."""
        room = self._in_hand_limit - sum(lane.in_hand for lane in self._lanes)
        if self._closed or room <= 0:
            return False
        if self._iterator is None:
            position = (Position("AFTER_SEQUENCE_NUMBER", self._last_read)
                        if self._last_read else self._start.position)
            self._iterator = self._connection.iterator(self._config.source, self._shard_id,
                                                       position)
            if self._iterator is None:
                self._closed = True
                return False
        raw, self._iterator = self._connection.read(self._config.source, self._iterator, room)
        if self._iterator is None:
            self._closed = True
        records = self._records(raw)
        if not records:
            return False
        kept = records
        not_before = self._start.not_before
        if not_before is not None:  # arrival times come in whole milliseconds
            kept = [record for record in records if record.arrival >= not_before - 0.001]
        self._hand_out(kept)
        self._last_read = records[-1].sequence_number
        return bool(kept)

    def _records(self, raw: list[dict[str, Any]]) -> list[StreamRecord]:
        source = self._config.source
        if source.service != KINESIS:
            return [dynamodb_record(item, source) for item in raw]
        role = self._invoker.resolve(self._config.function_name).role if raw else ""
        return [kinesis_record(item, source, self._shard_id, role) for item in raw]

    def _hand_out(self, records: list[StreamRecord]) -> None:
        """Each record to the lane of its key; the shard's progress learns of them first."""
        shares: dict[int, list[StreamRecord]] = {}
        for record in records:
            shares.setdefault(lane_of(record, len(self._lanes)), []).append(record)
        self._progress.read(records)
        for index, share in shares.items():
            self._lanes[index].offer(share)
