"""The fan-in from moto's S3, SNS and EventBridge to our functions: with the bridge installed,
a Lambda target of moto's in-memory services hands the event JSON AWS sends to the simulator
that knows the function, and targets of other kinds are served by moto as before."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from moto import mock_aws

from simulator.events import moto_bridge
from simulator.functions.policy_evaluation import Caller
from simulator.invocation.tracing import incoming_trace_header

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"
OTHER_FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:other"
SENDER = Caller("s3.amazonaws.com", "arn:aws:s3:::bucket", "123456789012")


@dataclass
class Deliveries:
    """A simulator's delivery function: takes the events of the functions it knows."""

    known: set[str] = field(default_factory=lambda: {FUNCTION, OTHER_FUNCTION})
    events: list[tuple[str, Any]] = field(default_factory=list)
    trace_headers: list[str | None] = field(default_factory=list)
    senders: list[Caller] = field(default_factory=list)

    def __call__(self, function_arn: str, body: bytes, trace_header: str | None,
                 sender: Caller) -> bool:
        if function_arn not in self.known:
            return False
        self.senders.append(sender)
        self.events.append((function_arn, json.loads(body)))
        self.trace_headers.append(trace_header)
        return True

    def to(self, function_arn: str = FUNCTION) -> list[Any]:
        return [event for arn, event in self.events if arn == function_arn]


@pytest.fixture
def delivered() -> Iterator[Deliveries]:
    """The bridge installed (once per process, as a server does) and a simulator attached;
    moto's services in memory for the test."""
    moto_bridge.install()
    deliveries = Deliveries()
    moto_bridge.attach(deliveries)
    with mock_aws():
        yield deliveries
    moto_bridge.detach(deliveries)


def client(service: str) -> Any:
    return boto3.client(service, region_name="us-east-1")


def bucket_notifying(name: str, **configuration: Any) -> Any:
    s3 = client("s3")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_notification_configuration(Bucket=name,
                                             NotificationConfiguration=configuration)
    return s3


def queue_arn_and_url(name: str) -> tuple[str, str]:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return arn["Attributes"]["QueueArn"], url


def bodies_in(url: str) -> list[str]:
    messages = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [message["Body"] for message in messages.get("Messages", [])]


# -- S3 -----------------------------------------------------------------------------------------


def test_an_s3_notification_reaches_the_function_as_the_event_aws_sends(
        delivered: Deliveries) -> None:
    s3 = bucket_notifying("photos", LambdaFunctionConfigurations=[
        {"Id": "thumbnails", "LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}])

    s3.put_object(Bucket="photos", Key="2024/a b.jpg", Body=b"12345")

    [event] = delivered.to()
    [record] = event["Records"]
    assert record["eventSource"] == "aws:s3"
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["awsRegion"] == "us-east-1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["eventTime"])
    assert record["userIdentity"]["principalId"].startswith("AWS:")
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    assert set(record["responseElements"]) == {"x-amz-request-id", "x-amz-id-2"}
    s3_part = record["s3"]
    assert s3_part["configurationId"] == "thumbnails"
    assert s3_part["bucket"]["name"] == "photos"
    assert s3_part["bucket"]["ownerIdentity"]["principalId"]
    assert s3_part["object"]["key"] == "2024/a+b.jpg"  # form-encoded, the slash kept
    assert s3_part["object"]["size"] == 5
    assert s3_part["object"]["eTag"] == "827ccb0eea8a706c4c34a16891f84e7b"  # md5("12345")
    assert re.fullmatch(r"[0-9A-F]{16}", s3_part["object"]["sequencer"])
    assert delivered.senders == [
        Caller("s3.amazonaws.com", "arn:aws:s3:::photos", FUNCTION.split(":")[4])]


def test_s3_notification_filters_choose_the_objects_that_fire(delivered: Deliveries) -> None:
    s3 = bucket_notifying("uploads", LambdaFunctionConfigurations=[{
        "LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"},
                                           {"Name": "suffix", "Value": ".csv"}]}},
    }, {
        "LambdaFunctionArn": OTHER_FUNCTION, "Events": ["s3:ObjectRemoved:*"],
    }])

    for key in ("in/a.csv", "in/b.txt", "out/c.csv"):
        s3.put_object(Bucket="uploads", Key=key, Body=b"x")
    s3.delete_object(Bucket="uploads", Key="in/b.txt")

    assert [e["Records"][0]["s3"]["object"]["key"] for e in delivered.to()] == ["in/a.csv"]
    assert [e["Records"][0]["eventName"] for e in delivered.to(OTHER_FUNCTION)] == [
        "ObjectRemoved:Delete"]


