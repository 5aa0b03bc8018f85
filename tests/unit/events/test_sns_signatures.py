"""SNS notifications signed as AWS signs them: version 1 (SHA1) unless the topic asks for
version 2 (SHA256), the signature verifiable with the key by the version it states; and so
in the notifications moto's SNS delivers to a queue."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from moto import mock_aws

from simulator.events import sns_signatures

NOTIFICATION = {"Type": "Notification", "MessageId": "m-1", "TopicArn": "arn:aws:sns:t",
                "Message": "hello", "Timestamp": "2026-01-01T00:00:00.000Z",
                "SignatureVersion": "2", "Signature": "moto's"}
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def verified(notification: dict[str, Any], algorithm: hashes.HashAlgorithm) -> None:
    KEY.public_key().verify(base64.b64decode(notification["Signature"]),
                            sns_signatures.string_to_sign(notification),
                            padding.PKCS1v15(), algorithm)


def test_the_string_to_sign_has_the_signed_members_in_order_and_subject_only_if_given() -> None:
    assert sns_signatures.string_to_sign(NOTIFICATION) == (
        b"Message\nhello\nMessageId\nm-1\nTimestamp\n2026-01-01T00:00:00.000Z\n"
        b"TopicArn\narn:aws:sns:t\nType\nNotification\n")
    assert b"Subject\nhi\nTimestamp" in sns_signatures.string_to_sign(
        {**NOTIFICATION, "Subject": "hi"})


def test_version_1_is_the_default_and_signs_with_sha1() -> None:
    signed = sns_signatures.signed(NOTIFICATION, KEY, "1")

    assert signed["SignatureVersion"] == "1"
    verified(signed, hashes.SHA1())
    assert sns_signatures.signed(NOTIFICATION, KEY, "")["SignatureVersion"] == "1"


def test_version_2_signs_with_sha256() -> None:
    signed = sns_signatures.signed({**NOTIFICATION, "Subject": "hi"}, KEY, "2")

    assert signed["SignatureVersion"] == "2"
    verified(signed, hashes.SHA256())


@pytest.fixture
def aws() -> Iterator[None]:
    sns_signatures.install()
    with mock_aws():
        yield


def delivered(topic_attributes: dict[str, str]) -> Any:
    sns = boto3.client("sns", region_name="us-east-1")
    sqs = boto3.client("sqs", region_name="us-east-1")
    queue = sqs.create_queue(QueueName="notifications")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="topic", Attributes=topic_attributes)["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    sns.publish(TopicArn=topic, Message="hello", Subject="greeting")
    [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
    return json.loads(message["Body"])


@pytest.mark.usefixtures("aws")
def test_a_notification_delivered_to_a_queue_says_version_1() -> None:
    assert delivered({})["SignatureVersion"] == "1"


@pytest.mark.usefixtures("aws")
def test_a_topic_asking_for_version_2_gets_it() -> None:
    assert delivered({"SignatureVersion": "2"})["SignatureVersion"] == "2"
