"""Events recorded for stacks and resources, and operations that cannot go on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.stacks.stack_events import EventLog
from simulator.stacks.stack_store import StackRecord, StackStore


@pytest.mark.parametrize(("status", "left"), [
    ("CREATE_IN_PROGRESS", "CREATE_FAILED"), ("DELETE_IN_PROGRESS", "DELETE_FAILED"),
    ("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_ROLLBACK_FAILED"),
    ("REVIEW_IN_PROGRESS", "REVIEW_IN_PROGRESS"), ("CREATE_COMPLETE", "CREATE_COMPLETE"),
])
def test_abandon_fails_only_an_operation_under_way(tmp_path: Path, status: str,
                                                   left: str) -> None:
    store = StackStore(tmp_path / "stacks.db")
    try:
        stack = StackRecord("arn:stack/app/1", "app", status, "us-east-1", "{}", {})
        EventLog(store).abandon(stack, "stopped")
        assert stack.status == left
    finally:
        store.close()


def test_a_resource_event_carries_its_properties_as_json(tmp_path: Path) -> None:
    store = StackStore(tmp_path / "stacks.db")
    try:
        stack = StackRecord("arn:stack/app/1", "app", "CREATE_IN_PROGRESS", "us-east-1", "{}",
                            {})
        EventLog(store).resource(stack, "A", "T", "CREATE_IN_PROGRESS", properties={"X": 1})
        (event,) = store.events(stack.stack_id)
        assert (event["StackName"], event["LogicalResourceId"], event["PhysicalResourceId"]) == (
            "app", "A", "")
        assert json.loads(event["ResourceProperties"]) == {"X": 1}
        assert "ResourceStatusReason" not in event
    finally:
        store.close()
