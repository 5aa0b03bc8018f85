"""AWS::Scheduler::Schedule, through the simulator's `scheduler` API: `Ref` is the schedule's
name, `Arn` its ARN."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_int,
    as_json,
    compact,
    resource_name,
    tag_list,
)

DEFAULT_GROUP = "default"


def target_parameter(target: Mapping[str, Any]) -> dict[str, Any]:
    converted = dict(target)
    if "Input" in target:
        converted["Input"] = as_json(target["Input"])
    retry = target.get("RetryPolicy")
    if retry:
        converted["RetryPolicy"] = compact({
            "MaximumRetryAttempts": as_int(retry.get("MaximumRetryAttempts")),
            "MaximumEventAgeInSeconds": as_int(retry.get("MaximumEventAgeInSeconds"))})
    return converted


def schedule_parameters(properties: Mapping[str, Any]) -> dict[str, Any]:
    window = properties.get("FlexibleTimeWindow") or {"Mode": "OFF"}
    return compact({
        "GroupName": properties.get("GroupName") or DEFAULT_GROUP,
        "ScheduleExpression": properties["ScheduleExpression"],
        "ScheduleExpressionTimezone": properties.get("ScheduleExpressionTimezone"),
        "StartDate": properties.get("StartDate"),
        "EndDate": properties.get("EndDate"),
        "Description": properties.get("Description"),
        "State": properties.get("State"),
        "KmsKeyArn": properties.get("KmsKeyArn"),
        "Target": target_parameter(properties["Target"]),
        "FlexibleTimeWindow": compact({
            "Mode": window["Mode"],
            "MaximumWindowInMinutes": as_int(window.get("MaximumWindowInMinutes"))}),
    })


class ScheduleProvisioner(ReplacedByProperties):
    required_properties = frozenset({"FlexibleTimeWindow", "ScheduleExpression", "Target"})
    replacement_properties = frozenset({"Name", "GroupName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        name = resource_name(context, properties, "Name", 64)
        arn = context.client("scheduler").create_schedule(
            Name=name, **schedule_parameters(properties))["ScheduleArn"]
        return Provisioned(name, {"Arn": arn})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        arn = context.client("scheduler").update_schedule(
            Name=physical_id, **schedule_parameters(new_properties))["ScheduleArn"]
        return Provisioned(physical_id, {"Arn": arn})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("scheduler").delete_schedule(
            Name=physical_id, GroupName=properties.get("GroupName") or DEFAULT_GROUP)


class ScheduleGroupProvisioner(ReplacedByProperties):
    """`Ref` is the group's name; `Arn` and `State` its attributes."""

    replacement_properties = frozenset({"Name"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        scheduler = context.client("scheduler")
        name = resource_name(context, properties, "Name", 64)
        scheduler.create_schedule_group(Name=name, **compact({
            "Tags": tag_list(properties.get("Tags")) or None}))
        return self._provisioned(scheduler, name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return self._provisioned(context.client("scheduler"), physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("scheduler").delete_schedule_group(Name=physical_id)

    @staticmethod
    def _provisioned(scheduler: Any, name: str) -> Provisioned:
        group = scheduler.get_schedule_group(Name=name)
        return Provisioned(name, {"Arn": group["Arn"], "State": group.get("State", "ACTIVE"),
                                  "CreationDate": str(group.get("CreationDate", "")),
                                  "LastModificationDate":
                                      str(group.get("LastModificationDate", ""))})
