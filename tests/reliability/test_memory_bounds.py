"""What a long-running server must let go of: moto's records of every object it made (each SQS
message, each S3 object), which it keeps for a dashboard the simulator does not serve."""

from __future__ import annotations

import boto3
from botocore.config import Config

from simulator.events import moto_bridge
from simulator.server import SimulatorServer
from tests.helpers import unique_name


def test_moto_forgets_messages_but_the_queue_keeps_them(process_server: SimulatorServer
                                                        ) -> None:
    sqs = boto3.client("sqs", endpoint_url=process_server.url, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test",
                       config=Config(retries={"max_attempts": 1}))
    url = sqs.create_queue(QueueName=unique_name("forget"))["QueueUrl"]
    bodies = {f"message {i}" for i in range(20)}
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    handled = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    for message in handled:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    from moto.sqs.models import Message

    assert len(Message.instances_tracked) >= 20

    moto_bridge.forget_tracked_models()

    assert Message.instances_tracked == []
    left: set[str] = set()
    for _ in range(10):
        answer = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        left |= {message["Body"] for message in answer.get("Messages", [])}
        if len(left) == 10:
            break
    assert left == bodies - {message["Body"] for message in handled}
