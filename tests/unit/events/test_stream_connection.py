"""The stream pollers' client of Kinesis and DynamoDB Streams, against moto served on a local
port as the simulator serves it: whether a stream exists, its shards, iterators and reads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from simulator.config import Settings
from simulator.events.stream_connection import Position, StreamConnection
from simulator.events.stream_records import StreamSource
from tests.helpers import unique_name


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


@pytest.fixture
def connection(moto_port: int, tmp_path: Path) -> StreamConnection:
    return StreamConnection(Settings.from_env(environ={}, port=moto_port, state_dir=tmp_path))


def kinesis_stream(port: int, shards: int = 1) -> tuple[StreamSource, Any]:
    kinesis = aws("kinesis", port)
    name = unique_name("stream")
    kinesis.create_stream(StreamName=name, ShardCount=shards)
    arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"][
        "StreamARN"]
    source = StreamSource.from_arn(arn)
    assert source is not None
    return source, kinesis


def table_stream(port: int) -> tuple[StreamSource, Any]:
    dynamodb = aws("dynamodb", port)
    name = unique_name("table")
    arn = dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]["LatestStreamArn"]
    source = StreamSource.from_arn(arn)
    assert source is not None
    return source, dynamodb


def test_streams_that_exist_and_streams_that_do_not(
        connection: StreamConnection, moto_port: int) -> None:
    kinesis, _ = kinesis_stream(moto_port)
    table, _ = table_stream(moto_port)
    assert connection.exists(kinesis) and connection.exists(table)
    for missing in (kinesis.arn + "-gone", table.arn.replace(":table/", ":table/gone-")):
        source = StreamSource.from_arn(missing)
        assert source is not None and not connection.exists(source)


def test_kinesis_shards_are_read_in_order_from_where_an_iterator_starts(
        connection: StreamConnection, moto_port: int) -> None:
    source, kinesis = kinesis_stream(moto_port, shards=2)
    shards = connection.shards(source)
    assert [shard.shard_id for shard in shards] == ["shardId-000000000000",
                                                    "shardId-000000000001"]
    first = shards[0].shard_id
    sequences = [kinesis.put_record(StreamName=source.name, Data=f"r{n}".encode(),
                                    PartitionKey="k", ExplicitHashKey="0")["SequenceNumber"]
                 for n in range(3)]

    iterator = connection.iterator(source, first, Position("TRIM_HORIZON"))
    assert iterator is not None
    records, following = connection.read(source, iterator, 2)
    assert [record["Data"] for record in records] == [b"r0", b"r1"]
    assert following is not None
    rest, _ = connection.read(source, following, 10)
    assert [record["Data"] for record in rest] == [b"r2"]

    after = connection.iterator(source, first, Position("AFTER_SEQUENCE_NUMBER", sequences[0]))
    assert after is not None
    assert [r["Data"] for r in connection.read(source, after, 10)[0]] == [b"r1", b"r2"]
    later = connection.iterator(source, first, Position("AT_TIMESTAMP",
                                                        timestamp=time.time() + 60))
    assert later is not None and connection.read(source, later, 10)[0] == []


def test_a_table_stream_is_read_from_its_shard(
        connection: StreamConnection, moto_port: int) -> None:
    source, dynamodb = table_stream(moto_port)
    dynamodb.put_item(TableName=source.name, Item={"id": {"S": "a"}})
    dynamodb.put_item(TableName=source.name, Item={"id": {"S": "b"}})
    [shard] = connection.shards(source)

    iterator = connection.iterator(source, shard.shard_id, Position("TRIM_HORIZON"))
    assert iterator is not None
    records, _ = connection.read(source, iterator, 10)
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in records] == ["a", "b"]
    first = records[0]["dynamodb"]["SequenceNumber"]
    after = connection.iterator(source, shard.shard_id, Position("AFTER_SEQUENCE_NUMBER", first))
    assert after is not None
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in connection.read(source, after, 10)[0]] == [
        "b"]


def test_waiting_for_the_endpoint_ends_when_it_serves_or_when_stopped(
        connection: StreamConnection, tmp_path: Path) -> None:
    assert connection.wait_until_serving(threading.Event())
    unbound = StreamConnection(Settings.from_env(environ={}, port=0, state_dir=tmp_path))
    stopped = threading.Event()
    stopped.set()
    assert not unbound.wait_until_serving(stopped)
