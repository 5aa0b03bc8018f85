"""The stored side of event source mappings: a mapping's settings (`EventSourceMapping`, and
the shapes AWS answers for it) and the SQLite store that keeps them, with a stream mapping's
checkpoints, across restarts."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.events.filter_criteria import FilterCriteria
from simulator.events.sqs import DEFAULT_CONCURRENT_BATCHES, PollerConfig, Queue
from simulator.events.stream_poller import NO_RECORDS, StreamPollerConfig
from simulator.events.stream_records import StreamSource
from simulator.state_db import Schema, open_database

SCHEMA = Schema("event source mappings", steps=[
    ["CREATE TABLE IF NOT EXISTS mappings (uuid TEXT PRIMARY KEY, config TEXT NOT NULL)"],
    ["CREATE TABLE IF NOT EXISTS checkpoints (uuid TEXT NOT NULL, shard TEXT NOT NULL, "
     "sequence_number TEXT NOT NULL, PRIMARY KEY (uuid, shard))"],
])
REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures"
DEFAULT_BATCH_SIZE = 10


@dataclass(frozen=True)
class EventSourceMapping:
    uuid: str
    function_name: str
    event_source_arn: str
    batch_size: int = DEFAULT_BATCH_SIZE
    batching_window_seconds: int = 0
    enabled: bool = True
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None
    filter_patterns: tuple[str, ...] = ()
    last_modified: float = field(default_factory=time.time)
    created: float = field(default_factory=time.time)
    # Kinesis and DynamoDB Streams only:
    starting_position: str | None = None
    starting_position_timestamp: float | None = None
    parallelization_factor: int = 1
    bisect_batch_on_function_error: bool = False
    maximum_retry_attempts: int = -1
    maximum_record_age_seconds: int = -1
    on_failure_destination: str | None = None
    tumbling_window_seconds: int = 0

    def __post_init__(self) -> None:
        # Read back from SQLite's JSON, the patterns are a list.
        object.__setattr__(self, "filter_patterns", tuple(self.filter_patterns))

    @property
    def state(self) -> str:
        return "Enabled" if self.enabled else "Disabled"

    @property
    def stream(self) -> StreamSource | None:
        return StreamSource.from_arn(self.event_source_arn)

    def function_arn(self, region: str, account_id: str) -> str:
        return f"arn:aws:lambda:{region}:{account_id}:function:{self.function_name}"

    def stream_poller_config(self, source: StreamSource, function_arn: str
                             ) -> StreamPollerConfig:
        return StreamPollerConfig(
            function_name=self.function_name,
            function_arn=function_arn,
            source=source,
            starting_position=self.starting_position or "LATEST",
            starting_timestamp=self.starting_position_timestamp,
            created=self.created,
            batch_size=self.batch_size,
            batching_window_seconds=self.batching_window_seconds,
            bisect_on_error=self.bisect_batch_on_function_error,
            maximum_retry_attempts=self.maximum_retry_attempts,
            maximum_record_age_seconds=self.maximum_record_age_seconds,
            report_batch_item_failures=self.report_batch_item_failures,
            on_failure=self.on_failure_destination,
            tumbling_window_seconds=self.tumbling_window_seconds,
            parallelization_factor=self.parallelization_factor,
            filters=FilterCriteria.of(self.filter_patterns) if self.filter_patterns else None,
        )

    def poller_config(self, queue: Queue) -> PollerConfig:
        return PollerConfig(
            function_name=self.function_name,
            queue=queue,
            batch_size=self.batch_size,
            batching_window_seconds=self.batching_window_seconds,
            report_batch_item_failures=self.report_batch_item_failures,
            concurrency=self.maximum_concurrency or DEFAULT_CONCURRENT_BATCHES,
            filters=FilterCriteria.of(self.filter_patterns) if self.filter_patterns else None,
        )

    def to_api(self, region: str, account_id: str, state: str | None = None,
               last_result: str = NO_RECORDS) -> dict[str, Any]:
        """The EventSourceMappingConfiguration shape; `state` shows a transition in progress."""
        if self.stream is not None:
            return self._stream_to_api(region, account_id, state, last_result)
        body: dict[str, Any] = {
            "UUID": self.uuid,
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.batching_window_seconds,
            "EventSourceArn": self.event_source_arn,
            "FunctionArn": f"arn:aws:lambda:{region}:{account_id}:function:{self.function_name}",
            "LastModified": self.last_modified,
            "State": state or self.state,
            "StateTransitionReason": "USER_INITIATED",
            "FunctionResponseTypes": (
                [REPORT_BATCH_ITEM_FAILURES] if self.report_batch_item_failures else []
            ),
            "EventSourceMappingArn": (
                f"arn:aws:lambda:{region}:{account_id}:event-source-mapping:{self.uuid}"
            ),
        }
        if self.maximum_concurrency is not None:
            body["ScalingConfig"] = {"MaximumConcurrency": self.maximum_concurrency}
        if self.filter_patterns:
            body["FilterCriteria"] = FilterCriteria(self.filter_patterns).to_api()
        return body

    def _stream_to_api(self, region: str, account_id: str, state: str | None,
                       last_result: str) -> dict[str, Any]:
        """A stream mapping's shape, member for member as AWS answers it."""
        body: dict[str, Any] = {"UUID": self.uuid, "StartingPosition": self.starting_position}
        if self.starting_position_timestamp is not None:
            body["StartingPositionTimestamp"] = self.starting_position_timestamp
        body.update({
            "BatchSize": self.batch_size,
            "MaximumBatchingWindowInSeconds": self.batching_window_seconds,
            "ParallelizationFactor": self.parallelization_factor,
            "EventSourceArn": self.event_source_arn,
        })
        if self.filter_patterns:
            body["FilterCriteria"] = FilterCriteria(self.filter_patterns).to_api()
        on_failure = ({"Destination": self.on_failure_destination}
                      if self.on_failure_destination else {})
        body.update({
            "FunctionArn": self.function_arn(region, account_id),
            "LastModified": self.last_modified,
            "LastProcessingResult": last_result,
            "State": state or self.state,
            "StateTransitionReason": "User action",
            "DestinationConfig": {"OnFailure": on_failure},
            "MaximumRecordAgeInSeconds": self.maximum_record_age_seconds,
            "BisectBatchOnFunctionError": self.bisect_batch_on_function_error,
            "MaximumRetryAttempts": self.maximum_retry_attempts,
            "TumblingWindowInSeconds": self.tumbling_window_seconds,
            "FunctionResponseTypes": (
                [REPORT_BATCH_ITEM_FAILURES] if self.report_batch_item_failures else []
            ),
            "EventSourceMappingArn": (
                f"arn:aws:lambda:{region}:{account_id}:event-source-mapping:{self.uuid}"
            ),
        })
        return body


