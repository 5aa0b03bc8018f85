"""Stacks, events and change sets outlive the store that wrote them."""

from __future__ import annotations

from pathlib import Path

from simulator.stacks.stack_store import ResourceRecord, StackRecord, StackStore


def test_a_stack_its_events_and_change_sets_survive_a_reopen(tmp_path: Path) -> None:
    store = StackStore(tmp_path / "stacks.db")
    stack = StackRecord("arn:stack/app/1", "app", "CREATE_COMPLETE", "us-east-1", "{}",
                        {"Resources": {}})
    stack.resources["A"] = ResourceRecord("A", "T", "CREATE_COMPLETE", "a", attributes={"X": 1})
    store.save(stack)
    store.add_event(stack.stack_id, {"EventId": "1"})
    store.add_event(stack.stack_id, {"EventId": "2"})
    store.save_change_set({"ChangeSetId": "cs", "StackId": stack.stack_id,
                           "ChangeSetName": "n"})
    store.close()
    reopened = StackStore(tmp_path / "stacks.db")
    try:
        found = reopened.live("app")
        assert found == stack
        assert [event["EventId"] for event in reopened.events(stack.stack_id)] == ["2", "1"]
        assert reopened.change_set("cs") == {"ChangeSetId": "cs", "StackId": stack.stack_id,
                                             "ChangeSetName": "n"}
        stack.deleted = "2024-01-01T00:00:00.000Z"
        reopened.save(stack)
        assert reopened.live("app") is None
        assert reopened.all() == [] and reopened.all(include_deleted=True) == [stack]
    finally:
        reopened.close()
