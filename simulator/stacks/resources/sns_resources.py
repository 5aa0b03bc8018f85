"""AWS::SNS::Topic (`Ref` is its ARN; its `Subscription` property subscribes each endpoint),
AWS::SNS::Subscription (`Ref` is the subscription's ARN) and AWS::SNS::TopicPolicy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_json,
    attribute_text,
    tag_list,
)

TOPIC_ATTRIBUTES = ("DisplayName", "KmsMasterKeyId", "ContentBasedDeduplication",
                    "SignatureVersion", "TracingConfig", "ArchivePolicy")
SUBSCRIPTION_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope",
                           "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn",
                           "ReplayPolicy")
FIFO_SUFFIX = ".fifo"


def topic_name(context: ProvisioningContext, properties: Mapping[str, Any]) -> str:
    if properties.get("TopicName"):
        return str(properties["TopicName"])
    if as_bool(properties.get("FifoTopic")):
        return context.generated_name(256 - len(FIFO_SUFFIX)) + FIFO_SUFFIX
    return context.generated_name(256)


def attributes_of(properties: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: attribute_text(properties[name]) for name in names
            if properties.get(name) is not None}


def subscriptions(properties: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(str(s["Protocol"]), str(s["Endpoint"])) for s in properties.get("Subscription")
            or ()}


class TopicProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"TopicName", "FifoTopic"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        sns = context.client("sns")
        attributes = attributes_of(properties, TOPIC_ATTRIBUTES)
        if as_bool(properties.get("FifoTopic")):
            attributes["FifoTopic"] = "true"
        options: dict[str, Any] = {"Attributes": attributes}
        if properties.get("Tags"):
            options["Tags"] = tag_list(properties["Tags"])
        arn = sns.create_topic(Name=topic_name(context, properties), **options)["TopicArn"]
        for protocol, endpoint in sorted(subscriptions(properties)):
            sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
        return self._provisioned(arn)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        sns = context.client("sns")
        old_attributes = attributes_of(old_properties, TOPIC_ATTRIBUTES)
        for name, value in attributes_of(new_properties, TOPIC_ATTRIBUTES).items():
            if old_attributes.get(name) != value:
                sns.set_topic_attributes(TopicArn=physical_id, AttributeName=name,
                                         AttributeValue=value)
        wanted, had = subscriptions(new_properties), subscriptions(old_properties)
        for protocol, endpoint in sorted(wanted - had):
            sns.subscribe(TopicArn=physical_id, Protocol=protocol, Endpoint=endpoint)
        if had - wanted:
            for page in sns.get_paginator("list_subscriptions_by_topic").paginate(
                    TopicArn=physical_id):
                for subscription in page["Subscriptions"]:
                    if (subscription["Protocol"], subscription["Endpoint"]) in had - wanted:
                        sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
        old_tags = {t["Key"] for t in tag_list(old_properties.get("Tags"))}
        new_tags = tag_list(new_properties.get("Tags"))
        gone = sorted(old_tags - {t["Key"] for t in new_tags})
        if gone:
            sns.untag_resource(ResourceArn=physical_id, TagKeys=gone)
        if new_tags:
            sns.tag_resource(ResourceArn=physical_id, Tags=new_tags)
        return self._provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("sns").delete_topic(TopicArn=physical_id)

    @staticmethod
    def _provisioned(arn: str) -> Provisioned:
        return Provisioned(arn, {"TopicArn": arn, "TopicName": arn.rsplit(":", 1)[1]})


class SubscriptionProvisioner(ReplacedByProperties):
    required_properties = frozenset({"Protocol", "TopicArn"})
    replacement_properties = frozenset({"TopicArn", "Protocol", "Endpoint", "Region"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        arn = context.client("sns").subscribe(
            TopicArn=properties["TopicArn"], Protocol=properties["Protocol"],
            Endpoint=properties.get("Endpoint", ""), ReturnSubscriptionArn=True,
            Attributes=attributes_of(properties, SUBSCRIPTION_ATTRIBUTES))["SubscriptionArn"]
        return Provisioned(arn, {"Arn": arn})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        sns = context.client("sns")
        old_attributes = attributes_of(old_properties, SUBSCRIPTION_ATTRIBUTES)
        new_attributes = attributes_of(new_properties, SUBSCRIPTION_ATTRIBUTES)
        for name in old_attributes.keys() - new_attributes.keys():
            sns.set_subscription_attributes(
                SubscriptionArn=physical_id, AttributeName=name,
                AttributeValue="false" if name == "RawMessageDelivery" else "")
        for name, value in new_attributes.items():
            if old_attributes.get(name) != value:
                sns.set_subscription_attributes(SubscriptionArn=physical_id,
                                                AttributeName=name, AttributeValue=value)
        return Provisioned(physical_id, {"Arn": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("sns").unsubscribe(SubscriptionArn=physical_id)


def default_topic_policy(topic_arn: str) -> str:
    """The policy SNS gives a new topic: its owner may use it."""
    account = topic_arn.split(":")[4]
    return json.dumps({
        "Version": "2008-10-17", "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                       "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic",
                       "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}}}]})


class TopicPolicyProvisioner:
    """Sets the `Policy` of each listed topic; deleting gives them back the default."""

    required_properties = frozenset({"PolicyDocument", "Topics"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._set(context, properties)
        policy_id = context.generated_name(64)
        return Provisioned(policy_id, {"Id": policy_id})

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        dropped = [t for t in old_properties.get("Topics") or ()
                   if t not in (new_properties.get("Topics") or ())]
        self._reset(context, dropped)
        self._set(context, new_properties)
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        self._reset(context, properties.get("Topics") or ())

    @staticmethod
    def _set(context: ProvisioningContext, properties: Mapping[str, Any]) -> None:
        sns = context.client("sns")
        for topic in properties["Topics"]:
            sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                     AttributeValue=as_json(properties["PolicyDocument"]))

    @staticmethod
    def _reset(context: ProvisioningContext, topics: Any) -> None:
        sns = context.client("sns")
        for topic in topics:
            sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy",
                                     AttributeValue=default_topic_policy(topic))
