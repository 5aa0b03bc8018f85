"""S3 notifications, SNS subscriptions and EventBridge rules invoking functions through the
one endpoint, with the event JSON AWS sends (checked against Powertools' models)."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
from aws_lambda_powertools.utilities.parser.models import (
    EventBridgeModel,
    S3Model,
    SnsModel,
)

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, unique_name

RECORDER = """
import json
def handler(event, context):
    print("EVENT " + json.dumps(event))
"""


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def recorded_events(server: SimulatorServer, name: str, count: int,
                    timeout: float = 20) -> list[dict[str, Any]]:
    """The events a RECORDER function printed, once `count` of them have arrived."""
    deadline = time.time() + timeout
    events: list[dict[str, Any]] = []
    while time.time() < deadline:
        events = [json.loads(e.message.removeprefix("EVENT ")) for e in
                  server.simulator.logs.events(name) if e.message.startswith("EVENT ")]
        if len(events) >= count:
            break
        time.sleep(0.05)
    return events


def recorder(client: Any) -> tuple[str, str]:
    name = create_function(client, RECORDER)
    return name, client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]


def test_s3_object_events(client: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    s3 = aws(server, "s3")
    bucket = unique_name("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [
            {"Id": "created", "LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"],
             "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"},
                                                {"Name": "suffix", "Value": ".txt"}]}}},
            {"Id": "removed", "LambdaFunctionArn": arn, "Events": ["s3:ObjectRemoved:*"]},
        ]})
    s3.put_object(Bucket=bucket, Key="uploads/a file.txt", Body=b"hello")
    s3.put_object(Bucket=bucket, Key="uploads/skipped.png", Body=b"not matched")
    s3.put_object(Bucket=bucket, Key="elsewhere/b.txt", Body=b"not matched")
    s3.copy_object(Bucket=bucket, Key="uploads/copy.txt",
                   CopySource={"Bucket": bucket, "Key": "uploads/a file.txt"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="uploads/big.txt")
    part = s3.upload_part(Bucket=bucket, Key="uploads/big.txt", PartNumber=1,
                          UploadId=upload["UploadId"], Body=b"x" * 5 * 1024 * 1024)
    s3.complete_multipart_upload(Bucket=bucket, Key="uploads/big.txt",
                                 UploadId=upload["UploadId"],
                                 MultipartUpload={"Parts": [{"ETag": part["ETag"],
                                                             "PartNumber": 1}]})
    s3.delete_object(Bucket=bucket, Key="uploads/copy.txt")
    events = recorded_events(server, name, 4)
    time.sleep(0.5)
    events = recorded_events(server, name, 4)
    records = {e["Records"][0]["eventName"]: e["Records"][0] for e in events}
    assert set(records) == {"ObjectCreated:Put", "ObjectCreated:Copy",
                            "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete"}
    for event in events:
        S3Model.model_validate(event)
    put = records["ObjectCreated:Put"]
    assert put["s3"]["object"]["key"] == "uploads/a+file.txt"
    assert put["s3"]["object"]["size"] == 5
    assert put["s3"]["bucket"]["name"] == bucket
    assert put["s3"]["configurationId"] == "created"
    sequencers = [e["Records"][0]["s3"]["object"]["sequencer"] for e in events]
    assert len(set(sequencers)) == len(sequencers)


def test_sns_subscription(client: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    sns = aws(server, "sns")
    topic = sns.create_topic(Name=unique_name("topic"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
    sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}})
    (event,) = recorded_events(server, name, 1)
    SnsModel.model_validate(event)
    message = event["Records"][0]["Sns"]
    assert (message["Message"], message["Subject"], message["TopicArn"]) == (
        "hello", "greeting", topic)
    assert message["MessageAttributes"]["kind"] == {"Type": "String", "Value": "test"}


def test_eventbridge_rule_with_pattern(client: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    events_client = aws(server, "events")
    rule = unique_name("rule")
    source = unique_name("my.app")
    events_client.put_rule(Name=rule, EventPattern=json.dumps(
        {"source": [source], "detail": {"kind": ["order"]}}))
    events_client.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": arn}])
    events_client.put_events(Entries=[
        {"Source": source, "DetailType": "Order Placed", "Detail": json.dumps({"kind": "order"})},
        {"Source": source, "DetailType": "Ignored", "Detail": json.dumps({"kind": "other"})},
    ])
    (event,) = recorded_events(server, name, 1)
    time.sleep(0.5)
    assert len(recorded_events(server, name, 1)) == 1
    EventBridgeModel.model_validate(event)
    assert event["detail-type"] == "Order Placed" and event["detail"] == {"kind": "order"}
    # As AWS writes it: an ISO-8601 string, and no ingestion time.
    assert isinstance(event["time"], str) and event["time"].endswith("Z")
    assert "ingestion-time" not in event


def test_s3_events_reach_eventbridge_rules_as_aws_sends_them(
        client: Any, server: SimulatorServer) -> None:
    name, arn = recorder(client)
    s3, events_client = aws(server, "s3"), aws(server, "events")
    bucket, rule = unique_name("bucket"), unique_name("rule")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
    events_client.put_rule(Name=rule, EventPattern=json.dumps({
        "source": ["aws.s3"], "detail": {"bucket": {"name": [bucket]}}}))
    events_client.put_targets(Rule=rule, Targets=[{"Id": "fn", "Arn": arn}])

    s3.put_object(Bucket=bucket, Key="photos/cat.png", Body=b"png")

    (event,) = recorded_events(server, name, 1)
    time.sleep(0.5)
    assert len(recorded_events(server, name, 1)) == 1  # an object created, no tags added
    EventBridgeModel.model_validate(event)
    assert (event["source"], event["detail-type"]) == ("aws.s3", "Object Created")
    assert event["resources"] == [f"arn:aws:s3:::{bucket}"]
    assert (event["detail"]["bucket"]["name"], event["detail"]["object"]["key"],
            event["detail"]["object"]["size"]) == (bucket, "photos/cat.png", 3)
