"""The embedded SQS reads a queue's attributes one at a time: the same answers as moto's
own, and a send that costs the same however deep its queue."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.sqs import models as sqs_models

from simulator.events import queue_attributes
from simulator.events.queue_attributes import QueueAttributes

ACCOUNT = "123456789012"


@pytest.fixture
def sqs() -> Any:
    queue_attributes.install()
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x")


def queue(name: str) -> Any:
    return sqs_models.sqs_backends[ACCOUNT]["us-east-1"].queues[name]


def test_every_kind_of_queue_reports_what_motos_own_attributes_report(sqs: Any) -> None:
    dead = sqs.create_queue(QueueName="dead")["QueueUrl"]
    dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    sqs.create_queue(QueueName="plain")
    sqs.create_queue(QueueName="ordered.fifo", Attributes={
        "FifoQueue": "true", "ContentBasedDeduplication": "true"})
    sqs.create_queue(QueueName="redriven", Attributes={
        "RedrivePolicy": json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 2}),
        "KmsMasterKeyId": "alias/aws/sqs", "Policy": json.dumps({"Version": "2012-10-17"})})
    sqs.send_message(QueueUrl=dead, MessageBody="one")

    for name in ("dead", "plain", "ordered.fifo", "redriven"):
        lazy = QueueAttributes(queue(name))
        assert dict(lazy) == queue_attributes.moto_attributes.fget(queue(name)), name
        assert list(lazy) == list(queue_attributes.moto_attributes.fget(queue(name)))
    assert queue("ordered.fifo").attributes.get("ContentBasedDeduplication") == "true"
    assert queue("plain").attributes.get("ContentBasedDeduplication") is None
    with pytest.raises(KeyError):
        QueueAttributes(queue("plain"))["FifoQueue"]


def test_a_send_counts_no_messages_however_deep_the_queue(
        sqs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    url = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for batch in range(20):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(n), "MessageBody": f"{batch}-{n}"} for n in range(10)])
    looked_at = []
    visible = sqs_models.Message.visible

    def counted(message: Any) -> bool:
        looked_at.append(message)
        return bool(visible.fget(message))

    monkeypatch.setattr(sqs_models.Message, "visible", property(counted))

    sqs.send_message(QueueUrl=url, MessageBody="one more")

    assert looked_at == []
    everything = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert everything["ApproximateNumberOfMessages"] == "201"
