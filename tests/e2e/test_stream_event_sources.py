"""Kinesis and DynamoDB Streams event source mappings through boto3, against the streams the
simulator serves on its own endpoint: the mapping API with AWS's checks and shapes, events as
AWS sends them (checked with Powertools' models), order per shard, retries, bisecting, partial
batch responses, OnFailure records, filters, tumbling windows, restarts, and concurrent batches
per shard (ParallelizationFactor)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import (
    DynamoDBStreamModel,
    KinesisDataStreamModel,
)
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.events.stream_lanes import lane_of
from simulator.events.stream_records import StreamRecord
from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server, unique_name

# Prints the event, then `PROCESSED|FAILED <text>` per record (a Kinesis record's data, a
# DynamoDB record's key). A record whose text holds "fail" fails the batch (only it is
# printed, as FAILED), or with PARTIAL=1 is reported as a batch item failure. In a tumbling
# window the state counts the records; the final invocation prints `FINAL <state>`.
HANDLER = """
import base64, json, os

def text(record):
    if "kinesis" in record:
        return base64.b64decode(record["kinesis"]["data"]).decode()
    return record["dynamodb"]["Keys"]["id"]["S"]

def sequence(record):
    return (record["kinesis"]["sequenceNumber"] if "kinesis" in record
            else record["dynamodb"]["SequenceNumber"])

def handler(event, context):
    print("EVENT", json.dumps(event))
    records = event.get("Records", [])
    failing = [record for record in records if "fail" in text(record)]
    if failing and os.environ.get("PARTIAL") != "1":
        print("FAILED", text(failing[0]))
        raise RuntimeError("failed " + text(failing[0]))
    failures = []
    for record in records:
        print("FAILED" if record in failing else "PROCESSED", text(record))
        if record in failing:
            failures.append({"itemIdentifier": sequence(record)})
    if "window" in event:
        state = dict(event["state"] or {})
        state["count"] = state.get("count", 0) + len(event["Records"])
        if event["isFinalInvokeForWindow"]:
            print("FINAL", json.dumps(state))
        return {"state": state, "batchItemFailures": failures}
    return {"batchItemFailures": failures}