def test_a_multipart_upload_fires_one_complete_multipart_upload_event(
        delivered: Deliveries) -> None:
    s3 = bucket_notifying("large", LambdaFunctionConfigurations=[
        {"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}])
    upload = s3.create_multipart_upload(Bucket="large", Key="video.mp4")["UploadId"]
    part = s3.upload_part(Bucket="large", Key="video.mp4", UploadId=upload, PartNumber=1,
                          Body=b"frames")

    s3.complete_multipart_upload(Bucket="large", Key="video.mp4", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1,
                                                             "ETag": part["ETag"]}]})
    s3.put_object(Bucket="large", Key="small.txt", Body=b"x")

    assert [e["Records"][0]["eventName"] for e in delivered.to()] == [
        "ObjectCreated:CompleteMultipartUpload", "ObjectCreated:Put"]


# -- SNS ----------------------------------------------------------------------------------------


def test_an_sns_message_reaches_a_lambda_subscriber_as_the_sns_event(
        delivered: Deliveries) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="orders")["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic, Protocol="lambda",
                                 Endpoint=FUNCTION)["SubscriptionArn"]

    published = sns.publish(TopicArn=topic, Message="an order", Subject="New", MessageAttributes={
        "colour": {"DataType": "String", "StringValue": "blue"},
        "count": {"DataType": "Number", "StringValue": "2"},
    })

    [event] = delivered.to()
    [record] = event["Records"]
    assert record["EventSource"] == "aws:sns"
    assert record["EventSubscriptionArn"] == subscription
    notification = record["Sns"]
    assert notification["Type"] == "Notification"
    assert notification["MessageId"] == published["MessageId"]
    assert notification["TopicArn"] == topic
    assert (notification["Subject"], notification["Message"]) == ("New", "an order")
    assert notification["MessageAttributes"] == {
        "colour": {"Type": "String", "Value": "blue"},
        "count": {"Type": "Number", "Value": "2"},
    }
    assert notification["SigningCertUrl"].startswith("https://sns.us-east-1.amazonaws.com/")
    assert delivered.senders == [Caller("sns.amazonaws.com", topic, topic.split(":")[4])]


def test_an_sns_filter_policy_chooses_the_messages_a_function_gets(
        delivered: Deliveries) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="paint")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION,
                  Attributes={"FilterPolicy": json.dumps({"colour": ["blue"]})})

    for colour in ("red", "blue"):
        sns.publish(TopicArn=topic, Message=f"{colour} paint", MessageAttributes={
            "colour": {"DataType": "String", "StringValue": colour}})
    sns.publish(TopicArn=topic, Message="no colour")

    assert [e["Records"][0]["Sns"]["Message"] for e in delivered.to()] == ["blue paint"]


def test_sns_subscribers_of_other_protocols_are_served_by_moto(delivered: Deliveries) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="mixed")["TopicArn"]
    queue_arn, url = queue_arn_and_url("mixed-subscriber")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                  Attributes={"RawMessageDelivery": "true"})
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)

    sns.publish(TopicArn=topic, Message="to everyone")

    assert bodies_in(url) == ["to everyone"]
    assert [e["Records"][0]["Sns"]["Message"] for e in delivered.to()] == ["to everyone"]


