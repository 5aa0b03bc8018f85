"""AWS::Events::Rule with its `Targets`: `Ref` is the rule's name (`<bus>|<name>` on a bus
other than the default), `Arn` its ARN."""

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

DEFAULT_BUS = "default"


def bus_name(properties: Mapping[str, Any]) -> str:
    """The bus a rule is on: `EventBusName` may be a name or an ARN."""
    bus = str(properties.get("EventBusName") or DEFAULT_BUS)
    return bus.rsplit("/", 1)[1] if bus.startswith("arn:") else bus


def rule_reference(bus: str, name: str) -> str:
    return name if bus == DEFAULT_BUS else f"{bus}|{name}"


def split_reference(physical_id: str) -> tuple[str, str]:
    bus, _, name = physical_id.rpartition("|")
    return bus or DEFAULT_BUS, name


def target_parameter(target: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudFormation target as PutTargets takes it: the same names, typed."""
    converted = dict(target)
    retry = target.get("RetryPolicy")
    if retry:
        converted["RetryPolicy"] = compact({
            "MaximumRetryAttempts": as_int(retry.get("MaximumRetryAttempts")),
            "MaximumEventAgeInSeconds": as_int(retry.get("MaximumEventAgeInSeconds"))})
    if "Input" in target:
        converted["Input"] = as_json(target["Input"])
    return converted


class RuleProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"Name", "EventBusName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        name = resource_name(context, properties, "Name", 64)
        return self._put(context, bus_name(properties), name, {}, properties)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        bus, name = split_reference(physical_id)
        return self._put(context, bus, name, old_properties, new_properties)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        """EventBridge refuses to delete a rule that still has targets."""
        events = context.client("events")
        bus, name = split_reference(physical_id)
        ids = [t["Id"] for t in events.list_targets_by_rule(Rule=name, EventBusName=bus)[
            "Targets"]]
        if ids:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=ids)
        events.delete_rule(Name=name, EventBusName=bus)

    @staticmethod
    def _put(context: ProvisioningContext, bus: str, name: str, old: Mapping[str, Any],
             new: Mapping[str, Any]) -> Provisioned:
        events = context.client("events")
        arn = events.put_rule(Name=name, EventBusName=bus, **compact({
            "EventPattern": as_json(new.get("EventPattern")),
            "ScheduleExpression": new.get("ScheduleExpression"),
            "State": new.get("State") or "ENABLED",
            "Description": new.get("Description"),
            "RoleArn": new.get("RoleArn")}))["RuleArn"]
        wanted = [target_parameter(t) for t in new.get("Targets") or ()]
        gone = {str(t["Id"]) for t in old.get("Targets") or ()} - {t["Id"] for t in wanted}
        if gone:
            events.remove_targets(Rule=name, EventBusName=bus, Ids=sorted(gone))
        if wanted:
            events.put_targets(Rule=name, EventBusName=bus, Targets=wanted)
        return Provisioned(rule_reference(bus, name), {"Arn": arn})


class EventBusProvisioner(ReplacedByProperties):
    """`Ref` is the bus's name; `Arn`, `Name` and `Policy` its attributes."""

    required_properties = frozenset({"Name"})
    replacement_properties = frozenset({"Name", "EventSourceName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        events = context.client("events")
        name = str(properties["Name"])
        events.create_event_bus(Name=name, **compact({
            "EventSourceName": properties.get("EventSourceName"),
            "Description": properties.get("Description"),
            "KmsKeyIdentifier": properties.get("KmsKeyIdentifier"),
            "DeadLetterConfig": properties.get("DeadLetterConfig"),
            "Tags": tag_list(properties.get("Tags")) or None}))
        if properties.get("Policy"):
            events.put_permission(EventBusName=name, Policy=as_json(properties["Policy"]))
        return self._provisioned(events, name)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        events = context.client("events")
        if new_properties.get("Policy") != old_properties.get("Policy"):
            if new_properties.get("Policy"):
                events.put_permission(EventBusName=physical_id,
                                      Policy=as_json(new_properties["Policy"]))
            else:
                events.remove_permission(EventBusName=physical_id, RemoveAllPermissions=True)
        return self._provisioned(events, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("events").delete_event_bus(Name=physical_id)

    @staticmethod
    def _provisioned(events: Any, name: str) -> Provisioned:
        bus = events.describe_event_bus(Name=name)
        return Provisioned(name, {"Arn": bus["Arn"], "Name": name,
                                  "Policy": bus.get("Policy", "")})
