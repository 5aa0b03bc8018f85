"""Reports as failed each record whose body's `fail_attempts` is at least its receive count,
or returns OVERWRITE_RESULT (parsed as JSON when it is) instead; sends the event and the result
to DESTINATION_QUEUE_URL."""

import json
import os

import boto3


def handler(event, context):
    print("incoming event:")
    print(json.dumps(event))
    if not event.get("Records"):
        raise ValueError("no records passed to event")
    failed = []
    for record in event["Records"]:
        attempts = json.loads(record["body"]).get("fail_attempts")
        if attempts is None:
            raise ValueError("no fail_attempts for the event given")
        if attempts >= int(record["attributes"]["ApproximateReceiveCount"]):
            failed.append({"itemIdentifier": record["messageId"]})
    result = {"batchItemFailures": failed}
    overwrite = os.environ.get("OVERWRITE_RESULT")
    if overwrite is not None:
        try:
            result = json.loads(overwrite)
        except ValueError:
            result = overwrite
    destination = os.environ.get("DESTINATION_QUEUE_URL")
    if destination:
        sqs = boto3.client("sqs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
        sqs.send_message(QueueUrl=destination,
                         MessageBody=json.dumps({"event": event, "result": result}))
    return result