"""

WAIT_SECONDS = 60


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def wait_until(condition: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def lines(server: SimulatorServer, function: str, prefix: str) -> list[str]:
    return [event.message.removeprefix(prefix).strip()
            for event in server.simulator.logs.events(function)
            if event.message.startswith(prefix)]


def processed(server: SimulatorServer, function: str) -> list[str]:
    return lines(server, function, "PROCESSED ")


def events(server: SimulatorServer, function: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines(server, function, "EVENT ")]


def error_of(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


class Streams:
    """Streams, tables, queues and mappings for one test; the mappings are deleted after it,
    so that no poller outlives it."""

    def __init__(self, server: SimulatorServer) -> None:
        self.server = server
        self.lam = lambda_client(server.url)
        self.kinesis = client("kinesis", server.url)
        self.dynamodb = client("dynamodb", server.url)
        self.sqs = client("sqs", server.url)
        self._mappings: list[str] = []

    def function(self, **variables: str) -> str:
        return create_function(self.lam, HANDLER, Timeout=5,
                               Environment={"Variables": variables or {"PARTIAL": "0"}})

    def stream(self, shards: int = 1) -> tuple[str, str]:
        name = unique_name("stream")
        self.kinesis.create_stream(StreamName=name, ShardCount=shards)
        arn = self.kinesis.describe_stream_summary(StreamName=name)[
            "StreamDescriptionSummary"]["StreamARN"]
        return name, arn

    def table(self, view: str = "NEW_AND_OLD_IMAGES") -> tuple[str, str]:
        name = unique_name("table")
        created = self.dynamodb.create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
        return name, created["TableDescription"]["LatestStreamArn"]

    def queue(self) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=unique_name("failures"))["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        return url, arn["Attributes"]["QueueArn"]

    def put(self, stream: str, *texts: str) -> None:
        for text in texts:
            self.kinesis.put_record(StreamName=stream, Data=text.encode(), PartitionKey="key")

    def mapping(self, function: str, arn: str, **settings: Any) -> dict[str, Any]:
        settings.setdefault("StartingPosition", "TRIM_HORIZON")
        mapping = self.lam.create_event_source_mapping(
            FunctionName=function, EventSourceArn=arn, **settings)
        self._mappings.append(mapping["UUID"])
        return dict(mapping)

    def received(self, url: str, count: int) -> list[dict[str, Any]]:
        """`count` messages from a queue, as JSON."""
        found: list[dict[str, Any]] = []

        def more() -> bool:
            answer = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            found.extend(json.loads(m["Body"]) for m in answer.get("Messages", []))
            return len(found) >= count

        wait_until(more)
        return found

    def close(self) -> None:
        for key in self._mappings:
            try:
                self.lam.delete_event_source_mapping(UUID=key)
            except self.lam.exceptions.ResourceNotFoundException:
                pass  # the test deleted it


@pytest.fixture(scope="module")
def process_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("state-streams"), "process") as running:
        yield running


@pytest.fixture
def streams(process_server: SimulatorServer) -> Iterator[Streams]:
    helper = Streams(process_server)
    yield helper
    helper.close()


# -- the mapping API ----------------------------------------------------------------------------


def test_kinesis_mapping_answers_as_aws_and_goes_through_its_lifecycle(streams: Streams) -> None:
    function = streams.function()
    _, arn = streams.stream()
    created = streams.mapping(function, arn, StartingPosition="LATEST")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {key: value for key, value in created.items()
            if key not in ("ResponseMetadata", "UUID", "LastModified")} == {
        "BatchSize": 100, "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {}}, "EventSourceArn": arn,
        "EventSourceMappingArn": created["EventSourceMappingArn"],
        "FunctionArn": f"arn:aws:lambda:us-east-1:000000000000:function:{function}",
        "FunctionResponseTypes": [], "LastProcessingResult": "No records processed",
        "MaximumBatchingWindowInSeconds": 0, "MaximumRecordAgeInSeconds": -1,
        "MaximumRetryAttempts": -1, "ParallelizationFactor": 1, "StartingPosition": "LATEST",
        "State": "Creating", "StateTransitionReason": "User action",
        "TumblingWindowInSeconds": 0}
    key = created["UUID"]
    assert streams.lam.get_event_source_mapping(UUID=key)["State"] == "Enabled"
    listed = streams.lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    assert [m["UUID"] for m in listed] == [key]

    _, queue_arn = streams.queue()
    updated = streams.lam.update_event_source_mapping(
        UUID=key, BatchSize=500, MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
        MaximumRecordAgeInSeconds=60, ParallelizationFactor=2, TumblingWindowInSeconds=30,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
        FunctionResponseTypes=["ReportBatchItemFailures"])
    assert updated["State"] == "Updating"
    fetched = streams.lam.get_event_source_mapping(UUID=key)
    assert (fetched["BatchSize"], fetched["MaximumRetryAttempts"],
            fetched["BisectBatchOnFunctionError"], fetched["MaximumRecordAgeInSeconds"],
            fetched["ParallelizationFactor"], fetched["TumblingWindowInSeconds"]) == (
        500, 3, True, 60, 2, 30)
    assert fetched["DestinationConfig"] == {"OnFailure": {"Destination": queue_arn}}
    assert fetched["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert streams.lam.update_event_source_mapping(UUID=key, Enabled=False)["State"] == (
        "Disabling")
    assert streams.lam.delete_event_source_mapping(UUID=key)["State"] == "Deleting"


def test_stream_mappings_refuse_what_aws_refuses(streams: Streams) -> None:
    function = streams.function()
    _, stream_arn = streams.stream()
    _, table_arn = streams.table()

    def create(arn: str, **settings: Any) -> tuple[str, str]:
        return error_of(lambda: streams.lam.create_event_source_mapping(
            FunctionName=function, EventSourceArn=arn, **settings))

    assert create(table_arn) == (
        "InvalidParameterValueException", "1 validation error detected: Value null at "
        "'startingPosition' failed to satisfy constraint: Member must not be null.")
    assert create(table_arn, StartingPosition="AT_TIMESTAMP",
                  StartingPositionTimestamp=time.time()) == (
        "InvalidParameterValueException",
        f"Unsupported starting position for arn type: {table_arn}")
    missing = stream_arn + "-missing"
    assert create(missing, StartingPosition="LATEST") == (
        "InvalidParameterValueException", f"Stream not found: {missing}")
    for settings, member in (({"ParallelizationFactor": 11}, "parallelizationFactor"),
                             ({"MaximumRetryAttempts": 10_001}, "maximumRetryAttempts"),
                             ({"TumblingWindowInSeconds": 901}, "tumblingWindowInSeconds"),
                             ({"MaximumRecordAgeInSeconds": 604_801},
                              "maximumRecordAgeInSeconds")):
        code, message = create(stream_arn, StartingPosition="LATEST", **settings)
        assert code == "ValidationException" and f"at '{member}'" in message
    assert create(stream_arn, StartingPosition="LATEST", MaximumRecordAgeInSeconds=59)[0] == (
        "InvalidParameterValueException")
    assert create(stream_arn, StartingPosition="LATEST", DestinationConfig={
        "OnSuccess": {"Destination": "arn:aws:sqs:us-east-1:000000000000:q"}}) == (
        "InvalidParameterValueException",
        "Unsupported DestinationConfig parameter for given event source mapping type.")
    assert create(stream_arn, StartingPosition="LATEST", FilterCriteria={
        "Filters": [{"Pattern": '{"eventName": ["INSERT"=123}'}]}) == (
        "InvalidParameterValueException", "Invalid filter pattern definition.")

    existing = streams.mapping(function, stream_arn)
    assert create(stream_arn, StartingPosition="LATEST") == (
        "ResourceConflictException",
        f'The event source arn (" {stream_arn} ") and function (" {function} ") provided '
        "mapping already exists. Please update or delete the existing mapping with UUID "
        f"{existing['UUID']}")


# -- delivery -----------------------------------------------------------------------------------


def test_kinesis_records_arrive_in_order_as_aws_sends_them(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    texts = [f"record-{n}" for n in range(12)]
    streams.put(name, *texts)
    streams.mapping(function, arn, BatchSize=5)
    assert wait_until(lambda: len(processed(process_server, function)) == 12)
    assert processed(process_server, function) == texts
    batches = events(process_server, function)
    assert [len(event["Records"]) for event in batches] == [5, 5, 2]
    record = KinesisDataStreamModel.model_validate(batches[0]).Records[0]
    assert record.kinesis.data == b"record-0"
    raw = batches[0]["Records"][0]
    assert set(raw) == {"kinesis", "eventSource", "eventVersion", "eventID", "eventName",
                        "invokeIdentityArn", "awsRegion", "eventSourceARN"}
    assert raw["eventID"] == f"shardId-000000000000:{raw['kinesis']['sequenceNumber']}"
    assert (raw["eventSource"], raw["eventName"], raw["eventSourceARN"]) == (
        "aws:kinesis", "aws:kinesis:record", arn)
    assert raw["kinesis"]["partitionKey"] == "key"
    assert raw["invokeIdentityArn"] == "arn:aws:iam::123456789012:role/lambda-role"


def test_latest_reads_only_what_arrives_after_the_mapping(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    streams.put(name, "before")
    time.sleep(1.1)  # Kinesis's timestamps are in whole seconds on the wire
    streams.mapping(function, arn, StartingPosition="LATEST")
    streams.put(name, "after")
    assert wait_until(lambda: processed(process_server, function))
    time.sleep(0.5)
    assert processed(process_server, function) == ["after"]


def test_dynamodb_changes_arrive_shaped_by_the_view_type(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    table, arn = streams.table("NEW_AND_OLD_IMAGES")
    streams.mapping(function, arn, StartingPosition="LATEST", BatchSize=10,
                    MaximumBatchingWindowInSeconds=1)
    streams.dynamodb.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "1"},
                                                    "blob": {"B": b"foobar"}})
    streams.dynamodb.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "2"}})
    streams.dynamodb.delete_item(TableName=table, Key={"id": {"S": "a"}})
    assert wait_until(lambda: len(processed(process_server, function)) == 3)
    records = [record for event in events(process_server, function)
               for record in event["Records"]]
    assert DynamoDBStreamModel.model_validate({"Records": records})
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    insert, modify, remove = (record["dynamodb"] for record in records)
    assert insert["NewImage"] == {"id": {"S": "a"}, "n": {"N": "1"}, "blob": {"B": "Zm9vYmFy"}}
    assert "OldImage" not in insert and "NewImage" not in remove
    assert modify["OldImage"]["n"] == {"N": "1"} and modify["NewImage"]["n"] == {"N": "2"}
    assert records[0]["eventSource"] == "aws:dynamodb" and records[0]["eventVersion"] == "1.1"
    assert records[0]["eventSourceARN"] == arn and records[0]["awsRegion"] == "us-east-1"
    assert isinstance(insert["ApproximateCreationDateTime"], int)
    assert insert["StreamViewType"] == "NEW_AND_OLD_IMAGES"

    keys_function = streams.function()
    keys_table, keys_arn = streams.table("KEYS_ONLY")
    streams.mapping(keys_function, keys_arn)
    streams.dynamodb.put_item(TableName=keys_table, Item={"id": {"S": "k"}, "n": {"N": "1"}})
    assert wait_until(lambda: events(process_server, keys_function))
    [only] = events(process_server, keys_function)[0]["Records"]
    assert set(only["dynamodb"]) == {"ApproximateCreationDateTime", "Keys", "SequenceNumber",
                                     "SizeBytes", "StreamViewType"}


# -- errors -------------------------------------------------------------------------------------


def test_a_failing_batch_blocks_the_shard_until_retries_run_out_then_goes_to_on_failure(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    url, queue_arn = streams.queue()
    streams.put(name, "fail-1")
    streams.put(name, "ok-2")
    streams.mapping(function, arn, BatchSize=1, MaximumRetryAttempts=2,
                    DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    [record] = streams.received(url, 1)
    assert wait_until(lambda: processed(process_server, function) == ["ok-2"])
    assert lines(process_server, function, "FAILED ") == ["fail-1"] * 3
    sequence = events(process_server, function)[0]["Records"][0]["kinesis"]["sequenceNumber"]
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestContext"]["functionArn"].endswith(f":function:{function}")
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["version"] == "1.0"
    info = record["KinesisBatchInfo"]
    assert (info["shardId"], info["startSequenceNumber"], info["endSequenceNumber"],
            info["batchSize"], info["streamArn"]) == (
        "shardId-000000000000", sequence, sequence, 1, arn)
    assert info["approximateArrivalOfFirstRecord"].endswith("Z")


def test_bisecting_isolates_the_failing_record(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    url, queue_arn = streams.queue()
    streams.put(name, "ok-1", "ok-2", "fail-3", "ok-4")
    streams.mapping(function, arn, BatchSize=4, MaximumRetryAttempts=0,
                    BisectBatchOnFunctionError=True,
                    DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    [record] = streams.received(url, 1)
    assert wait_until(lambda: "ok-4" in processed(process_server, function))
    assert processed(process_server, function) == ["ok-1", "ok-2", "ok-4"]
    assert record["KinesisBatchInfo"]["batchSize"] == 1
    batches = [[r["kinesis"]["sequenceNumber"] for r in event["Records"]]
               for event in events(process_server, function)]
    assert [len(batch) for batch in batches] == [4, 2, 2, 1, 1]
    assert record["KinesisBatchInfo"]["startSequenceNumber"] == batches[3][0]


def test_reported_item_failures_checkpoint_before_the_first_one(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function(PARTIAL="1")
    table, arn = streams.table("KEYS_ONLY")
    url, queue_arn = streams.queue()
    for key in ("ok-1", "fail-2", "ok-3"):
        streams.dynamodb.put_item(TableName=table, Item={"id": {"S": key}})
    streams.mapping(function, arn, BatchSize=3, MaximumRetryAttempts=1,
                    FunctionResponseTypes=["ReportBatchItemFailures"],
                    DestinationConfig={"OnFailure": {"Destination": queue_arn}})
    [record] = streams.received(url, 1)
    assert [len(event["Records"]) for event in events(process_server, function)] == [3, 2, 2]
    assert processed(process_server, function) == ["ok-1", "ok-3", "ok-3", "ok-3"]
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 2 and info["streamArn"] == arn
    assert record["responseContext"]["functionError"] is None
    assert info["approximateArrivalOfFirstRecord"].endswith("Z")


# -- filters, windows, restarts -----------------------------------------------------------------


def test_filters_pass_only_matching_records(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    streams.put(name, json.dumps({"kind": "wanted", "n": 1}), json.dumps({"kind": "other"}),
                "not json", json.dumps({"kind": "wanted", "n": 2}))
    streams.mapping(function, arn, FilterCriteria={
        "Filters": [{"Pattern": json.dumps({"data": {"kind": ["wanted"]}})}]})
    assert wait_until(lambda: len(processed(process_server, function)) == 2)
    assert [json.loads(text)["n"] for text in processed(process_server, function)] == [1, 2]

    table_function = streams.function()
    table, table_arn = streams.table()
    streams.mapping(table_function, table_arn, FilterCriteria={
        "Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})}]})
    streams.dynamodb.put_item(TableName=table, Item={"id": {"S": "gone"}})
    streams.dynamodb.delete_item(TableName=table, Key={"id": {"S": "gone"}})
    assert wait_until(lambda: events(process_server, table_function))
    time.sleep(0.5)
    [event] = events(process_server, table_function)
    assert [record["eventName"] for record in event["Records"]] == ["REMOVE"]


def test_a_tumbling_window_carries_its_state_to_a_final_invocation(
        streams: Streams, process_server: SimulatorServer) -> None:
    function = streams.function()
    name, arn = streams.stream()
    streams.mapping(function, arn, TumblingWindowInSeconds=2)
    streams.put(name, "w-1", "w-2", "w-3")

    def counted() -> int:
        return sum(json.loads(line)["count"] for line in lines(process_server, function,
                                                               "FINAL "))

    assert wait_until(lambda: counted() == 3, timeout=15)
    invocations = events(process_server, function)
    assert all(event["shardId"] == "shardId-000000000000" and event["eventSourceARN"] == arn
               and event["isWindowTerminatedEarly"] is False for event in invocations)
    for event in invocations:
        start, end = (datetime.fromisoformat(event["window"][bound].replace("Z", "+00:00"))
                      for bound in ("start", "end"))
        assert (end - start).total_seconds() == 2
    finals = [event for event in invocations if event["isFinalInvokeForWindow"]]
    assert finals and all(event["Records"] == [] and event["state"]["count"] >= 1
                          for event in finals)
    first = invocations[0]
    assert first["state"] == {} and not first["isFinalInvokeForWindow"]


def test_a_mapping_and_its_checkpoints_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server(state, "process") as first:
        helper = Streams(first)
        function = helper.function()
        name, arn = helper.stream()
        key = helper.mapping(function, arn)["UUID"]
        helper.put(name, "before-restart")
        assert wait_until(lambda: helper.lam.get_event_source_mapping(UUID=key)[
            "LastProcessingResult"] == "OK")
        assert processed(first, function) == ["before-restart"]
    # moto's Kinesis keeps its streams in module-level backends, not in the state folder: the
    # stream outlives this in-process restart only because both servers share this process.
    with running_server(state, "process") as second:
        helper = Streams(second)
        mapping = helper.lam.get_event_source_mapping(UUID=key)
        assert mapping["State"] == "Enabled" and mapping["StartingPosition"] == "TRIM_HORIZON"
        helper.put(name, "after-restart")
        assert wait_until(lambda: "after-restart" in processed(second, function))
        time.sleep(0.5)
        # The function's log is kept in the state folder too: the record read before the
        # restart shows once, from the first run.
        assert processed(second, function) == ["before-restart", "after-restart"]
        helper.lam.delete_event_source_mapping(UUID=key)


# -- ParallelizationFactor ----------------------------------------------------------------------

# Takes a while over each batch, then prints `BATCH {"texts": [...], "start": .., "end": ..}`.
SLOW_HANDLER = """
import base64, json, time

