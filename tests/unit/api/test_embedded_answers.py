"""The embedded services' answers in AWS's shape: DynamoDB tables CREATING and UPDATING
with a TableId that stays the table's, no empty index lists, and SQS batches without an
empty `Failed`; through the middleware alone, and through boto3 against a running server."""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import boto3
import pytest

from simulator.api.embedded_answers import EmbeddedAnswers, table_id
from simulator.http_server import SimulatorServer
from tests.helpers import running_server

ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
MOTO_TABLE = {
    "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
    "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
    "TableStatus": "ACTIVE", "TableArn": ARN, "CreationDateTime": 1700000000.5,
    "GlobalSecondaryIndexes": [], "LocalSecondaryIndexes": [],
    "WarmThroughput": {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000,
                       "Status": "ACTIVE"},
}


class Answering:
    """A stand-in for moto's app: answers each request with `answer`, and counts closes."""

    def __init__(self, answer: Any, status: str = "200 OK") -> None:
        self.body = json.dumps(answer).encode()
        self.status = status
        self.closed = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        start_response(self.status, [("Content-Type", "application/x-amz-json-1.0"),
                                     ("Content-Length", str(len(self.body))),
                                     ("x-amz-crc32", str(zlib.crc32(self.body)))])
        return Closing([self.body], self)


class Closing(list[bytes]):
    def __init__(self, chunks: list[bytes], app: Answering) -> None:
        super().__init__(chunks)
        self._app = app

    def close(self) -> None:
        self._app.closed += 1


def answered(app: Answering, target: str) -> tuple[str, dict[str, str], Any]:
    started: list[tuple[str, dict[str, str]]] = []
    body = b"".join(EmbeddedAnswers(app)(
        {"HTTP_X_AMZ_TARGET": target},
        lambda status, headers, exc_info=None: started.append((status, dict(headers)))))
    status, headers = started[0]
    assert headers["Content-Length"] == str(len(body))
    assert headers["x-amz-crc32"] == str(zlib.crc32(body))
    return status, headers, json.loads(body)


def test_a_created_table_is_creating_with_its_id_and_without_warm_throughput() -> None:
    app = Answering({"TableDescription": MOTO_TABLE})

    _, _, answer = answered(app, "DynamoDB_20120810.CreateTable")

    table = answer["TableDescription"]
    assert table["TableStatus"] == "CREATING"
    assert table["TableId"] == table_id(ARN, 1700000000.5)
    assert uuid.UUID(table["TableId"])
    assert not {"WarmThroughput", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"} & set(table)
    assert table["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST"}
    assert app.closed == 1


def test_an_updated_table_is_updating_and_on_demand_since_its_creation() -> None:
    _, _, answer = answered(Answering({"TableDescription": MOTO_TABLE}),
                            "DynamoDB_20120810.UpdateTable")

    table = answer["TableDescription"]
    assert table["TableStatus"] == "UPDATING"
    assert table["BillingModeSummary"] == {"BillingMode": "PAY_PER_REQUEST",
                                           "LastUpdateToPayPerRequestDateTime": 1700000000.5}
    assert table["WarmThroughput"]["Status"] == "ACTIVE"
    assert "GlobalSecondaryIndexes" not in table


def test_a_described_table_keeps_its_status_and_id_and_a_deleted_one_is_deleting() -> None:
    _, _, described = answered(Answering({"Table": MOTO_TABLE}),
                               "DynamoDB_20120810.DescribeTable")
    _, _, deleted = answered(Answering({"TableDescription": MOTO_TABLE}),
                             "DynamoDB_20120810.DeleteTable")

    assert described["Table"]["TableStatus"] == "ACTIVE"
    assert described["Table"]["TableId"] == deleted["TableDescription"]["TableId"]
    assert deleted["TableDescription"]["TableStatus"] == "DELETING"


def test_a_table_created_again_under_its_name_has_another_id() -> None:
    assert table_id(ARN, 1700000000.5) != table_id(ARN, 1700000001.5)


def test_indexes_a_table_has_are_kept() -> None:
    index = {"IndexName": "by-date", "KeySchema": [], "Projection": {"ProjectionType": "ALL"}}
    _, _, answer = answered(Answering({"Table": {**MOTO_TABLE, "GlobalSecondaryIndexes": [index]}}),
                            "DynamoDB_20120810.DescribeTable")

    assert answer["Table"]["GlobalSecondaryIndexes"] == [index]


def test_a_batch_without_failures_has_no_failed_member_and_one_with_failures_keeps_it() -> None:
    failure = {"Id": "b", "SenderFault": True, "Code": "InvalidParameterValue", "Message": "x"}
    _, _, clean = answered(Answering({"Successful": [{"Id": "a"}], "Failed": []}),
                           "AmazonSQS.SendMessageBatch")
    _, _, failed = answered(Answering({"Successful": [], "Failed": [failure]}),
                            "AmazonSQS.DeleteMessageBatch")

    assert clean == {"Successful": [{"Id": "a"}]}
    assert failed == {"Successful": [], "Failed": [failure]}


def test_errors_and_other_operations_pass_untouched() -> None:
    error = {"__type": "ResourceNotFoundException", "message": "Requested resource not found"}
    status, _, answer = answered(Answering(error, "400 Bad Request"),
                                 "DynamoDB_20120810.DescribeTable")
    assert (status, answer) == ("400 Bad Request", error)

    other = Answering({"Table": MOTO_TABLE})
    chunks = EmbeddedAnswers(other)({"HTTP_X_AMZ_TARGET": "DynamoDB_20120810.ListTables"},
                                    lambda *args: None)
    assert b"".join(chunks) == other.body


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("answers-state"), "fake") as running:
        yield running


def client(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def test_boto3_sees_a_table_creating_then_active_with_one_id(server: SimulatorServer) -> None:
    dynamodb = client(server, "dynamodb")
    name = f"table-{uuid.uuid4().hex[:8]}"

    created = dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])["TableDescription"]
    dynamodb.get_waiter("table_exists").wait(TableName=name)
    described = dynamodb.describe_table(TableName=name)["Table"]
    updated = dynamodb.update_table(TableName=name, StreamSpecification={
        "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})["TableDescription"]

    assert (created["TableStatus"], described["TableStatus"], updated["TableStatus"]) == (
        "CREATING", "ACTIVE", "UPDATING")
    assert created["TableId"] == described["TableId"] == updated["TableId"]
    assert "LocalSecondaryIndexes" not in described


def test_boto3_sees_a_batch_without_failed(server: SimulatorServer) -> None:
    sqs = client(server, "sqs")
    queue = sqs.create_queue(QueueName=f"queue-{uuid.uuid4().hex[:8]}")["QueueUrl"]

    answer = sqs.send_message_batch(QueueUrl=queue, Entries=[
        {"Id": "1", "MessageBody": "one"}, {"Id": "2", "MessageBody": "two"}])

    assert "Failed" not in answer
    assert [entry["Id"] for entry in answer["Successful"]] == ["1", "2"]
