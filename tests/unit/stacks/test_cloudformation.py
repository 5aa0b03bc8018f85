"""The composed service: its calls, and stacks a stop left in progress."""

from __future__ import annotations

from pathlib import Path

from simulator.botocore_models import service_model
from simulator.stacks.cloudformation import CloudFormation
from tests.unit.stacks.fakes import (
    FakeCloud,
    call,
    cloudformation,
    stack,
    template,
    thing,
)


def test_a_stack_left_in_progress_by_a_stop_is_failed_on_start(tmp_path: Path,
                                                              cloud: FakeCloud) -> None:
    first = cloudformation(tmp_path, cloud)
    call(first, "CreateStack", StackName="app", TemplateBody=template({"A": thing()}))
    record = first.store.live("app")
    assert record is not None
    record.status = "UPDATE_IN_PROGRESS"
    first.store.save(record)
    first.close()
    second = cloudformation(tmp_path, cloud)
    try:
        described = stack(second, "app")
        assert described["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
        assert "stopped" in described["StackStatusReason"]
    finally:
        second.close()


def test_every_call_served_is_a_cloudformation_operation(service: CloudFormation) -> None:
    modeled = set(service_model("cloudformation").operation_names)
    assert set(service.operations()) <= modeled
    assert {"CreateStack", "CreateChangeSet", "ListExports"} <= set(service.operations())
