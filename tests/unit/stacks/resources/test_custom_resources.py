from __future__ import annotations

import json
from typing import Any

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resources.custom_resources import (
    CustomResourceProvisioner,
    as_text_values,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context

TOKEN = "arn:aws:lambda:us-east-1:123456789012:function:handler"


class AnsweringS3(FakeClient):
    """An S3 whose response object holds `answer` once the request has been sent."""

    class exceptions:  # noqa: N801 - boto3's attribute name
        ClientError = LookupError
        NoSuchKey = KeyError

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__("s3", {
            "generate_presigned_url": "http://127.0.0.1:9000/bucket/key?X-Amz-Signature=s",
            "get_object": lambda **_: {"Body": FakeBody(json.dumps(answer).encode())}})
        self.meta = FakeMeta()


class FakeBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self) -> bytes:
        return self._data


class FakeMeta:
    class events:  # noqa: N801 - boto3's attribute name
        @staticmethod
        def register(*_: Any, **__: Any) -> None:
            return None

        @staticmethod
        def unregister(*_: Any, **__: Any) -> None:
            return None


def sent_event(lambda_client: FakeClient) -> dict[str, Any]:
    return json.loads(lambda_client.parameters("invoke")["Payload"])  # type: ignore[no-any-return]


def test_property_values_arrive_as_text() -> None:
    assert as_text_values({"N": 1, "B": True, "L": [2.5, {"X": False}], "S": "s"}) == {
        "N": "1", "B": "true", "L": ["2.5", {"X": "false"}], "S": "s"}


def test_an_update_sends_cloudformations_request_shape() -> None:
    s3 = AnsweringS3({"Status": "SUCCESS", "PhysicalResourceId": "p1", "Data": {"A": "b"}})
    lam = FakeClient("lambda")
    context = fake_context(s3, lam, logical_id="Setup")
    provisioned = CustomResourceProvisioner("Custom::Setup").update(
        context, "p1", {"ServiceToken": TOKEN, "Size": 1}, {"ServiceToken": TOKEN, "Size": 2})
    assert (provisioned.physical_id, provisioned.attributes) == ("p1", {"A": "b"})
    assert lam.parameters("invoke")["InvocationType"] == "Event"
    event = sent_event(lam)
    assert event["ResponseURL"] == "http://127.0.0.1:9000/bucket/key?X-Amz-Signature=s"
    del event["ResponseURL"], event["RequestId"]
    assert event == {
        "RequestType": "Update", "ServiceToken": TOKEN, "StackId": context.stack_id,
        "LogicalResourceId": "Setup", "ResourceType": "Custom::Setup",
        "ResourceProperties": {"ServiceToken": TOKEN, "Size": "2"},
        "OldResourceProperties": {"ServiceToken": TOKEN, "Size": "1"},
        "PhysicalResourceId": "p1"}


def test_a_new_physical_id_on_update_deletes_the_old_resource() -> None:
    s3 = AnsweringS3({"Status": "SUCCESS", "PhysicalResourceId": "p2"})
    lam = FakeClient("lambda")
    CustomResourceProvisioner("Custom::Setup").update(
        fake_context(s3, lam), "p1", {"ServiceToken": TOKEN}, {"ServiceToken": TOKEN, "A": 1})
    events = [json.loads(p["Payload"]) for name, p in lam.calls if name == "invoke"]
    assert [(e["RequestType"], e["PhysicalResourceId"]) for e in events] == [
        ("Update", "p1"), ("Delete", "p1")]


def test_a_failed_answer_fails_the_resource_with_its_reason() -> None:
    s3 = AnsweringS3({"Status": "FAILED", "Reason": "quota exceeded"})
    with pytest.raises(ResourceFailed, match="^quota exceeded$"):
        CustomResourceProvisioner("Custom::X").create(
            fake_context(s3, FakeClient("lambda")), {"ServiceToken": TOKEN})


def test_a_create_answer_needs_a_physical_id() -> None:
    s3 = AnsweringS3({"Status": "SUCCESS"})
    with pytest.raises(ResourceFailed, match="Invalid PhysicalResourceId"):
        CustomResourceProvisioner("Custom::X").create(
            fake_context(s3, FakeClient("lambda")), {"ServiceToken": TOKEN})


def test_functions_in_containers_get_a_url_they_reach() -> None:
    s3 = AnsweringS3({"Status": "SUCCESS", "PhysicalResourceId": "p"})
    lam = FakeClient("lambda")
    CustomResourceProvisioner("Custom::X", "http://172.18.0.1:4567").create(
        fake_context(s3, lam), {"ServiceToken": TOKEN})
    assert sent_event(lam)["ResponseURL"] == \
        "http://172.18.0.1:4567/bucket/key?X-Amz-Signature=s"


def test_an_sns_service_token_gets_the_request_as_a_message() -> None:
    s3 = AnsweringS3({"Status": "SUCCESS", "PhysicalResourceId": "p"})
    sns = FakeClient("sns")
    topic = "arn:aws:sns:us-east-1:123456789012:requests"
    CustomResourceProvisioner("Custom::X").create(fake_context(s3, sns),
                                                  {"ServiceToken": topic})
    assert json.loads(sns.parameters("publish")["Message"])["RequestType"] == "Create"
