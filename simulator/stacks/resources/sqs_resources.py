"""AWS::SQS::Queue (`Ref` is its URL) and AWS::SQS::QueuePolicy (the `Policy` attribute of
each listed queue)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_bool,
    as_json,
    attribute_text,
    tag_map,
)

ATTRIBUTES = ("ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds",
              "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId",
              "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
              "RedriveAllowPolicy", "RedrivePolicy", "SqsManagedSseEnabled",
              "VisibilityTimeout")
# What an attribute returns to when a stack update removes its property.
DEFAULTS = {"DelaySeconds": "0", "MaximumMessageSize": "262144",
            "MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0",
            "VisibilityTimeout": "30", "RedrivePolicy": "", "RedriveAllowPolicy": "",
            "KmsMasterKeyId": "", "KmsDataKeyReusePeriodSeconds": "300"}
FIFO_SUFFIX = ".fifo"


def queue_attributes(properties: Mapping[str, Any]) -> dict[str, str]:
    return {name: attribute_text(properties[name]) for name in ATTRIBUTES
            if properties.get(name) is not None}


def queue_name(context: ProvisioningContext, properties: Mapping[str, Any]) -> str:
    """A generated FIFO queue name keeps the `.fifo` suffix SQS requires."""
    if properties.get("QueueName"):
        return str(properties["QueueName"])
    if as_bool(properties.get("FifoQueue")):
        return context.generated_name(80 - len(FIFO_SUFFIX)) + FIFO_SUFFIX
    return context.generated_name(80)


class QueueProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"QueueName", "FifoQueue"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        sqs = context.client("sqs")
        attributes = queue_attributes(properties)
        if as_bool(properties.get("FifoQueue")):
            attributes["FifoQueue"] = "true"
        options: dict[str, Any] = {"Attributes": attributes}
        if properties.get("Tags"):
            options["tags"] = tag_map(properties["Tags"])
        url = sqs.create_queue(QueueName=queue_name(context, properties), **options)["QueueUrl"]
        return self._provisioned(sqs, url)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        sqs = context.client("sqs")
        wanted = queue_attributes(new_properties)
        for name in queue_attributes(old_properties):
            if name not in wanted and name in DEFAULTS:
                wanted[name] = DEFAULTS[name]
        if wanted:
            sqs.set_queue_attributes(QueueUrl=physical_id, Attributes=wanted)
        old_tags, new_tags = tag_map(old_properties.get("Tags")), tag_map(
            new_properties.get("Tags"))
        gone = [key for key in old_tags if key not in new_tags]
        if gone:
            sqs.untag_queue(QueueUrl=physical_id, TagKeys=gone)
        if new_tags and new_tags != old_tags:
            sqs.tag_queue(QueueUrl=physical_id, Tags=new_tags)
        return self._provisioned(sqs, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("sqs").delete_queue(QueueUrl=physical_id)

    @staticmethod
    def _provisioned(sqs: Any, url: str) -> Provisioned:
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        return Provisioned(url, {"Arn": arn, "QueueName": arn.rsplit(":", 1)[1],
                                 "QueueUrl": url})


class QueuePolicyProvisioner:
    """`Ref` is an id CloudFormation generates."""

    required_properties = frozenset({"PolicyDocument", "Queues"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._set(context, properties["Queues"], as_json(properties["PolicyDocument"]) or "")
        policy_id = context.generated_name(64)
        return Provisioned(policy_id, {"Id": policy_id})

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        dropped = [q for q in old_properties.get("Queues") or () if
                   q not in (new_properties.get("Queues") or ())]
        self._set(context, dropped, "")
        self._set(context, new_properties["Queues"],
                  as_json(new_properties["PolicyDocument"]) or "")
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        self._set(context, properties.get("Queues") or (), "")

    @staticmethod
    def _set(context: ProvisioningContext, queues: Any, policy: str) -> None:
        sqs = context.client("sqs")
        for url in queues:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
