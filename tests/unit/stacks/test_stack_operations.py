"""The stack calls' checks and answers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.errors import (
    AlreadyExists,
    CloudFormationError,
    ValidationError,
)
from tests.unit.stacks.fakes import (
    FakeCloud,
    call,
    stack,
    template,
    thing,
)


def test_a_stack_name_in_use_is_refused(service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"A": thing()}))
    with pytest.raises(AlreadyExists, match=r"^Stack \[app\] already exists$"):
        call(service, "CreateStack", StackName="app", TemplateBody=template({"A": thing()}))


def test_an_update_without_changes_is_refused(service: CloudFormation) -> None:
    body = template({"A": thing(Name="a")})
    call(service, "CreateStack", StackName="app", TemplateBody=body)
    with pytest.raises(ValidationError, match=r"^No updates are to be performed\.$"):
        call(service, "UpdateStack", StackName="app", TemplateBody=body)
    call(service, "UpdateStack", StackName="app", UsePreviousTemplate=True,
         Tags=[{"Key": "team", "Value": "x"}])
    assert stack(service, "app")["Tags"] == [{"Key": "team", "Value": "x"}]


def test_a_stack_in_rollback_complete_cannot_be_updated(service: CloudFormation) -> None:
    stack_id = call(service, "CreateStack", StackName="app",
                    TemplateBody=template({"A": thing(Fail="create")}))["StackId"]
    with pytest.raises(ValidationError) as raised:
        call(service, "UpdateStack", StackName="app", TemplateBody=template({"A": thing()}))
    assert raised.value.message == (f"Stack:{stack_id} is in ROLLBACK_COMPLETE state and can "
                                    "not be updated.")


def test_describe_stack_resource_and_resources(service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({
        "A": {**thing(Name="a"), "Metadata": {"note": 1}}}))
    detail = call(service, "DescribeStackResource", StackName="app",
                  LogicalResourceId="A")["StackResourceDetail"]
    assert (detail["PhysicalResourceId"], detail["ResourceStatus"]) == ("a", "CREATE_COMPLETE")
    assert json.loads(detail["Metadata"]) == {"note": 1}
    by_physical = call(service, "DescribeStackResources", PhysicalResourceId="a")
    assert [r["LogicalResourceId"] for r in by_physical["StackResources"]] == ["A"]
    with pytest.raises(ValidationError, match="^Resource B does not exist for stack app$"):
        call(service, "DescribeStackResource", StackName="app", LogicalResourceId="B")


def test_list_stacks_filters_by_status(service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="kept", TemplateBody=template({"A": thing()}))
    call(service, "CreateStack", StackName="gone", TemplateBody=template({"A": thing()}))
    call(service, "DeleteStack", StackName="gone")
    summaries = call(service, "ListStacks", StackStatusFilter=["DELETE_COMPLETE"])
    assert [s["StackName"] for s in summaries["StackSummaries"]] == ["gone"]
    assert [s["StackName"] for s in call(service, "DescribeStacks")["Stacks"]] == ["kept"]


def test_errors_carry_cloudformation_codes(service: CloudFormation) -> None:
    with pytest.raises(CloudFormationError) as raised:
        call(service, "CreateStack", StackName="1bad", TemplateBody=template({"A": thing()}))
    assert raised.value.code == "ValidationError"
    assert "Member must satisfy regular expression pattern" in raised.value.message


def test_a_crash_in_the_worker_fails_the_stack_instead_of_leaving_it_in_progress(
        service: CloudFormation, cloud: FakeCloud, monkeypatch: pytest.MonkeyPatch) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"T": thing(Name="a")}))

    def broken(old: Any, new: Any) -> bool:
        raise RuntimeError("provisioner bug")

    monkeypatch.setattr(cloud, "replaces", broken)
    call(service, "UpdateStack", StackName="app", TemplateBody=template({"T": thing(Name="b")}))
    described = stack(service, "app")
    assert described["StackStatus"] == "UPDATE_ROLLBACK_FAILED"
    assert described["StackStatusReason"] == "Internal failure: provisioner bug"