def test_a_json_structured_sns_message_gives_the_function_its_lambda_member(
        delivered: Deliveries) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="structured")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)

    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps(
        {"default": "for everyone", "lambda": "for functions"}))

    assert [e["Records"][0]["Sns"]["Message"] for e in delivered.to()] == ["for functions"]


# -- EventBridge --------------------------------------------------------------------------------


def put_event(source: str, detail: dict[str, Any]) -> None:
    answer = client("events").put_events(Entries=[
        {"Source": source, "DetailType": "Order Placed", "Detail": json.dumps(detail)}])
    assert answer["FailedEntryCount"] == 0


def test_a_matching_event_reaches_a_function_target_as_the_event(
        delivered: Deliveries) -> None:
    events = client("events")
    events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="orders", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    put_event("shop", {"order": 1})
    put_event("warehouse", {"order": 2})

    [event] = delivered.to()
    assert event["source"] == "shop"
    assert event["detail-type"] == "Order Placed"
    rule_arn = events.describe_rule(Name="orders")["Arn"]
    assert delivered.senders == [Caller("events.amazonaws.com", rule_arn,
                                        rule_arn.split(":")[4])]
    assert event["detail"] == {"order": 1}
    assert event["account"] and event["region"] == "us-east-1"


@pytest.mark.parametrize(("target", "expected"), [
    ({"Input": '{"fixed": true}'}, {"fixed": True}),
    ({"InputPath": "$.detail"}, {"order": 7, "customer": {"name": "Ada"}}),
    ({"InputTransformer": {"InputPathsMap": {"name": "$.detail.customer.name"},
                           "InputTemplate": '{"greeting": "Hello <name>"}'}},
     {"greeting": "Hello Ada"}),
])
def test_a_function_target_gets_its_input_as_eventbridge_renders_it(
        delivered: Deliveries, target: dict[str, Any], expected: Any) -> None:
    events = client("events")
    events.put_rule(Name="rendered", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="rendered", Targets=[{"Id": "fn", "Arn": FUNCTION, **target}])

    put_event("shop", {"order": 7, "customer": {"name": "Ada"}})

    assert delivered.to() == [expected]


def test_a_rules_other_targets_are_served_by_moto(delivered: Deliveries) -> None:
    events = client("events")
    queue_arn, url = queue_arn_and_url("rule-target")
    events.put_rule(Name="both", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="both", Targets=[{"Id": "fn", "Arn": FUNCTION},
                                             {"Id": "queue", "Arn": queue_arn}])

    put_event("shop", {"order": 3})

    [body] = bodies_in(url)
    assert json.loads(body)["detail"] == {"order": 3}
    assert [event["detail"] for event in delivered.to()] == [{"order": 3}]


def test_an_s3_event_sent_to_eventbridge_reaches_a_rules_function(
        delivered: Deliveries) -> None:
    events = client("events")
    events.put_rule(Name="objects", EventPattern=json.dumps(
        {"source": ["aws.s3"], "detail-type": ["Object Created"]}))
    events.put_targets(Rule="objects", Targets=[{"Id": "fn", "Arn": FUNCTION}])
    s3 = bucket_notifying("to-eventbridge", EventBridgeConfiguration={})

    s3.put_object(Bucket="to-eventbridge", Key="report.pdf", Body=b"x")

    [event] = delivered.to()
    assert event["detail"]["bucket"] == {"name": "to-eventbridge"}
    assert event["detail"]["object"]["key"] == "report.pdf"


