"""The event JSON functions receive from S3 and SNS: moto's S3 record completed with what AWS
also sends, and the SNS notification AWS delivers to a Lambda subscription. Each is checked
against Powertools' parser models, which many handlers validate their events with."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from aws_lambda_powertools.utilities.parser.models import S3Model, SnsModel

from simulator.events.event_json import s3_event_from_moto, sns_event

TOPIC = "arn:aws:sns:eu-west-1:123456789012:orders"
SUBSCRIPTION = f"{TOPIC}:0b3a4d5e-1111-2222-3333-444455556666"
ISO_MILLISECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def moto_record(key: str, configuration_id: str = "fn-Upload") -> dict[str, Any]:
    """A record as moto's S3 notifications build it (`moto.s3.notifications`): local time
    without a zone, the key form-encoded, no identities or request details."""
    return {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "us-east-1",
        "eventTime": "2026-03-01T12:00:00.000",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {"name": "uploads", "arn": "arn:aws:s3:::uploads"},
            "object": {"key": quote_plus(key), "size": 11,
                       "eTag": "5eb63bbbe01eeed093cb22bb8f5acdc3"},
        },
    }


def completed(*keys: str) -> dict[str, Any]:
    return s3_event_from_moto({"Records": [moto_record(key) for key in keys]})


def assert_recent_utc(text: str) -> None:
    assert ISO_MILLISECONDS.match(text), text
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - moment) < timedelta(seconds=30)


# -- S3 ---------------------------------------------------------------------------------------


def test_the_completed_s3_event_parses_with_powertools() -> None:
    event = completed("photos/cat.jpg")

    parsed = S3Model.model_validate(event)

    [record] = parsed.Records
    assert record.s3.bucket.name == "uploads"
    assert record.s3.object is not None and record.s3.object.key == "photos/cat.jpg"
    assert record.s3.configurationId == "fn-Upload"
    assert str(record.requestParameters.sourceIPAddress) == "127.0.0.1/32"


def test_s3_records_carry_identities_and_response_elements_as_aws_sends_them() -> None:
    [record] = completed("report.csv")["Records"]

    assert record["userIdentity"] == {"principalId": "AWS:AIDAJDPLRKLG7UEXAMPLE"}
    assert record["s3"]["bucket"]["ownerIdentity"] == {"principalId": "AIDAJDPLRKLG7UEXAMPLE"}
    assert record["requestParameters"] == {"sourceIPAddress": "127.0.0.1"}
    elements = record["responseElements"]
    assert re.fullmatch(r"[0-9A-F]{16}", elements["x-amz-request-id"])
    assert len(base64.b64decode(elements["x-amz-id-2"], validate=True)) == 32


def test_s3_event_time_is_now_in_utc_to_the_millisecond() -> None:
    [record] = completed("report.csv")["Records"]

    assert_recent_utc(record["eventTime"])


def test_what_moto_already_says_is_kept() -> None:
    [record] = completed("report.csv")["Records"]

    assert (record["eventName"], record["awsRegion"], record["eventVersion"]) == \
        ("ObjectCreated:Put", "us-east-1", "2.1")
    assert record["s3"]["object"]["size"] == 11
    assert record["s3"]["object"]["eTag"] == "5eb63bbbe01eeed093cb22bb8f5acdc3"
    assert record["s3"]["bucket"]["arn"] == "arn:aws:s3:::uploads"


def test_object_keys_are_form_encoded_with_slashes_kept_as_aws_encodes_them() -> None:
    keys = ["my folder/red flower.jpg", "a+b/c&d=e.txt", "café/naïve.txt", "plain/key.txt"]

    encoded = [record["s3"]["object"]["key"] for record in completed(*keys)["Records"]]

    assert encoded == ["my+folder/red+flower.jpg", "a%2Bb/c%26d%3De.txt",
                       "caf%C3%A9/na%C3%AFve.txt", "plain/key.txt"]


def test_sequencers_are_hex_of_one_length_and_grow_with_each_event() -> None:
    first = completed("k")["Records"][0]["s3"]["object"]["sequencer"]
    second, third = (r["s3"]["object"]["sequencer"] for r in completed("k", "k")["Records"])

    for sequencer in (first, second, third):
        assert re.fullmatch(r"[0-9A-F]{16}", sequencer)
    # AWS: for one key, a later event has the larger sequencer (compared as strings).
    assert first < second < third


def test_an_event_without_records_is_left_alone() -> None:
    assert s3_event_from_moto({"Records": []}) == {"Records": []}
    assert s3_event_from_moto({}) == {}


# -- SNS --------------------------------------------------------------------------------------


def notification(subject: str | None = "Order placed",
                 attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    return sns_event(SUBSCRIPTION, TOPIC, '{"order": 7}', "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                     subject, attributes or {})


def test_the_sns_event_parses_with_powertools() -> None:
    parsed = SnsModel.model_validate(notification())

    [record] = parsed.Records
    assert record.EventSubscriptionArn == SUBSCRIPTION
    assert record.Sns.TopicArn == TOPIC
    assert record.Sns.Message == '{"order": 7}'
    assert record.Sns.Subject == "Order placed"
    assert record.Sns.MessageId == "95df01b4-ee98-5cb9-9903-4c221d41eb5e"


def test_the_sns_record_has_the_fields_lambda_receives() -> None:
    [record] = notification()["Records"]
    sns = record["Sns"]

    assert (record["EventSource"], record["EventVersion"]) == ("aws:sns", "1.0")
    assert (sns["Type"], sns["SignatureVersion"]) == ("Notification", "1")
    assert_recent_utc(sns["Timestamp"])
    base64.b64decode(sns["Signature"], validate=True)


def test_sns_urls_name_the_topics_region_and_the_subscription() -> None:
    sns = notification()["Records"][0]["Sns"]

    assert sns["SigningCertUrl"].startswith(
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-")
    assert sns["SigningCertUrl"].endswith(".pem")
    assert sns["UnsubscribeUrl"] == ("https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe"
                                     f"&SubscriptionArn={SUBSCRIPTION}")


def test_a_message_without_subject_has_a_null_subject() -> None:
    sns = notification(subject=None)["Records"][0]["Sns"]

    assert "Subject" in sns and sns["Subject"] is None


def test_message_attributes_as_moto_hands_them_become_type_and_value() -> None:
    attributes = {"color": {"Type": "String", "Value": "red"},
                  "count": {"Type": "Number", "Value": "3"},
                  "sizes": {"Type": "String.Array", "Value": '["S", "M"]'}}

    sns = notification(attributes=attributes)["Records"][0]["Sns"]

    assert sns["MessageAttributes"] == attributes
    SnsModel.model_validate(notification(attributes=attributes))


def test_message_attributes_in_the_publish_requests_shape_are_translated() -> None:
    attributes = {"color": {"DataType": "String", "StringValue": "red"},
                  "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01binary"},
                  "encoded": {"DataType": "Binary", "BinaryValue": "AAE="}}

    sns = notification(attributes=attributes)["Records"][0]["Sns"]

    assert sns["MessageAttributes"] == {
        "color": {"Type": "String", "Value": "red"},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01binary").decode()},
        "encoded": {"Type": "Binary", "Value": "AAE="},
    }


def test_an_attribute_without_a_type_is_a_string() -> None:
    sns = notification(attributes={"note": {"Value": "hi"}})["Records"][0]["Sns"]

    assert sns["MessageAttributes"] == {"note": {"Type": "String", "Value": "hi"}}
