"""Recursive loop detection, as AWS does it: a function that sends each message it gets back
to the queue that invokes it is stopped after 16 rounds of the same event's chain, and the
message goes to the queue's dead-letter queue; with PutFunctionRecursionConfig `Allow`, the
loop runs on. The chain is counted in the trace header's lineage, which the AWS SDK inside the
function passes on by itself."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.test_sqs_event_source import Sqs
from tests.helpers import create_function

LOOP = """
import json, os
import boto3

def handler(event, context):
    sqs = boto3.client("sqs")
    for record in event["Records"]:
        body = json.loads(record["body"])
        print("ROUND", body["round"])
        if body["round"] < int(os.environ["LAST_ROUND"]):
            sqs.send_message(QueueUrl=os.environ["QUEUE_URL"],
                             MessageBody=json.dumps({"round": body["round"] + 1}))
"""


@pytest.fixture
def queues(process_server: SimulatorServer) -> Iterator[Sqs]:
    helper = Sqs(process_server)
    yield helper
    helper.close()


def rounds(server: SimulatorServer, function: str) -> list[int]:
    return [int(event.message.split()[1]) for event in server.simulator.logs.events(function)
            if event.message.startswith("ROUND ")]


def settled_rounds(server: SimulatorServer, function: str, last: int,
                   timeout: float = 120) -> list[int]:
    """The rounds run, once round `last` has run and a few seconds more have shown whether
    any came after it."""
    deadline = time.monotonic() + timeout
    while last not in rounds(server, function) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)
    return rounds(server, function)


def loop(queues: Sqs, last_round: int) -> tuple[str, str]:
    url, arn = queues.queue(visibility=5, dead_letter_after=1)
    function = create_function(queues.lam, LOOP, Timeout=5, Environment={"Variables": {
        "QUEUE_URL": url, "LAST_ROUND": str(last_round)}})
    queues.mapping(function, arn, BatchSize=1)
    return function, url


def test_a_loop_through_a_queue_is_stopped_after_16_rounds(queues: Sqs) -> None:
    function, url = loop(queues, last_round=40)

    queues.sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"round": 1}))

    assert settled_rounds(queues.server, function, 16) == list(range(1, 17))
    # The stopped message comes back after its visibility timeout and, received once more
    # than the redrive policy allows, moves to the dead-letter queue.
    stopped: list[str] = []
    deadline = time.monotonic() + 60
    while not stopped and time.monotonic() < deadline:
        stopped = queues.drain(queues.dead_letter_url(url))
        time.sleep(0.5)
    assert [json.loads(body)["round"] for body in stopped] == [17]
    assert rounds(queues.server, function) == list(range(1, 17))
    cloudwatch = boto3.client("cloudwatch", endpoint_url=queues.server.url,
                              region_name="us-east-1", aws_access_key_id="test",
                              aws_secret_access_key="test")
    now = datetime.now(tz=UTC)
    [point] = cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="RecursiveInvocationsDropped",
        Dimensions=[{"Name": "FunctionName", "Value": function}],
        StartTime=now - timedelta(minutes=10), EndTime=now + timedelta(minutes=1),
        Period=3600, Statistics=["Sum"])["Datapoints"]
    assert point["Sum"] >= 1


def test_a_function_that_allows_recursion_runs_on(queues: Sqs) -> None:
    function, url = loop(queues, last_round=20)
    queues.lam.put_function_recursion_config(FunctionName=function, RecursiveLoop="Allow")

    queues.sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"round": 1}))

    assert settled_rounds(queues.server, function, 20) == list(range(1, 21))
