"""AWS::SQS::Queue and AWS::SQS::QueuePolicy's API calls, against a fake SQS."""

from __future__ import annotations

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.sqs_resources import (
    QueuePolicyProvisioner,
    QueueProvisioner,
    queue_attributes,
    queue_name,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

URL = "http://localhost/123456789012/jobs"
ARN = "arn:aws:sqs:us-east-1:123456789012:jobs"


def sqs(**answers: object) -> FakeClient:
    return FakeClient("sqs", {"create_queue": {"QueueUrl": URL},
                              "get_queue_attributes": {"Attributes": {"QueueArn": ARN}},
                              **answers})


def test_generated_fifo_queue_names_keep_the_suffix() -> None:
    context = fake_context(logical_id="Orders")
    assert queue_name(context, {"FifoQueue": "true"}) == "shop-Orders-ABCDEF123456.fifo"
    assert queue_name(context, {"QueueName": "mine.fifo", "FifoQueue": True}) == "mine.fifo"
    assert queue_name(context, {"FifoQueue": "false"}) == "shop-Orders-ABCDEF123456"


def test_queue_attributes_are_text() -> None:
    assert queue_attributes({"VisibilityTimeout": 60, "SqsManagedSseEnabled": False,
                             "RedrivePolicy": {"deadLetterTargetArn": "arn:dlq",
                                               "maxReceiveCount": 3},
                             "Unknown": 1, "DelaySeconds": None}) == {
        "VisibilityTimeout": "60", "SqsManagedSseEnabled": "false",
        "RedrivePolicy": '{"deadLetterTargetArn": "arn:dlq", "maxReceiveCount": 3}'}


def test_a_queue_answers_its_url_arn_and_name() -> None:
    client = sqs()
    provisioned = QueueProvisioner().create(fake_context(client), {
        "QueueName": "jobs.fifo", "FifoQueue": "true", "ContentBasedDeduplication": True,
        "Tags": [{"Key": "team", "Value": "a"}]})
    assert (provisioned.physical_id, provisioned.attributes) == (
        URL, {"Arn": ARN, "QueueName": "jobs", "QueueUrl": URL})
    assert client.parameters("create_queue") == {
        "QueueName": "jobs.fifo", "tags": {"team": "a"},
        "Attributes": {"ContentBasedDeduplication": "true", "FifoQueue": "true"}}
    assert client.parameters("get_queue_attributes") == {"QueueUrl": URL,
                                                         "AttributeNames": ["QueueArn"]}


def test_an_update_returns_removed_attributes_to_their_defaults() -> None:
    client = sqs()
    QueueProvisioner().update(fake_context(client), URL,
                              {"VisibilityTimeout": 60, "RedrivePolicy": {"a": 1},
                               "Tags": [{"Key": "a", "Value": "1"}]},
                              {"DelaySeconds": "5", "Tags": [{"Key": "b", "Value": "2"}]})
    assert client.parameters("set_queue_attributes") == {"QueueUrl": URL, "Attributes": {
        "DelaySeconds": "5", "VisibilityTimeout": "30", "RedrivePolicy": ""}}
    assert client.parameters("untag_queue") == {"QueueUrl": URL, "TagKeys": ["a"]}
    assert client.parameters("tag_queue") == {"QueueUrl": URL, "Tags": {"b": "2"}}


def test_an_unchanged_queue_sets_nothing() -> None:
    client = sqs()
    QueueProvisioner().update(fake_context(client), URL, {}, {})
    assert client.operations() == ["get_queue_attributes"]
    assert QueueProvisioner().replaces({}, {"FifoQueue": True})
    assert not QueueProvisioner().replaces({}, {"VisibilityTimeout": 5})


def test_deleting_a_queue_already_gone_succeeds() -> None:
    client = sqs(delete_queue=refusal("AWS.SimpleQueueService.NonExistentQueue"))
    ReportingFailures(QueueProvisioner()).delete(fake_context(client), URL, {})
    assert client.parameters("delete_queue") == {"QueueUrl": URL}


def test_a_queue_policy_is_set_on_each_queue_and_cleared_from_dropped_ones() -> None:
    client = sqs()
    other = "http://localhost/123456789012/other"
    properties = {"Queues": [URL, other], "PolicyDocument": {"Statement": []}}
    provisioned = QueuePolicyProvisioner().create(fake_context(client, logical_id="P"),
                                                  properties)
    assert provisioned.attributes == {"Id": "shop-P-ABCDEF123456"}
    assert client.all_parameters("set_queue_attributes") == [
        {"QueueUrl": URL, "Attributes": {"Policy": '{"Statement": []}'}},
        {"QueueUrl": other, "Attributes": {"Policy": '{"Statement": []}'}}]
    client.calls.clear()
    QueuePolicyProvisioner().update(fake_context(client), "id", properties,
                                    {**properties, "Queues": [URL]})
    assert client.all_parameters("set_queue_attributes") == [
        {"QueueUrl": other, "Attributes": {"Policy": ""}},
        {"QueueUrl": URL, "Attributes": {"Policy": '{"Statement": []}'}}]
    client.calls.clear()
    QueuePolicyProvisioner().delete(fake_context(client), "id", {"Queues": [URL]})
    assert client.all_parameters("set_queue_attributes") == [
        {"QueueUrl": URL, "Attributes": {"Policy": ""}}]
    assert not QueuePolicyProvisioner().replaces(properties, {"Queues": []})
