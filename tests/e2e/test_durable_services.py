"""The embedded AWS services keep their state across a restart of `lambda-sim serve`, a
graceful one and a SIGKILL: buckets and objects, queues and their messages (in flight and
delayed ones included), topics, rules, roles, tables, streams and schedules."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
import requests
from botocore.config import Config

from tests.e2e.test_cli_serve import free_port, stop

INVISIBLE_SECONDS = 15
ROLE_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]})


def start(state_dir: Path, port: int, *flags: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port),
         "--state-dir", str(state_dir), "--executor", "process", *flags],
        env={**os.environ}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"http://127.0.0.1:{port}/_simulator/health", timeout=1).ok:
                return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError(process.stdout.read().decode() if process.stdout else "no output")


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 1}))


def create_everything(endpoint: str) -> dict[str, Any]:
    """State in every service; what to find again."""
    s3, sqs, sns = client(endpoint, "s3"), client(endpoint, "sqs"), client(endpoint, "sns")
    queue = sqs.create_queue(QueueName="kept", Attributes={"VisibilityTimeout": "40"})
    queue_url = queue["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    announcements = sqs.create_queue(QueueName="announcements")["QueueUrl"]
    announcements_arn = sqs.get_queue_attributes(
        QueueUrl=announcements, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.create_bucket(Bucket="kept-bucket")
    s3.put_bucket_versioning(Bucket="kept-bucket",
                             VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="kept-bucket", Key="dir/one.txt", Body=b"first")
    s3.put_object(Bucket="kept-bucket", Key="dir/one.txt", Body=b"second " * 1000,
                  Metadata={"colour": "blue"}, ContentType="text/plain")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::kept-bucket/*"}]})
    s3.put_bucket_policy(Bucket="kept-bucket", Policy=policy)
    s3.put_bucket_notification_configuration(Bucket="kept-bucket", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": announcements_arn, "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [
                                     {"Name": "prefix", "Value": "incoming/"}]}}}]})
    sqs.purge_queue(QueueUrl=announcements)  # S3's test event
    sqs.send_message(QueueUrl=queue_url, MessageBody="in flight")
    sqs.send_message(QueueUrl=queue_url, MessageBody="delayed", DelaySeconds=INVISIBLE_SECONDS)
    received = sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=INVISIBLE_SECONDS)
    assert [m["Body"] for m in received["Messages"]] == ["in flight"]
    received_at = time.monotonic()
    sqs.send_message(QueueUrl=queue_url, MessageBody="waiting",
                     MessageAttributes={"kind": {"DataType": "String", "StringValue": "x"}})

    topic = sns.create_topic(Name="kept-topic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)

    events = client(endpoint, "events")
    events.create_event_bus(Name="kept-bus")
    events.put_rule(Name="kept-rule", EventBusName="kept-bus",
                    EventPattern=json.dumps({"source": ["kept.source"]}))
    events.put_targets(Rule="kept-rule", EventBusName="kept-bus",
                       Targets=[{"Id": "queue", "Arn": queue_arn}])

    iam = client(endpoint, "iam")
    iam.create_role(RoleName="kept-role", AssumeRolePolicyDocument=ROLE_POLICY)
    policy_arn = iam.create_policy(PolicyName="kept-policy", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="kept-role", PolicyArn=policy_arn)

    dynamodb = client(endpoint, "dynamodb")
    dynamodb.create_table(
        TableName="kept-table", BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    dynamodb.put_item(TableName="kept-table", Item={"id": {"S": "a"}, "n": {"N": "1"}})

    kinesis = client(endpoint, "kinesis")
    kinesis.create_stream(StreamName="kept-stream", ShardCount=1)
    kinesis.put_record(StreamName="kept-stream", Data=b"record one", PartitionKey="p")

    cognito = client(endpoint, "cognito-idp")
    pool_id = cognito.create_user_pool(PoolName="kept-pool")["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(
        UserPoolId=pool_id, ClientName="kept-client",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"])["UserPoolClient"]["ClientId"]
    # SignUp is unsigned, as on AWS: it is kept all the same.
    cognito.sign_up(ClientId=client_id, Username="kept-user", Password="Passw0rd!Passw0rd")
    cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username="kept-user")

    client(endpoint, "scheduler").create_schedule(
        Name="kept-schedule", ScheduleExpression="rate(1 hour)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": queue_arn, "RoleArn": "arn:aws:iam::000000000000:role/kept-role"})
    return {"queue_url": queue_url, "queue_arn": queue_arn, "topic": topic,
            "announcements": announcements, "announcements_arn": announcements_arn,
            "policy": policy, "policy_arn": policy_arn, "first_version": first["VersionId"],
            "pool_id": pool_id, "client_id": client_id,
            "receipt": received["Messages"][0]["ReceiptHandle"], "received_at": received_at}


def check_everything(endpoint: str, kept: dict[str, Any]) -> None:
    s3, sqs = client(endpoint, "s3"), client(endpoint, "sqs")
    current = s3.get_object(Bucket="kept-bucket", Key="dir/one.txt")
    assert current["Body"].read() == b"second " * 1000
    assert current["Metadata"] == {"colour": "blue"}
    assert current["ContentType"] == "text/plain"
    first = s3.get_object(Bucket="kept-bucket", Key="dir/one.txt",
                          VersionId=kept["first_version"])
    assert first["Body"].read() == b"first"
    versions = s3.list_object_versions(Bucket="kept-bucket")["Versions"]
    assert len(versions) == 2
    assert json.loads(s3.get_bucket_policy(Bucket="kept-bucket")["Policy"]) == \
        json.loads(kept["policy"])
    notification = s3.get_bucket_notification_configuration(Bucket="kept-bucket")
    assert notification["QueueConfigurations"][0]["QueueArn"] == kept["announcements_arn"]

    attributes = sqs.get_queue_attributes(QueueUrl=kept["queue_url"], AttributeNames=["All"])[
        "Attributes"]
    assert attributes["VisibilityTimeout"] == "40"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert attributes["ApproximateNumberOfMessagesDelayed"] == "1"
    visible = sqs.receive_message(QueueUrl=kept["queue_url"], MaxNumberOfMessages=10,
                                  AttributeNames=["All"], MessageAttributeNames=["All"],
                                  VisibilityTimeout=60)["Messages"]
    assert [m["Body"] for m in visible] == ["waiting"]
    assert visible[0]["MessageAttributes"]["kind"]["StringValue"] == "x"
    assert time.monotonic() - kept["received_at"] < INVISIBLE_SECONDS, "checked too late"
    came_back = receive_within(sqs, kept["queue_url"], INVISIBLE_SECONDS + 10)
    assert sorted(came_back) == ["delayed", "in flight"]
    assert came_back["in flight"]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert came_back["delayed"]["Attributes"]["ApproximateReceiveCount"] == "1"
    # The receipt handle given before the restart is still one of the message's.
    sqs.delete_message(QueueUrl=kept["queue_url"], ReceiptHandle=kept["receipt"])

    subscriptions = client(endpoint, "sns").list_subscriptions_by_topic(
        TopicArn=kept["topic"])["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == \
        [("sqs", kept["queue_arn"])]

    events = client(endpoint, "events")
    assert events.describe_event_bus(Name="kept-bus")["Name"] == "kept-bus"
    rules = events.list_rules(EventBusName="kept-bus")["Rules"]
    assert [rule["Name"] for rule in rules] == ["kept-rule"]
    targets = events.list_targets_by_rule(Rule="kept-rule", EventBusName="kept-bus")["Targets"]
    assert [target["Arn"] for target in targets] == [kept["queue_arn"]]

    iam = client(endpoint, "iam")
    assert iam.get_role(RoleName="kept-role")["Role"]["RoleName"] == "kept-role"
    attached = iam.list_attached_role_policies(RoleName="kept-role")["AttachedPolicies"]
    assert [policy["PolicyArn"] for policy in attached] == [kept["policy_arn"]]

    dynamodb = client(endpoint, "dynamodb")
    item = dynamodb.get_item(TableName="kept-table", Key={"id": {"S": "a"}})["Item"]
    assert item == {"id": {"S": "a"}, "n": {"N": "1"}}
    stream_arn = dynamodb.describe_table(TableName="kept-table")["Table"]["LatestStreamArn"]
    streams = client(endpoint, "dynamodbstreams")
    shard = streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]
    iterator = streams.get_shard_iterator(StreamArn=stream_arn, ShardId=shard["ShardId"],
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = streams.get_records(ShardIterator=iterator)["Records"]
    assert [r["dynamodb"]["NewImage"]["id"]["S"] for r in records] == ["a"]

    kinesis = client(endpoint, "kinesis")
    shard_id = kinesis.list_shards(StreamName="kept-stream")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="kept-stream", ShardId=shard_id,
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=iterator)["Records"]] == \
        [b"record one"]

    cognito = client(endpoint, "cognito-idp")
    user = cognito.admin_get_user(UserPoolId=kept["pool_id"], Username="kept-user")
    assert user["UserStatus"] == "CONFIRMED"
    signed_in = cognito.initiate_auth(
        ClientId=kept["client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "kept-user", "PASSWORD": "Passw0rd!Passw0rd"})
    assert signed_in["AuthenticationResult"]["IdToken"]

    schedule = client(endpoint, "scheduler").get_schedule(Name="kept-schedule")
    assert schedule["Target"]["Arn"] == kept["queue_arn"]

    # The notification configuration works again: a new object is announced on the queue.
    s3.put_object(Bucket="kept-bucket", Key="incoming/new.txt", Body=b"new")
    announced = receive_within(sqs, kept["announcements"], 5)
    assert len(announced) == 1
    body = json.loads(next(iter(announced)))
    assert unquote_plus(body["Records"][0]["s3"]["object"]["key"]) == "incoming/new.txt"


def receive_within(sqs: Any, queue_url: str, seconds: float) -> dict[str, Any]:
    """The messages that become visible within `seconds`, by body."""
    found: dict[str, Any] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(found) < 2:
        for message in sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                AttributeNames=["All"], VisibilityTimeout=60).get("Messages", []):
            found[message["Body"]] = message
    return found


@pytest.mark.parametrize("how", ["gracefully", "killed"])
def test_service_state_survives_a_restart(tmp_path: Path, how: str) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = start(tmp_path / "state", port)
    try:
        kept = create_everything(endpoint)
    finally:
        if how == "gracefully":
            stop(server)
        else:
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=30)
    server = start(tmp_path / "state", port)
    try:
        check_everything(endpoint, kept)
    finally:
        stop(server)


def test_ephemeral_server_keeps_nothing(tmp_path: Path) -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    for attempt in range(2):
        server = start(tmp_path / "state", port, "--ephemeral")
        try:
            s3 = client(endpoint, "s3")
            assert s3.list_buckets()["Buckets"] == []
            s3.create_bucket(Bucket=f"gone-{attempt}")
        finally:
            stop(server)
    assert not (tmp_path / "state" / "services").exists()


def test_state_of_another_format_is_refused_in_one_line(tmp_path: Path) -> None:
    services = tmp_path / "state" / "services"
    services.mkdir(parents=True)
    (services / "FORMAT").write_text(json.dumps({"format": 99, "moto": "9.9"}))
    result = subprocess.run(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(free_port()),
         "--state-dir", str(tmp_path / "state"), "--executor", "process"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "format 99" in lines[0] and "--ephemeral" in lines[0]
