"""Sends the batch's records, as one JSON list, to SQS_QUEUE_URL."""

import json
import os

import boto3


def handler(event, context):
    records = event.get("Records", [])
    sqs = boto3.client("sqs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    sqs.send_message(QueueUrl=os.environ["SQS_QUEUE_URL"], MessageBody=json.dumps(records))
    return {"count": len(records)}
