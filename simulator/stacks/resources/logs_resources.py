"""AWS::Logs::LogGroup: `Ref` is the group's name, `Arn` its ARN (ending `:*`, as
CloudFormation answers it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_int,
    compact,
    resource_name,
    tag_map,
)


class LogGroupProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"LogGroupName", "LogGroupClass"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        logs = context.client("logs")
        name = resource_name(context, properties, "LogGroupName", 512)
        logs.create_log_group(logGroupName=name, **compact({
            "kmsKeyId": properties.get("KmsKeyId"),
            "logGroupClass": properties.get("LogGroupClass"),
            "tags": tag_map(properties.get("Tags")) or None}))
        retention = as_int(properties.get("RetentionInDays"))
        if retention is not None:
            logs.put_retention_policy(logGroupName=name, retentionInDays=retention)
        return self._provisioned(context, name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        logs = context.client("logs")
        retention = as_int(new_properties.get("RetentionInDays"))
        if retention != as_int(old_properties.get("RetentionInDays")):
            if retention is None:
                logs.delete_retention_policy(logGroupName=physical_id)
            else:
                logs.put_retention_policy(logGroupName=physical_id, retentionInDays=retention)
        old_tags, new_tags = tag_map(old_properties.get("Tags")), tag_map(
            new_properties.get("Tags"))
        arn = self.group_arn(context, physical_id)
        gone = [key for key in old_tags if key not in new_tags]
        if gone:
            logs.untag_resource(resourceArn=arn, tagKeys=gone)
        if new_tags and new_tags != old_tags:
            logs.tag_resource(resourceArn=arn, tags=new_tags)
        return self._provisioned(context, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("logs").delete_log_group(logGroupName=physical_id)

    @staticmethod
    def group_arn(context: ProvisioningContext, name: str) -> str:
        return f"arn:aws:logs:{context.region}:{context.account_id}:log-group:{name}"

    def _provisioned(self, context: ProvisioningContext, name: str) -> Provisioned:
        return Provisioned(name, {"Arn": f"{self.group_arn(context, name)}:*"})
