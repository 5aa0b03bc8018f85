"""One resource's create, update and delete through its provisioner."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.resource_actions import generated_name
from tests.unit.stacks.fakes import (
    FakeCloud,
    call,
    template,
    thing,
)


def test_a_name_not_given_is_generated_from_stack_and_logical_id(
        service: CloudFormation, cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"Thing": thing()}))
    (name,) = cloud.things
    assert name.startswith("app-Thing-") and len(name) == len("app-Thing-") + 12


def test_generated_names_are_cut_to_the_limit_keeping_the_suffix() -> None:
    name = generated_name("a-very-long-stack-name", "LogicalIdentifier", 24)
    assert len(name) == 24
    assert name.startswith("a-very-long-") and name[-13] == "-"


def test_a_provisioners_bug_fails_the_resource_with_its_message(
        service: CloudFormation, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(context: Any, properties: Any) -> Any:
        raise KeyError("Arn")

    monkeypatch.setattr(cloud, "create", broken)
    call(service, "CreateStack", StackName="app", TemplateBody=template({"T": thing()}))
    events = call(service, "DescribeStackEvents", StackName="app")["StackEvents"]
    failed = next(e for e in events if e["ResourceStatus"] == "CREATE_FAILED")
    assert failed["ResourceStatusReason"] == "Internal failure: 'Arn'"
