"""What a long-running server must let go of: moto's records of every object it made (each SQS
message, each S3 object), which it keeps for a dashboard the simulator does not serve, and the
receipt handles of deleted SQS messages beyond a bound."""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from simulator.events import moto_bridge
from simulator.http_server import SimulatorServer
from tests.helpers import unique_name


def test_moto_forgets_messages_but_the_queue_keeps_them(process_server: SimulatorServer,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    sqs = boto3.client("sqs", endpoint_url=process_server.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(retries={"max_attempts": 1}))
    name = unique_name("forget")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    bodies = {f"message {i}" for i in range(20)}
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    handled = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    for message in handled:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    from moto.sqs.models import Message, sqs_backends

    [queue] = [backend.queues[name] for account in dict.values(sqs_backends)
               for backend in dict.values(account) if name in backend.queues]
    assert len(Message.instances_tracked) >= 20
    assert len(queue.deleted_messages) >= 10
    monkeypatch.setattr(moto_bridge, "MAX_DELETED_RECEIPTS", 5)

    moto_bridge.release_records()

    assert Message.instances_tracked == []
    assert queue.deleted_messages == set()
    left: set[str] = set()
    for _ in range(10):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        left |= {message["Body"] for message in answer.get("Messages", [])}
        if len(left) == 10:
            break
    assert left == bodies - {message["Body"] for message in handled}
