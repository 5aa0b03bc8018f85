"""How stream pollers reach Kinesis and DynamoDB Streams: as AWS's pollers do, as ordinary
clients of the services (here: the simulator's own endpoint, where moto serves them), with
shard listings, shard iterators and GetRecords."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from simulator.aws_clients import own_client
from simulator.config import Settings
from simulator.events.stream_records import KINESIS, StreamSource

CLIENT_SERVICES = {KINESIS: "kinesis", "dynamodb": "dynamodbstreams"}
READ_LIMITS = {KINESIS: 10_000, "dynamodb": 1000}  # GetRecords' own caps


@dataclass(frozen=True)
class Shard:
    shard_id: str
    parent_id: str | None = None


@dataclass(frozen=True)
class Position:
    """Where a shard iterator starts: `kind` is a ShardIteratorType."""

    kind: str
    sequence_number: str | None = None
    timestamp: float | None = None


class StreamConnection:
    """boto3 clients for the simulator's own endpoint, one per service and region, built
    lazily: the endpoint's port is only known once the server has bound it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, str], Any] = {}

    def client(self, source: StreamSource) -> Any:
        service = CLIENT_SERVICES[source.service]
        key = (self._settings.endpoint_url, service, source.region)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = own_client(
                    self._settings, service, source.region, max_pool_connections=20,
                    retries={"max_attempts": 2, "mode": "standard"})
            return client

    def exists(self, source: StreamSource) -> bool:
        try:
            if source.service == KINESIS:
                self.client(source).describe_stream_summary(StreamName=source.name)
            else:
                self.client(source).describe_stream(StreamArn=source.arn)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                return False
            raise
        return True

    def shards(self, source: StreamSource) -> list[Shard]:
        """The stream's shards, parents before their children."""
        if source.service == KINESIS:
            found = self._kinesis_shards(source)
        else:
            found = self._dynamodb_shards(source)
        return [Shard(shard["ShardId"], shard.get("ParentShardId")) for shard in found]

    def _kinesis_shards(self, source: StreamSource) -> list[dict[str, Any]]:
        client = self.client(source)
        answer = client.list_shards(StreamName=source.name)
        shards = list(answer.get("Shards", []))
        while answer.get("NextToken"):
            answer = client.list_shards(NextToken=answer["NextToken"])
            shards += answer.get("Shards", [])
        return shards

    def _dynamodb_shards(self, source: StreamSource) -> list[dict[str, Any]]:
        client = self.client(source)
        shards: list[dict[str, Any]] = []
        start: dict[str, str] = {}
        while True:
            answer = client.describe_stream(StreamArn=source.arn, **start)["StreamDescription"]
            shards += answer.get("Shards", [])
            if not answer.get("LastEvaluatedShardId"):
                return shards
            start = {"ExclusiveStartShardId": answer["LastEvaluatedShardId"]}

    def iterator(self, source: StreamSource, shard_id: str, position: Position) -> str | None:
        parameters: dict[str, Any] = {"ShardId": shard_id, "ShardIteratorType": position.kind}
        if position.kind == "AFTER_SEQUENCE_NUMBER":
            name = "StartingSequenceNumber" if source.service == KINESIS else "SequenceNumber"
            parameters[name] = position.sequence_number
        if position.kind == "AT_TIMESTAMP":
            parameters["Timestamp"] = datetime.fromtimestamp(position.timestamp or 0, UTC)
        if source.service == KINESIS:
            answer = self.client(source).get_shard_iterator(StreamName=source.name, **parameters)
        else:
            answer = self.client(source).get_shard_iterator(StreamArn=source.arn, **parameters)
        iterator = answer.get("ShardIterator")
        return str(iterator) if iterator else None

    def read(self, source: StreamSource, iterator: str, limit: int
             ) -> tuple[list[dict[str, Any]], str | None]:
        """Up to `limit` records and the iterator after them (None once a closed shard is
        read to its end)."""
        answer = self.client(source).get_records(
            ShardIterator=iterator, Limit=min(limit, READ_LIMITS[source.service]))
        following = answer.get("NextShardIterator")
        return list(answer.get("Records", [])), str(following) if following else None

    def wait_until_serving(self, stop: threading.Event) -> bool:
        """Block until the endpoint accepts connections (False if stopped first)."""
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