def test_a_disabled_rule_delivers_nothing(delivered: Deliveries) -> None:
    events = client("events")
    events.put_rule(Name="paused", EventPattern=json.dumps({"source": ["shop"]}),
                    State="DISABLED")
    events.put_targets(Rule="paused", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    put_event("shop", {"order": 4})

    assert delivered.to() == []


def test_a_scheduled_rule_is_not_fired_by_events(delivered: Deliveries) -> None:
    events = client("events")
    events.put_rule(Name="hourly", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="hourly", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    put_event("shop", {"order": 5})

    assert delivered.to() == []


# -- which simulator takes the event ------------------------------------------------------------


def test_an_event_goes_to_the_one_simulator_that_knows_the_function(
        delivered: Deliveries) -> None:
    other_simulator = Deliveries(known={"arn:aws:lambda:us-east-1:123456789012:function:x"})
    moto_bridge.attach(other_simulator)
    try:
        moto_bridge.deliver(FUNCTION, {"to": "fn"}, SENDER)
        moto_bridge.deliver(other_simulator.known.copy().pop(), {"to": "x"}, SENDER)
    finally:
        moto_bridge.detach(other_simulator)

    assert delivered.events == [(FUNCTION, {"to": "fn"})]
    assert [event for _, event in other_simulator.events] == [{"to": "x"}]


def test_an_event_for_no_known_function_is_logged_and_dropped(
        delivered: Deliveries, caplog: pytest.LogCaptureFixture) -> None:
    unknown = "arn:aws:lambda:us-east-1:123456789012:function:gone"

    with caplog.at_level(logging.WARNING, logger=moto_bridge.__name__):
        moto_bridge.deliver(unknown, {}, SENDER)

    assert delivered.events == []
    assert f"no function {unknown} to deliver an event to" in caplog.text


def test_a_detached_simulator_gets_no_more_events(delivered: Deliveries) -> None:
    moto_bridge.detach(delivered)
    moto_bridge.detach(delivered)  # a second detach is harmless

    moto_bridge.deliver(FUNCTION, {"late": True}, SENDER)

    assert delivered.events == []


# -- traces ------------------------------------------------------------------------------------

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_an_sns_publish_passes_its_trace_on_to_the_function(delivered: Deliveries) -> None:
    sns = client("sns")
    topic = sns.create_topic(Name="traced")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=FUNCTION)

    token = incoming_trace_header.set(TRACE)
    try:
        sns.publish(TopicArn=topic, Message="traced")
    finally:
        incoming_trace_header.reset(token)
    sns.publish(TopicArn=topic, Message="untraced")

    assert delivered.trace_headers == [TRACE, None]


def test_an_sqs_message_keeps_its_senders_trace_as_aws_trace_header(
        delivered: Deliveries) -> None:
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="traced")["QueueUrl"]
    token = incoming_trace_header.set(TRACE)
    try:
        sqs.send_message(QueueUrl=url, MessageBody="traced")
        sqs.send_message(QueueUrl=url, MessageBody="own", MessageSystemAttributes={
            "AWSTraceHeader": {"DataType": "String", "StringValue": "Root=own"}})
    finally:
        incoming_trace_header.reset(token)
    sqs.send_message(QueueUrl=url, MessageBody="untraced")

    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                   MessageSystemAttributeNames=["AWSTraceHeader"])["Messages"]

    assert {m["Body"]: (m.get("Attributes") or {}).get("AWSTraceHeader") for m in messages} \
        == {"traced": TRACE, "own": "Root=own", "untraced": None}


# -- what moto keeps ----------------------------------------------------------------------------


