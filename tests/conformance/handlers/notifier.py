"""Sends its request id to the queue `notify` names, then sleeps `wait` seconds."""

import json
import os
import time

import boto3


def handler(event, context):
    if event.get("notify"):
        sqs = boto3.client("sqs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
        sqs.send_message(QueueUrl=event["notify"],
                         MessageBody=json.dumps({"request_id": context.aws_request_id}))
    if event.get("wait"):
        time.sleep(event["wait"])
