"""Takes exactly one SQS record whose body names a `destination` queue and how many receives
should fail (`fail_attempts`); sends what happened (the error, if any, and the whole event) to
that queue, then fails or succeeds. A body that is not JSON fails the invocation."""

import json
import os

import boto3


def handler(event, context):
    records = event.get("Records", [])
    if len(records) != 1:
        raise ValueError("the payload must consist of exactly one record")
    record = records[0]
    message = json.loads(record["body"])
    if not message.get("destination"):
        raise ValueError("no destination for the event given")
    failure = None
    if message["fail_attempts"] >= int(record["attributes"]["ApproximateReceiveCount"]):
        failure = ValueError("failed attempt")
    sqs = boto3.client("sqs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
    sqs.send_message(QueueUrl=message["destination"],
                     MessageBody=json.dumps({"error": str(failure) if failure else None,
                                             "event": event}))
    if failure:
        raise failure
