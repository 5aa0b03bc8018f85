"""The provisioners of the embedded services' resource types (S3, SNS, EventBridge,
DynamoDB, Kinesis, Scheduler) against a real simulator: create, `Ref` and `Fn::GetAtt`
values, update, replacement, delete."""

from __future__ import annotations

import json

import pytest

from simulator.http_server import SimulatorServer
from simulator.stacks.provisioning import ResourceFailed
from tests.e2e.stack_context import context_of, inline_function, provisioner


def test_bucket_settings_notifications_and_delete(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Uploads")
    s3, sqs = context.client("s3"), context.client("sqs")
    queue = provisioner("AWS::SQS::Queue").create(context, {})
    buckets = provisioner("AWS::S3::Bucket")
    properties = {
        "VersioningConfiguration": {"Status": "Enabled"},
        "Tags": [{"Key": "team", "Value": "a"}],
        "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["GET"],
                                             "AllowedOrigins": ["*"], "MaxAge": "60"}]},
        "NotificationConfiguration": {"QueueConfigurations": [{
            "Event": "s3:ObjectCreated:*", "Queue": queue.attributes["Arn"],
            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in-"}]}}}]},
    }
    bucket = buckets.create(context, properties)
    name = bucket.physical_id
    assert name == name.lower() and name.startswith(context.stack_name.lower())
    assert bucket.attributes == {
        "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.us-east-1.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.us-east-1.amazonaws.com",
        "WebsiteURL": f"http://{name}.s3-website-us-east-1.amazonaws.com"}
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    assert s3.get_bucket_cors(Bucket=name)["CORSRules"][0]["MaxAgeSeconds"] == 60
    notification = s3.get_bucket_notification_configuration(Bucket=name)
    assert notification["QueueConfigurations"][0]["QueueArn"] == queue.attributes["Arn"]

    test_event = sqs.receive_message(QueueUrl=queue.physical_id, WaitTimeSeconds=2)
    assert json.loads(test_event["Messages"][0]["Body"])["Event"] == "s3:TestEvent"
    s3.put_object(Bucket=name, Key="in-a.txt", Body=b"a")
    messages = sqs.receive_message(QueueUrl=queue.physical_id, WaitTimeSeconds=2)["Messages"]
    assert json.loads(messages[0]["Body"])["Records"][0]["s3"]["object"]["key"] == "in-a.txt"

    updated = {"VersioningConfiguration": {"Status": "Enabled"},
               "Tags": [{"Key": "team", "Value": "b"}]}
    assert not buckets.replaces(properties, updated)
    assert buckets.replaces(properties, {**properties, "BucketName": "other"})
    buckets.update(context, name, properties, updated)
    assert s3.get_bucket_tagging(Bucket=name)["TagSet"] == [{"Key": "team", "Value": "b"}]
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=name)
    with pytest.raises(s3.exceptions.ClientError, match="NoSuchCORSConfiguration"):
        s3.get_bucket_cors(Bucket=name)

    policies = provisioner("AWS::S3::BucketPolicy")
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{name}/*"}]}
    policy = policies.create(context, {"Bucket": name, "PolicyDocument": document})
    assert json.loads(s3.get_bucket_policy(Bucket=name)["Policy"]) == document
    policies.delete(context, policy.physical_id, {"Bucket": name, "PolicyDocument": document})

    with pytest.raises(ResourceFailed, match="not empty"):
        buckets.delete(context, name, updated)  # CloudFormation empties nothing
    for version in s3.list_object_versions(Bucket=name).get("Versions", []):
        s3.delete_object(Bucket=name, Key=version["Key"], VersionId=version["VersionId"])
    buckets.delete(context, name, updated)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_topic_subscription_and_policy(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Alerts")
    sns, sqs = context.client("sns"), context.client("sqs")
    queues = provisioner("AWS::SQS::Queue")
    first, second = queues.create(context, {}), queues.create(context, {})
    topics = provisioner("AWS::SNS::Topic")
    properties = {"DisplayName": "alerts", "Subscription": [
        {"Protocol": "sqs", "Endpoint": first.attributes["Arn"]}]}
    topic = topics.create(context, properties)
    arn = topic.physical_id
    assert topic.attributes == {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]}
    assert topic.attributes["TopicName"].startswith(f"{context.stack_name}-Alerts-")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "alerts"

    subscriptions = provisioner("AWS::SNS::Subscription")
    subscription_properties = {"TopicArn": arn, "Protocol": "sqs",
                               "Endpoint": second.attributes["Arn"],
                               "RawMessageDelivery": "true"}
    subscription = subscriptions.create(context, subscription_properties)
    assert subscription.physical_id.startswith(f"{arn}:")
    sns.publish(TopicArn=arn, Message="hello")
    raw = sqs.receive_message(QueueUrl=second.physical_id, WaitTimeSeconds=2)["Messages"]
    assert raw[0]["Body"] == "hello"
    wrapped = sqs.receive_message(QueueUrl=first.physical_id, WaitTimeSeconds=2)["Messages"]
    assert json.loads(wrapped[0]["Body"])["Message"] == "hello"
    assert subscriptions.replaces(subscription_properties,
                                  {**subscription_properties, "Endpoint": "other"})

    moved = {"DisplayName": "renamed", "Subscription": []}
    topics.update(context, arn, properties, moved)
    endpoints = [s["Endpoint"] for s in sns.list_subscriptions_by_topic(
        TopicArn=arn)["Subscriptions"]]
    assert endpoints == [second.attributes["Arn"]]
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "renamed"

    policies = provisioner("AWS::SNS::TopicPolicy")
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish", "Resource": arn}]}
    policy = policies.create(context, {"Topics": [arn], "PolicyDocument": document})
    assert json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"]) == \
        document
    policies.delete(context, policy.physical_id, {"Topics": [arn], "PolicyDocument": document})
    assert json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])[
        "Id"] == "__default_policy_ID"

    subscriptions.delete(context, subscription.physical_id, subscription_properties)
    topics.delete(context, arn, moved)
    assert arn not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    fifo = topics.create(context, {"FifoTopic": "true"})
    assert fifo.attributes["TopicName"].endswith(".fifo")


def test_rule_with_targets(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "OnOrder")
    events = context.client("events")
    queue = provisioner("AWS::SQS::Queue").create(context, {})
    rules = provisioner("AWS::Events::Rule")
    properties = {"EventPattern": {"source": ["shop"]}, "Targets": [
        {"Id": "queue", "Arn": queue.attributes["Arn"]}]}
    rule = rules.create(context, properties)
    assert rule.physical_id.startswith(f"{context.stack_name}-OnOrder-")
    assert rule.attributes["Arn"] == events.describe_rule(Name=rule.physical_id)["Arn"]
    events.put_events(Entries=[{"Source": "shop", "DetailType": "order", "Detail": "{}"}])
    received = context.client("sqs").receive_message(QueueUrl=queue.physical_id,
                                                      WaitTimeSeconds=2)["Messages"]
    assert json.loads(received[0]["Body"])["source"] == "shop"

    updated = {"ScheduleExpression": "rate(1 hour)", "State": "DISABLED", "Targets": [
        {"Id": "again", "Arn": queue.attributes["Arn"], "Input": {"fixed": True}}]}
    rules.update(context, rule.physical_id, properties, updated)
    described = events.describe_rule(Name=rule.physical_id)
    assert (described["ScheduleExpression"], described["State"]) == ("rate(1 hour)", "DISABLED")
    targets = events.list_targets_by_rule(Rule=rule.physical_id)["Targets"]
    assert [(t["Id"], t["Input"]) for t in targets] == [("again", '{"fixed": true}')]

    bus = events.create_event_bus(Name=f"{context.stack_name}-bus")["EventBusArn"]
    on_bus = rules.create(context, {"EventBusName": bus, "Name": "named",
                                    "EventPattern": {"source": ["x"]}})
    assert on_bus.physical_id == f"{context.stack_name}-bus|named"
    rules.delete(context, on_bus.physical_id, {})
    rules.delete(context, rule.physical_id, updated)  # removes its targets first
    with pytest.raises(events.exceptions.ResourceNotFoundException):
        events.describe_rule(Name=rule.physical_id)


def test_table_with_stream(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Orders")
    dynamodb = context.client("dynamodb")
    tables = provisioner("AWS::DynamoDB::Table")
    properties = {"AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                  "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                  "BillingMode": "PAY_PER_REQUEST",
                  "StreamSpecification": {"StreamViewType": "NEW_IMAGE"}}
    table = tables.create(context, properties)
    described = dynamodb.describe_table(TableName=table.physical_id)["Table"]
    assert table.attributes == {"Arn": described["TableArn"],
                                "StreamArn": described["LatestStreamArn"]}
    updated = {**properties, "TimeToLiveSpecification": {"AttributeName": "expires",
                                                         "Enabled": "true"}}
    del updated["StreamSpecification"]
    assert not tables.replaces(properties, updated)
    assert tables.replaces(properties, {**properties, "KeySchema": [
        {"AttributeName": "other", "KeyType": "HASH"}]})
    after = tables.update(context, table.physical_id, properties, updated)
    assert "StreamArn" not in after.attributes
    assert dynamodb.describe_time_to_live(TableName=table.physical_id)[
        "TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"
    tables.delete(context, table.physical_id, updated)
    assert table.physical_id not in dynamodb.list_tables()["TableNames"]


def test_stream_and_event_source_mapping(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Clicks")
    kinesis = context.client("kinesis")
    streams = provisioner("AWS::Kinesis::Stream")
    stream = streams.create(context, {"ShardCount": "1"})
    assert stream.attributes["Arn"] == (f"arn:aws:kinesis:us-east-1:{context.account_id}:"
                                        f"stream/{stream.physical_id}")
    streams.update(context, stream.physical_id, {"ShardCount": "1"},
                   {"ShardCount": "1", "RetentionPeriodHours": "48"})
    assert kinesis.describe_stream_summary(StreamName=stream.physical_id)[
        "StreamDescriptionSummary"]["RetentionPeriodHours"] == 48

    function = provisioner("AWS::Lambda::Function").create(
        context, inline_function("def handler(event, context):\n    return None\n"))
    mappings = provisioner("AWS::Lambda::EventSourceMapping")
    properties = {"FunctionName": function.physical_id, "EventSourceArn":
                  stream.attributes["Arn"], "StartingPosition": "LATEST", "BatchSize": "10"}
    mapping = mappings.create(context, properties)
    lam = context.client("lambda")
    found = lam.get_event_source_mapping(UUID=mapping.physical_id)
    assert found["BatchSize"] == 10 and mapping.attributes["Id"] == mapping.physical_id
    assert mapping.attributes["EventSourceMappingArn"] == found["EventSourceMappingArn"]
    assert mappings.replaces(properties, {**properties, "StartingPosition": "TRIM_HORIZON"})
    mappings.update(context, mapping.physical_id, properties,
                    {**properties, "BatchSize": 20, "Enabled": "false"})
    found = lam.get_event_source_mapping(UUID=mapping.physical_id)
    assert (found["BatchSize"], found["State"]) == (20, "Disabled")
    mappings.delete(context, mapping.physical_id, properties)
    streams.delete(context, stream.physical_id, {})
    assert stream.physical_id not in kinesis.list_streams()["StreamNames"]


def test_schedule(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Nightly")
    scheduler = context.client("scheduler")
    schedules = provisioner("AWS::Scheduler::Schedule")
    target = {"Arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "RoleArn": "arn:aws:iam::123456789012:role/r", "Input": {"n": 1}}
    properties = {"ScheduleExpression": "rate(1 day)", "FlexibleTimeWindow": {"Mode": "OFF"},
                  "Target": target}
    schedule = schedules.create(context, properties)
    found = scheduler.get_schedule(Name=schedule.physical_id)
    assert schedule.attributes["Arn"] == found["Arn"]
    assert json.loads(found["Target"]["Input"]) == {"n": 1}
    updated = {**properties, "ScheduleExpression": "rate(2 days)", "State": "DISABLED"}
    schedules.update(context, schedule.physical_id, properties, updated)
    found = scheduler.get_schedule(Name=schedule.physical_id)
    assert (found["ScheduleExpression"], found["State"]) == ("rate(2 days)", "DISABLED")
    assert schedules.replaces(properties, {**properties, "GroupName": "other"})
    schedules.delete(context, schedule.physical_id, updated)
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException):
        scheduler.get_schedule(Name=schedule.physical_id)
