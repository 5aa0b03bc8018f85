"""The resource view reads what the embedded services hold through their own APIs: buckets
with their first objects, queues with their counts, tables with their first items and stream,
streams with their shards; a few of each, and a service that can't be read leaves the others'
view whole."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from simulator.observability import resource_view
from simulator.observability.resource_view import resources


@pytest.fixture
def aws() -> Iterator[Any]:
    with mock_aws():
        yield lambda service: boto3.client(service, region_name="us-east-1",
                                           aws_access_key_id="test",
                                           aws_secret_access_key="test")


def test_each_kind_shows_what_its_service_holds(aws: Any) -> None:
    aws("s3").create_bucket(Bucket="uploads")
    aws("s3").put_object(Bucket="uploads", Key="a.txt", Body=b"hello")
    url = aws("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    aws("sqs").send_message(QueueUrl=url, MessageBody="one")
    aws("sqs").send_message(QueueUrl=url, MessageBody="two")
    aws("dynamodb").create_table(
        TableName="orders", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    aws("dynamodb").put_item(TableName="orders", Item={"id": {"S": "7"}})
    aws("kinesis").create_stream(StreamName="clicks", ShardCount=2)

    view = resources(aws)

    assert view["buckets"] == [{"name": "uploads", "objects": [{"key": "a.txt", "size": 5}],
                                "more": False}]
    assert view["queues"] == [{"name": "jobs", "visible": 2, "inFlight": 0, "delayed": 0}]
    [table] = view["tables"]
    assert (table["name"], table["itemCount"], table["stream"], table["items"]) == (
        "orders", 1, "NEW_IMAGE", [{"id": {"S": "7"}}])
    assert view["streams"] == [{"name": "clicks", "status": "ACTIVE", "shards": 2}]


def test_only_the_first_entries_are_read(aws: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource_view, "MOST_ENTRIES", 3)
    aws("s3").create_bucket(Bucket="many")
    for n in range(5):
        aws("s3").put_object(Bucket="many", Key=f"k{n}", Body=b"x")

    [bucket] = resources(aws)["buckets"]

    assert [o["key"] for o in bucket["objects"]] == ["k0", "k1", "k2"] and bucket["more"]


def test_a_service_that_cannot_be_read_leaves_the_others_whole(aws: Any) -> None:
    aws("sqs").create_queue(QueueName="still-here")

    def client(service: str) -> Any:
        if service == "dynamodb":
            raise ConnectionError("dynamodb is out of reach")
        return aws(service)

    view = resources(client)

    assert view["tables"] == {"error": "dynamodb is out of reach"}
    assert [q["name"] for q in view["queues"]] == ["still-here"]