def handler(event, context):
    start = time.time()
    time.sleep(0.5)
    texts = [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
    print("BATCH", json.dumps({"texts": texts, "start": start, "end": time.time()}))
"""


def keys_by_lane(lanes: int, each: int) -> list[list[str]]:
    """`each` partition keys for every one of `lanes` lanes."""
    found: list[list[str]] = [[] for _ in range(lanes)]
    number = 0
    while any(len(keys) < each for keys in found):
        key = f"key{number}"
        record = StreamRecord("0", 0.0, {"kinesis": {"partitionKey": key}})
        keys = found[lane_of(record, lanes)]
        if len(keys) < each:
            keys.append(key)
        number += 1
    return found


def slow_batches(streams: Streams, server: SimulatorServer, keys: list[str], records: int,
                 **settings: Any) -> list[dict[str, Any]]:
    """The batches a slow function got from one shard holding `records` records of each key
    (`key/0`, `key/1`, ...), put in turn; once all arrived, in the order they started."""
    function = create_function(streams.lam, SLOW_HANDLER, Timeout=10)
    name, arn = streams.stream()
    for n in range(records):
        for key in keys:
            streams.kinesis.put_record(StreamName=name, Data=f"{key}/{n}".encode(),
                                       PartitionKey=key)
    streams.mapping(function, arn, **settings)

    def batches() -> list[dict[str, Any]]:
        return [json.loads(line) for line in lines(server, function, "BATCH ")]

    assert wait_until(lambda: sum(len(b["texts"]) for b in batches()) >= len(keys) * records)
    time.sleep(0.5)  # a record delivered twice would show by now
    delivered = batches()
    assert sorted(text for batch in delivered for text in batch["texts"]) == sorted(
        f"{key}/{n}" for key in keys for n in range(records))
    return sorted(delivered, key=lambda batch: batch["start"])


def test_a_parallelization_factor_runs_other_keys_beside_a_batch_in_order_per_key(
        streams: Streams, process_server: SimulatorServer) -> None:
    lanes = keys_by_lane(2, each=2)
    keys = [key for pair in zip(*lanes, strict=True) for key in pair]
    batches = slow_batches(streams, process_server, keys, 3, BatchSize=3,
                           ParallelizationFactor=2)

    def lane(batch: dict[str, Any]) -> int:
        owners = {n for n, own in enumerate(lanes) for text in batch["texts"]
                  if text.split("/")[0] in own}
        assert len(owners) == 1, f"a batch of keys of different lanes: {batch['texts']}"
        return owners.pop()

    assert any(lane(one) != lane(other) and one["start"] < other["end"]
               and other["start"] < one["end"] for one in batches for other in batches)
    for key in keys:
        assert [text for batch in batches for text in batch["texts"]
                if text.split("/")[0] == key] == [f"{key}/{n}" for n in range(3)]


def test_with_a_factor_of_one_a_shards_batches_never_overlap(
        streams: Streams, process_server: SimulatorServer) -> None:
    keys = [key for pair in zip(*keys_by_lane(2, each=1), strict=True) for key in pair]
    batches = slow_batches(streams, process_server, keys, 3, BatchSize=2)
    assert all(one["end"] <= following["start"]
               for one, following in zip(batches, batches[1:], strict=False))
    assert [text for batch in batches for text in batch["texts"]] == [
        f"{key}/{n}" for n in range(3) for key in keys]
