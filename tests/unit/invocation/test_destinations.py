"""Delivery of asynchronous results, against moto's in-memory SQS, SNS and EventBridge: the
invocation record to an OnSuccess / OnFailure destination, the original event with AWS's
attributes to a dead-letter queue, and a delivery that fails raising for the caller to retry;
a target that can never take one is dropped with a warning."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID

from simulator.config import Settings
from simulator.invocation import destinations
from simulator.invocation.destinations import DestinationSender

ACCOUNT = DEFAULT_ACCOUNT_ID
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:$LATEST"


def record(condition: str = "Success") -> dict[str, Any]:
    return {
        "version": "1.0",
        "timestamp": "2026-01-02T03:04:05.678Z",
        "requestContext": {"requestId": "c0ffee00-0000-4000-8000-000000000001",
                           "functionArn": FUNCTION_ARN, "condition": condition,
                           "approximateInvokeCount": 1},
        "requestPayload": {"order": 7},
    }


def client(service: str, region: str = "us-east-1") -> Any:
    return boto3.client(service, region_name=region, aws_access_key_id="test",
                        aws_secret_access_key="test")


class Sent:
    """The sender under test, with what it hands to a function destination."""

    def __init__(self) -> None:
        self.events: list[tuple[str, bytes]] = []
        self.trace_headers: list[str | None] = []
        self.sender = DestinationSender(Settings(), self.submit)

    def submit(self, reference: str, payload: bytes, trace_header: str | None) -> None:
        self.events.append((reference, payload))
        self.trace_headers.append(trace_header)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    """The simulator's own clients are plain boto3 clients of moto's in-memory services."""
    def own_client(settings: Settings, service: str, region: str | None = None,
                   **config: Any) -> Any:
        return client(service, region or settings.region)

    monkeypatch.setattr(destinations, "own_client", own_client)
    with mock_aws():
        yield Sent()


def queue(name: str, region: str = "us-east-1") -> tuple[str, str]:
    """(url, arn) of a new queue."""
    sqs = client("sqs", region)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    return url, arn["Attributes"]["QueueArn"]


def received(url: str, region: str = "us-east-1") -> list[dict[str, Any]]:
    return list(client("sqs", region).receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    ).get("Messages", []))


def topic_into_queue(name: str) -> tuple[str, str]:
    """(topic arn, url of a queue subscribed to it)."""
    url, arn = queue(f"{name}-subscriber")
    topic = client("sns").create_topic(Name=name)["TopicArn"]
    client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    return topic, url


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == destinations.__name__]


def test_a_record_to_an_sqs_destination_is_the_record_as_json(sent: Sent) -> None:
    url, arn = queue("on-success")

    sent.sender.send_record(arn, record())

    [message] = received(url)
    assert json.loads(message["Body"]) == record()


def test_the_queue_is_found_in_the_region_its_arn_names(sent: Sent) -> None:
    url, arn = queue("on-failure", region="eu-west-1")
    queue("on-failure")  # the same name in the default region

    sent.sender.send_record(arn, record("RetriesExhausted"))

    assert len(received(url, region="eu-west-1")) == 1
    assert received(client("sqs").get_queue_url(QueueName="on-failure")["QueueUrl"]) == []


def test_a_record_to_an_sns_destination_is_published_as_the_message(sent: Sent) -> None:
    topic, url = topic_into_queue("results")

    sent.sender.send_record(topic, record())

    [message] = received(url)
    notification = json.loads(message["Body"])
    assert notification["TopicArn"] == topic
    assert json.loads(notification["Message"]) == record()


@pytest.mark.parametrize("condition, detail_type", [
    ("Success", "Lambda Function Invocation Result - Success"),
    ("RetriesExhausted", "Lambda Function Invocation Result - Failure"),
    ("EventAgeExceeded", "Lambda Function Invocation Result - Failure"),
])
def test_a_record_to_an_event_bus_is_an_event_from_lambda(
    sent: Sent, condition: str, detail_type: str
) -> None:
    url, arn = queue("bus-target")
    events = client("events")
    events.put_rule(Name="from-lambda", EventPattern=json.dumps({"source": ["lambda"]}))
    events.put_targets(Rule="from-lambda", Targets=[{"Id": "q", "Arn": arn}])
    bus = f"arn:aws:events:us-east-1:{ACCOUNT}:event-bus/default"

    sent.sender.send_record(bus, record(condition))

    [message] = received(url)
    event = json.loads(message["Body"])
    assert event["source"] == "lambda"
    assert event["detail-type"] == detail_type
    assert event["resources"] == [bus, FUNCTION_ARN]  # the bus first, as AWS lists them
    assert event["detail"] == record(condition)


def test_a_record_to_a_function_destination_is_queued_as_its_event(sent: Sent) -> None:
    target = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:audit"

    sent.sender.send_record(target, record())

    [(reference, payload)] = sent.events
    assert reference == target
    assert json.loads(payload) == record()


TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"


def test_a_record_to_a_queue_carries_the_trace_as_aws_trace_header(sent: Sent) -> None:
    url, arn = queue("traced")

    sent.sender.send_record(arn, record(), TRACE)
    sent.sender.send_dead_letter(arn, b"{}", "id", {}, TRACE)
    sent.sender.send_record(arn, record())

    found = client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                          MessageSystemAttributeNames=["AWSTraceHeader"])
    assert sorted(str((m.get("Attributes") or {}).get("AWSTraceHeader"))
                  for m in found["Messages"]) == ["None", TRACE, TRACE]


def test_a_record_to_a_topic_or_a_function_carries_the_trace(sent: Sent) -> None:
    topic, _ = topic_into_queue("traced-results")
    seen: list[str | None] = []
    sns = sent.sender._client("sns", "us-east-1")

    def trace_of(request: Any, **_: Any) -> None:
        header = request.headers.get("X-Amzn-Trace-Id")  # bytes in newer botocore releases
        seen.append(header.decode() if isinstance(header, bytes) else header)

    sns.meta.events.register("before-send", trace_of)

    sent.sender.send_record(topic, record(), TRACE)
    sent.sender.send_record(topic, record())
    sent.sender.send_record(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:audit", record(),
                            TRACE)

    assert seen == [TRACE, None]
    assert sent.trace_headers == [TRACE]


def test_a_dead_letter_to_sqs_is_the_original_event_with_aws_attributes(sent: Sent) -> None:
    url, arn = queue("dead-letters")

    sent.sender.send_dead_letter(arn, b'{"order": 7}', "c0ffee00-0000-4000-8000-000000000002",
                                 {"errorMessage": "no good", "errorType": "ValueError"})

    [message] = received(url)
    assert message["Body"] == '{"order": 7}'
    attributes = {name: value["StringValue"]
                  for name, value in message["MessageAttributes"].items()}
    assert attributes == {"RequestID": "c0ffee00-0000-4000-8000-000000000002",
                          "ErrorCode": "200", "ErrorMessage": "no good"}
    assert {name: value["DataType"] for name, value in message["MessageAttributes"].items()
            } == {"RequestID": "String", "ErrorCode": "Number", "ErrorMessage": "String"}


def test_a_dead_letter_keeps_the_first_kilobyte_of_the_error_message(sent: Sent) -> None:
    url, arn = queue("dead-letters")

    sent.sender.send_dead_letter(arn, b"{}", "request-4", {"errorMessage": "é" * 600})

    [message] = received(url)
    kept = message["MessageAttributes"]["ErrorMessage"]["StringValue"]
    assert kept == "é" * 512 and len(kept.encode()) == 1024


def test_a_dead_letter_to_sns_carries_the_same_attributes(sent: Sent) -> None:
    topic, url = topic_into_queue("dead-letters")

    sent.sender.send_dead_letter(topic, b'{"order": 7}', "request-3", {"errorMessage": "late"})

    [message] = received(url)
    notification = json.loads(message["Body"])
    assert notification["Message"] == '{"order": 7}'
    assert {name: value["Value"] for name, value in notification["MessageAttributes"].items()
            } == {"RequestID": "request-3", "ErrorCode": "200", "ErrorMessage": "late"}


def test_a_dead_letter_without_an_error_message_says_unhandled(sent: Sent) -> None:
    url, arn = queue("dead-letters")

    sent.sender.send_dead_letter(arn, b"{}", "request-4", {})

    [message] = received(url)
    assert message["MessageAttributes"]["ErrorMessage"]["StringValue"] == "Unhandled"


def test_a_destination_that_does_not_exist_raises_for_the_caller_to_retry(sent: Sent) -> None:
    missing = f"arn:aws:sqs:us-east-1:{ACCOUNT}:no-such-queue"

    with pytest.raises(destinations.DeliveryFailed) as record_refused:
        sent.sender.send_record(missing, record())
    with pytest.raises(destinations.DeliveryFailed) as dead_letter_refused:
        sent.sender.send_dead_letter(missing, b"{}", "request-5", {})

    assert str(record_refused.value).startswith(f"could not deliver to destination {missing}: ")
    assert "NonExistentQueue" in str(record_refused.value)
    assert str(dead_letter_refused.value).startswith(
        f"could not deliver to dead-letter target {missing}: ")


def test_a_target_of_another_service_is_refused_with_a_warning(
    sent: Sent, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = "arn:aws:s3:::results"
    url, _ = queue("untouched")

    with caplog.at_level(logging.WARNING, logger=destinations.__name__):
        sent.sender.send_record(bucket, record())
        sent.sender.send_dead_letter(f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:f", b"{}",
                                     "request-6", {})
        sent.sender.send_record("not an arn", record())

    assert messages(caplog) == [
        f"dropping a record for {bucket}: not a destination Lambda supports",
        f"dropping a dead letter for arn:aws:lambda:us-east-1:{ACCOUNT}:function:f: not a "
        "target Lambda supports",
        "dropping a record for not an arn: not a destination Lambda supports",
    ]
    assert sent.events == [] and received(url) == []