def test_release_records_forgets_a_queues_deleted_receipts_past_the_bound(
        delivered: Deliveries, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.sqs.models import sqs_backends

    sqs = client("sqs")
    busy_url = sqs.create_queue(QueueName="busy")["QueueUrl"]
    quiet_url = sqs.create_queue(QueueName="quiet")["QueueUrl"]
    for url, count in ((busy_url, 4), (quiet_url, 2)):
        for n in range(count):
            sqs.send_message(QueueUrl=url, MessageBody=str(n))
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    sqs.send_message(QueueUrl=busy_url, MessageBody="still queued")
    queue_arn = sqs.get_queue_attributes(QueueUrl=busy_url, AttributeNames=["QueueArn"])
    account = queue_arn["Attributes"]["QueueArn"].split(":")[4]
    queues = sqs_backends[account]["us-east-1"].queues
    quiet_receipts = set(queues["quiet"].deleted_messages)
    monkeypatch.setattr(moto_bridge, "MAX_DELETED_RECEIPTS", 3)
    assert len(quiet_receipts) <= 3 < len(queues["busy"].deleted_messages)

    moto_bridge.release_records()

    assert queues["busy"].deleted_messages == set()
    assert queues["quiet"].deleted_messages == quiet_receipts
    assert bodies_in(busy_url) == ["still queued"]


def test_a_function_gets_the_events_time_as_aws_writes_it(delivered: Deliveries) -> None:
    events = client("events")
    events.put_rule(Name="timed", EventPattern=json.dumps({"source": ["clock"]}))
    events.put_targets(Rule="timed", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    put_event("clock", {"tick": 1})

    [event] = delivered.to()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"]), event["time"]
    assert "ingestion-time" not in event
    EventBridgeModel.model_validate(event)  # what Powertools' parser makes of it


def test_a_pattern_moto_cannot_evaluate_is_matched_by_aws_grammar_and_puts_never_fail(
        delivered: Deliveries, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.events.models import EventPattern

    def cannot(self: Any, event: Any) -> bool:
        raise TypeError("an operator moto doesn't know")

    monkeypatch.setattr(EventPattern, "matches_event", cannot)
    events = client("events")
    events.put_rule(Name="suffixed", EventPattern=json.dumps(
        {"detail": {"file": [{"suffix": ".png"}]}}))
    events.put_rule(Name="broken", EventPattern=json.dumps({"source": ["shop"]}))
    events.put_targets(Rule="suffixed", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    put_event("shop", {"file": "a.png"})
    put_event("shop", {"file": "a.txt"})

    assert [event["detail"] for event in delivered.to()] == [{"file": "a.png"}]


def test_a_put_object_without_tags_tells_eventbridge_of_no_tags(
        delivered: Deliveries) -> None:
    s3, events = client("s3"), client("events")
    s3.create_bucket(Bucket="tagless")
    s3.put_bucket_notification_configuration(
        Bucket="tagless", NotificationConfiguration={"EventBridgeConfiguration": {}})
    events.put_rule(Name="s3-all", EventPattern=json.dumps({"source": ["aws.s3"]}))
    events.put_targets(Rule="s3-all", Targets=[{"Id": "fn", "Arn": FUNCTION}])

    s3.put_object(Bucket="tagless", Key="plain", Body=b"x")
    s3.put_object(Bucket="tagless", Key="tagged", Body=b"x", Tagging="team=a")

    assert [(e["detail-type"], e["detail"]["object"]["key"]) for e in delivered.to()] == [
        ("Object Created", "plain"), ("Object Created", "tagged"),
        ("Object Tags Added", "tagged")]


def test_a_bucket_policy_denying_requests_without_tls_lets_this_endpoints_requests_in(
        delivered: Deliveries) -> None:
    """SAM's managed bucket denies requests without TLS; requests here stand for AWS's TLS
    endpoint, so they pass, while an unconditional deny still denies."""
    s3 = client("s3")
    s3.create_bucket(Bucket="artifacts")
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::artifacts", "arn:aws:s3:::artifacts/*"]}
    s3.put_bucket_policy(Bucket="artifacts", Policy=json.dumps({"Statement": [
        {**deny, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}))
    s3.put_object(Bucket="artifacts", Key="app.zip", Body=b"zip")
    assert s3.get_object(Bucket="artifacts", Key="app.zip")["Body"].read() == b"zip"

    s3.put_bucket_policy(Bucket="artifacts", Policy=json.dumps({"Statement": [deny]}))
    with pytest.raises(s3.exceptions.ClientError):
        s3.put_object(Bucket="artifacts", Key="denied.zip", Body=b"zip")
