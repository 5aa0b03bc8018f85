"""AWS::SNS::Topic, Subscription and TopicPolicy's API calls, against a fake SNS."""

from __future__ import annotations

import json

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.sns_resources import (
    SubscriptionProvisioner,
    TopicPolicyProvisioner,
    TopicProvisioner,
    attributes_of,
    default_topic_policy,
    topic_name,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

TOPIC = "arn:aws:sns:us-east-1:123456789012:orders"
SUBSCRIPTION = f"{TOPIC}:8a2f"


def test_a_generated_fifo_topic_name_keeps_the_suffix() -> None:
    context = fake_context(logical_id="Orders")
    assert topic_name(context, {"FifoTopic": "true"}) == "shop-Orders-ABCDEF123456.fifo"
    assert topic_name(context, {}) == "shop-Orders-ABCDEF123456"
    assert topic_name(context, {"TopicName": "mine"}) == "mine"


def test_topic_attributes_are_text() -> None:
    assert attributes_of({"ContentBasedDeduplication": True, "DisplayName": None,
                          "ArchivePolicy": {"MessageRetentionPeriod": 7}},
                         ("ContentBasedDeduplication", "DisplayName", "ArchivePolicy")) == {
        "ContentBasedDeduplication": "true",
        "ArchivePolicy": '{"MessageRetentionPeriod": 7}'}


def test_a_topic_is_created_with_its_subscriptions_and_answers_its_arn() -> None:
    sns = FakeClient("sns", {"create_topic": {"TopicArn": TOPIC}})
    provisioned = TopicProvisioner().create(fake_context(sns), {
        "TopicName": "orders", "DisplayName": "Orders", "FifoTopic": False,
        "Tags": [{"Key": "a", "Value": 1}],
        "Subscription": [{"Protocol": "sqs", "Endpoint": "arn:q"},
                         {"Protocol": "lambda", "Endpoint": "arn:fn"}]})
    assert (provisioned.physical_id, provisioned.attributes) == (
        TOPIC, {"TopicArn": TOPIC, "TopicName": "orders"})
    assert sns.parameters("create_topic") == {"Name": "orders",
                                              "Attributes": {"DisplayName": "Orders"},
                                              "Tags": [{"Key": "a", "Value": "1"}]}
    assert [p["Protocol"] for p in sns.all_parameters("subscribe")] == ["lambda", "sqs"]


def test_a_fifo_topic_says_so() -> None:
    sns = FakeClient("sns", {"create_topic": {"TopicArn": f"{TOPIC}.fifo"}})
    TopicProvisioner().create(fake_context(sns), {"TopicName": "orders.fifo",
                                                  "FifoTopic": "true"})
    assert sns.parameters("create_topic")["Attributes"] == {"FifoTopic": "true"}


def test_a_topic_update_sets_changed_attributes_and_subscriptions() -> None:
    sns = FakeClient("sns", {"list_subscriptions_by_topic": {"Subscriptions": [
        {"Protocol": "sqs", "Endpoint": "arn:q", "SubscriptionArn": SUBSCRIPTION},
        {"Protocol": "sqs", "Endpoint": "arn:other", "SubscriptionArn": "keep"}]}})
    old = {"DisplayName": "a", "Subscription": [{"Protocol": "sqs", "Endpoint": "arn:q"}],
           "Tags": [{"Key": "gone", "Value": "1"}]}
    new = {"DisplayName": "b", "Subscription": [{"Protocol": "lambda", "Endpoint": "arn:fn"}]}
    TopicProvisioner().update(fake_context(sns), TOPIC, old, new)
    assert sns.parameters("set_topic_attributes") == {
        "TopicArn": TOPIC, "AttributeName": "DisplayName", "AttributeValue": "b"}
    assert sns.parameters("subscribe") == {"TopicArn": TOPIC, "Protocol": "lambda",
                                           "Endpoint": "arn:fn"}
    assert sns.all_parameters("unsubscribe") == [{"SubscriptionArn": SUBSCRIPTION}]
    assert sns.parameters("untag_resource") == {"ResourceArn": TOPIC, "TagKeys": ["gone"]}
    assert "tag_resource" not in sns.operations()
    assert TopicProvisioner().replaces(old, {**old, "FifoTopic": True})
    assert not TopicProvisioner().replaces(old, new)


def test_deleting_a_topic_already_gone_succeeds() -> None:
    sns = FakeClient("sns", {"delete_topic": refusal("NotFound")})
    ReportingFailures(TopicProvisioner()).delete(fake_context(sns), TOPIC, {})
    assert sns.parameters("delete_topic") == {"TopicArn": TOPIC}


def test_a_subscription_answers_its_arn_and_sends_its_attributes_as_text() -> None:
    sns = FakeClient("sns", {"subscribe": {"SubscriptionArn": SUBSCRIPTION}})
    provisioned = SubscriptionProvisioner().create(fake_context(sns), {
        "TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:q",
        "RawMessageDelivery": True, "FilterPolicy": {"kind": ["a"]}})
    assert (provisioned.physical_id, provisioned.attributes) == (SUBSCRIPTION,
                                                                  {"Arn": SUBSCRIPTION})
    assert sns.parameters("subscribe") == {
        "TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:q",
        "ReturnSubscriptionArn": True,
        "Attributes": {"FilterPolicy": '{"kind": ["a"]}', "RawMessageDelivery": "true"}}


def test_a_subscription_update_resets_removed_attributes() -> None:
    sns = FakeClient("sns")
    base = {"TopicArn": TOPIC, "Protocol": "sqs", "Endpoint": "arn:q"}
    SubscriptionProvisioner().update(
        fake_context(sns), SUBSCRIPTION,
        {**base, "RawMessageDelivery": "true", "FilterPolicy": {"a": [1]}},
        {**base, "FilterPolicy": {"a": [2]}})
    assert sorted((p["AttributeName"], p["AttributeValue"])
                  for p in sns.all_parameters("set_subscription_attributes")) == [
        ("FilterPolicy", '{"a": [2]}'), ("RawMessageDelivery", "false")]
    assert SubscriptionProvisioner().replaces(base, {**base, "Endpoint": "arn:r"})
    assert not SubscriptionProvisioner().replaces(base, {**base, "FilterPolicy": {}})


def test_the_default_topic_policy_lets_the_owner_use_the_topic() -> None:
    policy = json.loads(default_topic_policy(TOPIC))
    [statement] = policy["Statement"]
    assert statement["Resource"] == TOPIC
    assert statement["Condition"] == {"StringEquals": {"AWS:SourceOwner": "123456789012"}}
    assert "SNS:Publish" in statement["Action"]


def test_a_topic_policy_is_set_and_dropped_topics_get_the_default_back() -> None:
    sns = FakeClient("sns")
    other = "arn:aws:sns:us-east-1:123456789012:other"
    properties = {"Topics": [TOPIC, other], "PolicyDocument": {"Statement": []}}
    provisioned = TopicPolicyProvisioner().create(fake_context(sns, logical_id="P"), properties)
    assert provisioned.physical_id == "shop-P-ABCDEF123456"
    assert [p["AttributeValue"] for p in sns.all_parameters("set_topic_attributes")] == [
        '{"Statement": []}', '{"Statement": []}']
    sns.calls.clear()
    TopicPolicyProvisioner().update(fake_context(sns), "id", properties,
                                    {**properties, "Topics": [TOPIC]})
    assert [(p["TopicArn"], p["AttributeValue"])
            for p in sns.all_parameters("set_topic_attributes")] == [
        (other, default_topic_policy(other)), (TOPIC, '{"Statement": []}')]
    sns.calls.clear()
    TopicPolicyProvisioner().delete(fake_context(sns), "id", {"Topics": [TOPIC]})
    assert sns.parameters("set_topic_attributes")["AttributeValue"] == \
        default_topic_policy(TOPIC)
    assert not TopicPolicyProvisioner().replaces(properties, {"Topics": []})
