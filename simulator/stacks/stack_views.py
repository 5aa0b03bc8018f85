"""Stacks and their resources in the shapes CloudFormation's Describe and List calls answer
with (member names of the service model)."""

from __future__ import annotations

import json
from typing import Any

from simulator.stacks.stack_store import ResourceRecord, StackRecord

NOT_CHECKED = {"StackDriftStatus": "NOT_CHECKED"}
RESOURCE_NOT_CHECKED = {"StackResourceDriftStatus": "NOT_CHECKED"}


def parameters_view(template: dict[str, Any], raw: dict[str, str], resolved: dict[str, str]
                    ) -> list[dict[str, str]]:
    """NoEcho values are masked as CloudFormation masks them."""
    declared = template.get("Parameters") or {}
    view = []
    for name, value in raw.items():
        masked = str((declared.get(name) or {}).get("NoEcho", "false")).lower() == "true"
        entry = {"ParameterKey": name, "ParameterValue": "****" if masked else value}
        if name in resolved:
            entry["ResolvedValue"] = resolved[name]
        view.append(entry)
    return view


def stack_view(stack: StackRecord) -> dict[str, Any]:
    view: dict[str, Any] = {
        "StackId": stack.stack_id, "StackName": stack.name,
        "ChangeSetId": stack.change_set_id, "Description": stack.description,
        "Parameters": parameters_view(stack.template, stack.parameters,
                                      stack.resolved_parameters),
        "CreationTime": stack.created, "LastUpdatedTime": stack.updated,
        "DeletionTime": stack.deleted, "StackStatus": stack.status,
        "StackStatusReason": stack.status_reason, "DisableRollback": stack.disable_rollback,
        "NotificationARNs": stack.notification_arns, "TimeoutInMinutes": stack.timeout_minutes,
        "Capabilities": stack.capabilities, "RoleARN": stack.role_arn, "Tags": stack.tags,
        "EnableTerminationProtection": stack.termination_protection,
        "DriftInformation": NOT_CHECKED,
    }
    if stack.outputs:
        view["Outputs"] = stack.outputs
    return view


def stack_summary(stack: StackRecord) -> dict[str, Any]:
    return {"StackId": stack.stack_id, "StackName": stack.name,
            "TemplateDescription": stack.description, "CreationTime": stack.created,
            "LastUpdatedTime": stack.updated, "DeletionTime": stack.deleted,
            "StackStatus": stack.status, "StackStatusReason": stack.status_reason,
            "DriftInformation": NOT_CHECKED}


def resource_view(stack: StackRecord, record: ResourceRecord) -> dict[str, Any]:
    """A StackResource (DescribeStackResources)."""
    return {"StackName": stack.name, "StackId": stack.stack_id,
            "LogicalResourceId": record.logical_id, "PhysicalResourceId": record.physical_id,
            "ResourceType": record.resource_type, "Timestamp": record.updated,
            "ResourceStatus": record.status, "ResourceStatusReason": record.status_reason,
            "DriftInformation": RESOURCE_NOT_CHECKED}


def resource_detail(stack: StackRecord, record: ResourceRecord) -> dict[str, Any]:
    """A StackResourceDetail (DescribeStackResource)."""
    metadata = (stack.template.get("Resources", {}).get(record.logical_id) or {}).get("Metadata")
    view = resource_view(stack, record)
    del view["Timestamp"]
    return {**view, "LastUpdatedTimestamp": record.updated,
            "Metadata": None if metadata is None else json.dumps(metadata)}


def resource_summary(record: ResourceRecord) -> dict[str, Any]:
    """A StackResourceSummary (ListStackResources)."""
    return {"LogicalResourceId": record.logical_id, "PhysicalResourceId": record.physical_id,
            "ResourceType": record.resource_type, "LastUpdatedTimestamp": record.updated,
            "ResourceStatus": record.status, "ResourceStatusReason": record.status_reason,
            "DriftInformation": RESOURCE_NOT_CHECKED}

