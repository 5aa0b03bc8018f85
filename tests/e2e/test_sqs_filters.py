"""FilterCriteria on SQS event source mappings through boto3: the mapping answers its filters
back, the function gets only the messages that match one, and the others leave the queue."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.e2e.test_sqs_event_source import Sqs
from tests.helpers import create_function

HANDLER = """
def handler(event, context):
    for record in event["Records"]:
        print("BODY", record["body"])
"""
WAIT_SECONDS = 60
ORDERS = json.dumps({"body": {"kind": ["order"], "amount": [{"numeric": [">=", 100]}]}})
PINGS = json.dumps({"body": [{"prefix": "ping"}]})


class Queues(Sqs):
    """The event source tests' queues and mappings, and what the filtered function printed."""

    def delivered(self, function: str) -> list[str]:
        """The bodies the function printed, oldest first."""
        return [event.message.removeprefix("BODY ").rstrip("\n")
                for event in self.server.simulator.logs.events(function)
                if event.message.startswith("BODY ")]


@pytest.fixture
def queues(process_server: SimulatorServer) -> Iterator[Queues]:
    helper = Queues(process_server)
    yield helper
    helper.close()


def wait_until(condition: Callable[[], Any], timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def test_only_matching_messages_reach_the_function_and_the_others_leave_the_queue(
        queues: Queues) -> None:
    function = create_function(queues.lam, HANDLER)
    url, arn = queues.queue()
    criteria = {"Filters": [{"Pattern": ORDERS}, {"Pattern": PINGS}]}

    created = queues.mapping(function, arn, FilterCriteria=criteria)

    assert created["FilterCriteria"] == criteria
    assert queues.lam.get_event_source_mapping(UUID=created["UUID"])["FilterCriteria"] == (
        criteria)
    bodies = [
        json.dumps({"kind": "order", "amount": 250}),
        json.dumps({"kind": "order", "amount": 20}),
        json.dumps({"kind": "refund", "amount": 250}),
        "ping one",
        "pong",
        json.dumps({"kind": "order", "amount": 100}),
    ]
    queues.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies)])

    assert wait_until(lambda: queues.count(url) == 0)
    expected = sorted([bodies[0], bodies[3], bodies[5]])
    assert wait_until(lambda: sorted(queues.delivered(function)) == expected), (
        queues.delivered(function))
    time.sleep(1)  # nothing else arrives later
    assert sorted(queues.delivered(function)) == expected


def test_clearing_the_filters_delivers_every_message(queues: Queues) -> None:
    function = create_function(queues.lam, HANDLER)
    url, arn = queues.queue()
    key = queues.mapping(function, arn, FilterCriteria={"Filters": [{"Pattern": PINGS}]})["UUID"]
    queues.sqs.send_message(QueueUrl=url, MessageBody="pong")
    assert wait_until(lambda: queues.count(url) == 0)

    updated = queues.lam.update_event_source_mapping(UUID=key, FilterCriteria={})

    assert "FilterCriteria" not in updated
    assert "FilterCriteria" not in queues.lam.get_event_source_mapping(UUID=key)
    queues.sqs.send_message(QueueUrl=url, MessageBody="pong again")
    assert wait_until(lambda: queues.delivered(function) == ["pong again"]), (
        queues.delivered(function))


@pytest.mark.parametrize(("filters", "code", "message"), [
    ([{"Pattern": "{not json"}], "InvalidParameterValueException",
     "Invalid filter pattern definition."),
    ([{"Pattern": json.dumps({"body": {"kind": "order"}})}], "InvalidParameterValueException",
     "Invalid filter pattern definition."),
    ([{"Pattern": PINGS}] * 6, "InvalidParameterValueException", "limit of 5 filters"),
])
def test_patterns_aws_refuses_are_refused(queues: Queues, filters: list[dict[str, str]],
                                          code: str, message: str) -> None:
    function = create_function(queues.lam, HANDLER)
    _, arn = queues.queue()

    with pytest.raises(ClientError) as refused:
        queues.mapping(function, arn, FilterCriteria={"Filters": filters})

    error = refused.value.response
    assert error["Error"]["Code"] == code
    assert message in error["Error"]["Message"]
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert queues.lam.list_event_source_mappings(EventSourceArn=arn)[
        "EventSourceMappings"] == []


SAM_FILTERED_WORKER = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersQueue:
    Type: AWS::SQS::Queue
  FilteredWorker:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: filtered-worker
      Runtime: python3.11
      Handler: app.handler
      CodeUri: worker/
      Events:
        Orders:
          Type: SQS
          Properties:
            Queue: !GetAtt OrdersQueue.Arn
            BatchSize: 5
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["order"]}}'
"""


def test_a_sam_sqs_events_filter_criteria_filter_its_mapping(
        queues: Queues, tmp_path: Path) -> None:
    (tmp_path / "worker").mkdir()
    (tmp_path / "worker" / "app.py").write_text(HANDLER)
    (tmp_path / "template.yaml").write_text(SAM_FILTERED_WORKER)
    queues.server.simulator.load_template(tmp_path / "template.yaml")
    [mapping] = queues.lam.list_event_source_mappings(FunctionName="filtered-worker")[
        "EventSourceMappings"]
    url = queues.sqs.get_queue_url(QueueName=mapping["EventSourceArn"].rsplit(":", 1)[1])[
        "QueueUrl"]

    for kind in ("refund", "order"):
        queues.sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"kind": kind}))

    assert mapping["FilterCriteria"] == {"Filters": [{"Pattern": '{"body": {"kind": ["order"]}}'}]}
    assert wait_until(lambda: queues.count(url) == 0)
    assert wait_until(lambda: queues.delivered("filtered-worker") == ['{"kind": "order"}']), (
        queues.delivered("filtered-worker"))
