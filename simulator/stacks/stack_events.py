"""Every transition of a stack and of its resources, recorded as the event
DescribeStackEvents lists, with the stack's status saved alongside."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from simulator.stacks.stack_store import StackRecord, StackStore, now

STACK_TYPE = "AWS::CloudFormation::Stack"
# The status an operation that cannot go on leaves its stack in (any update phase: the last).
ABANDONED = {"CREATE_IN_PROGRESS": "CREATE_FAILED", "ROLLBACK_IN_PROGRESS": "ROLLBACK_FAILED",
             "DELETE_IN_PROGRESS": "DELETE_FAILED"}


class EventLog:
    def __init__(self, store: StackStore) -> None:
        self._store = store

    def resource(self, stack: StackRecord, logical_id: str, resource_type: str, status: str,
                 physical_id: str | None = None, reason: str | None = None,
                 properties: Mapping[str, Any] | None = None) -> None:
        event: dict[str, Any] = {
            "StackId": stack.stack_id, "EventId": str(uuid.uuid4()), "StackName": stack.name,
            "LogicalResourceId": logical_id, "PhysicalResourceId": physical_id or "",
            "ResourceType": resource_type, "Timestamp": now(), "ResourceStatus": status,
        }
        if reason:
            event["ResourceStatusReason"] = reason
        if properties is not None:
            event["ResourceProperties"] = json.dumps(properties)
        self._store.add_event(stack.stack_id, event)

    def stack_status(self, stack: StackRecord, status: str, reason: str | None = None) -> None:
        """The stack's new status, saved, and its event."""
        stack.status = status
        stack.status_reason = reason
        self._store.save(stack)
        self.resource(stack, stack.name, STACK_TYPE, status, stack.stack_id, reason)

    def abandon(self, stack: StackRecord, reason: str) -> None:
        """Fails the operation under way on `stack`, if one is (a review waits for no one)."""
        if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
            self.stack_status(stack, ABANDONED.get(stack.status, "UPDATE_ROLLBACK_FAILED"),
                              reason)