class MappingStore:
    """The mappings in memory, written through to SQLite."""

    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._mappings = {
            key: EventSourceMapping(**json.loads(config))
            for key, config in self._db.execute("SELECT uuid, config FROM mappings")
        }

    def get(self, key: str) -> EventSourceMapping | None:
        return self._mappings.get(key)

    def all(self) -> list[EventSourceMapping]:
        """In creation order, the order ListEventSourceMappings pages through."""
        return sorted(self._mappings.values(), key=lambda m: (m.created, m.uuid))

    def put(self, mapping: EventSourceMapping) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO mappings (uuid, config) VALUES (?, ?)",
                             (mapping.uuid, json.dumps(dataclasses.asdict(mapping))))
            self._mappings[mapping.uuid] = mapping

    def remove(self, key: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM mappings WHERE uuid = ?", (key,))
            self._db.execute("DELETE FROM checkpoints WHERE uuid = ?", (key,))
            self._mappings.pop(key, None)

    def checkpoints(self, key: str) -> dict[str, str]:
        """A stream mapping's position in each shard: the last sequence number settled."""
        with self._lock:
            rows = self._db.execute(
                "SELECT shard, sequence_number FROM checkpoints WHERE uuid = ?", (key,))
            return dict(rows.fetchall())

    def save_checkpoint(self, key: str, shard: str, sequence_number: str) -> None:
        with self._lock:
            if key in self._mappings:  # not for a mapping just deleted
                self._db.execute(
                    "INSERT OR REPLACE INTO checkpoints (uuid, shard, sequence_number) "
                    "VALUES (?, ?, ?)", (key, shard, sequence_number))

    def close(self) -> None:
        self._db.close()
