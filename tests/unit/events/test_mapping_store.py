"""The stored side of event source mappings: the shapes AWS answers for a queue's mapping and
a stream's, and the SQLite store with its checkpoints, across a reopening and from a file of
the first schema version."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from simulator.events.mapping_store import SCHEMA, EventSourceMapping, MappingStore

STREAM_ARN = "arn:aws:kinesis:us-east-1:123456789012:stream/orders"
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
SHARD = "shardId-000000000000"


def stream_mapping(**settings: Any) -> EventSourceMapping:
    return EventSourceMapping(uuid="m-1", function_name="fn", event_source_arn=STREAM_ARN,
                              batch_size=100, starting_position="TRIM_HORIZON", **settings)


def test_a_stream_mapping_answers_every_member_aws_answers_for_streams() -> None:
    mapping = stream_mapping(maximum_retry_attempts=2, on_failure_destination=QUEUE_ARN,
                             filter_patterns=('{"data": {"kind": ["a"]}}',))

    answer = mapping.to_api("us-east-1", "123456789012", "Creating")

    assert answer == {
        "UUID": "m-1", "StartingPosition": "TRIM_HORIZON", "BatchSize": 100,
        "MaximumBatchingWindowInSeconds": 0, "ParallelizationFactor": 1,
        "EventSourceArn": STREAM_ARN,
        "FilterCriteria": {"Filters": [{"Pattern": '{"data": {"kind": ["a"]}}'}]},
        "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:fn",
        "LastModified": mapping.last_modified, "LastProcessingResult": "No records processed",
        "State": "Creating", "StateTransitionReason": "User action",
        "DestinationConfig": {"OnFailure": {"Destination": QUEUE_ARN}},
        "MaximumRecordAgeInSeconds": -1, "BisectBatchOnFunctionError": False,
        "MaximumRetryAttempts": 2, "TumblingWindowInSeconds": 0, "FunctionResponseTypes": [],
        "EventSourceMappingArn":
            "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:m-1"}
    assert stream_mapping().to_api("us-east-1", "1", last_result="OK")["DestinationConfig"] == {
        "OnFailure": {}}
    assert stream_mapping().to_api("us-east-1", "1", last_result="OK")[
        "LastProcessingResult"] == "OK"


def test_a_queue_mapping_answers_as_before() -> None:
    mapping = EventSourceMapping(uuid="m-2", function_name="fn", event_source_arn=QUEUE_ARN)

    answer = mapping.to_api("us-east-1", "123456789012")

    assert "StartingPosition" not in answer and "LastProcessingResult" not in answer
    assert answer["StateTransitionReason"] == "USER_INITIATED"
    assert answer["BatchSize"] == 10
    assert mapping.stream is None and stream_mapping().stream is not None


def test_mappings_and_checkpoints_outlive_a_reopening(tmp_path: Path) -> None:
    store = MappingStore(tmp_path / "mappings.db")
    store.put(stream_mapping(tumbling_window_seconds=30))
    store.save_checkpoint("m-1", SHARD, "42")
    store.save_checkpoint("m-1", SHARD, "43")
    store.save_checkpoint("unknown", SHARD, "1")  # a mapping deleted meanwhile: not kept
    store.close()

    reopened = MappingStore(tmp_path / "mappings.db")
    found = reopened.get("m-1")
    assert found is not None
    assert found == stream_mapping(tumbling_window_seconds=30, created=found.created,
                                   last_modified=found.last_modified)
    assert reopened.checkpoints("m-1") == {SHARD: "43"}
    assert reopened.checkpoints("unknown") == {}
    reopened.remove("m-1")
    assert reopened.checkpoints("m-1") == {}
    reopened.close()


def test_a_file_of_the_first_version_gains_checkpoints_and_keeps_its_mappings(
        tmp_path: Path) -> None:
    path = tmp_path / "mappings.db"
    old = sqlite3.connect(path)
    old.execute(SCHEMA.steps[0][0])
    old.execute("PRAGMA user_version=1")
    queue_mapping = {"uuid": "old", "function_name": "fn", "event_source_arn": QUEUE_ARN,
                     "batch_size": 10, "batching_window_seconds": 0, "enabled": True,
                     "report_batch_item_failures": False, "maximum_concurrency": None,
                     "filter_patterns": [], "last_modified": 1.0, "created": 1.0}
    old.execute("INSERT INTO mappings VALUES (?, ?)", ("old", json.dumps(queue_mapping)))
    old.commit()
    old.close()

    store = MappingStore(path)

    mapping = store.get("old")
    assert mapping is not None and mapping.starting_position is None
    store.save_checkpoint("old", SHARD, "7")
    assert store.checkpoints("old") == {SHARD: "7"}
    store.close()
