"""The stack workflows (create, update, delete and their rollbacks) over a fake cloud."""

from __future__ import annotations

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.errors import (
    ValidationError,
)
from tests.unit.stacks.fakes import (
    REGION,
    FakeCloud,
    call,
    stack,
    statuses,
    template,
    thing,
)


def test_create_provisions_in_dependency_order_and_answers_outputs(
        service: CloudFormation, cloud: FakeCloud) -> None:
    body = template({
        "Second": thing(Name={"Fn::Sub": "${First}-2"}, Source={"Fn::GetAtt": ["First", "Arn"]}),
        "First": thing(Name="one"),
    }, Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Second", "Arn"]}, "Description": "second"}})
    stack_id = call(service, "CreateStack", StackName="app", TemplateBody=body)["StackId"]
    assert stack_id.startswith(f"arn:aws:cloudformation:{REGION}:123456789012:stack/app/")
    described = stack(service, "app")
    assert described["StackStatus"] == "CREATE_COMPLETE"
    assert described["Outputs"] == [{"OutputKey": "Arn", "OutputValue": "arn:test:thing/one-2",
                                     "Description": "second"}]
    assert cloud.calls == [("create", "First"), ("create", "Second")]
    assert cloud.things["one-2"]["Source"] == "arn:test:thing/one"
    assert statuses(service, "app") == [
        ("app", "CREATE_IN_PROGRESS"), ("First", "CREATE_IN_PROGRESS"),
        ("First", "CREATE_COMPLETE"), ("Second", "CREATE_IN_PROGRESS"),
        ("Second", "CREATE_COMPLETE"), ("app", "CREATE_COMPLETE")]


def test_a_failed_resource_rolls_the_create_back(service: CloudFormation,
                                                 cloud: FakeCloud) -> None:
    body = template({"Good": thing(Name="good"),
                     "Bad": {**thing(Fail="create"), "DependsOn": "Good"}})
    call(service, "CreateStack", StackName="app", TemplateBody=body)
    described = stack(service, "app")
    assert described["StackStatus"] == "ROLLBACK_COMPLETE"
    assert cloud.things == {}
    events = call(service, "DescribeStackEvents", StackName="app")["StackEvents"]
    failed = next(event for event in events if event["ResourceStatus"] == "CREATE_FAILED")
    assert failed["LogicalResourceId"] == "Bad"
    assert failed["ResourceStatusReason"] == "Bad refused to be created"
    rollback = next(event for event in events
                    if event["ResourceStatus"] == "ROLLBACK_IN_PROGRESS")
    assert rollback["ResourceStatusReason"] == ("The following resource(s) failed to create: "
                                                "[Bad]. Rollback requested by user.")
    assert ("Good", "DELETE_COMPLETE") in statuses(service, "app")


def test_on_failure_do_nothing_keeps_what_was_made(service: CloudFormation,
                                                   cloud: FakeCloud) -> None:
    body = template({"Good": thing(Name="good"), "Bad": {**thing(Fail="create"),
                                                         "DependsOn": "Good"}})
    call(service, "CreateStack", StackName="app", TemplateBody=body, OnFailure="DO_NOTHING")
    assert stack(service, "app")["StackStatus"] == "CREATE_FAILED"
    assert list(cloud.things) == ["good"]


def test_an_unsupported_resource_type_fails_the_deploy_naming_it(
        service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="app",
         TemplateBody=template({"Odd": {"Type": "AWS::Made::Up"}}))
    events = call(service, "DescribeStackEvents", StackName="app")["StackEvents"]
    failed = next(event for event in events if event["ResourceStatus"] == "CREATE_FAILED")
    assert "AWS::Made::Up" in failed["ResourceStatusReason"]
    assert stack(service, "app")["StackStatus"] == "ROLLBACK_COMPLETE"


def test_delete_removes_resources_in_reverse_order(service: CloudFormation,
                                                   cloud: FakeCloud) -> None:
    body = template({"Child": thing(Parent={"Ref": "Parent"}), "Parent": thing(Name="p")})
    stack_id = call(service, "CreateStack", StackName="app", TemplateBody=body)["StackId"]
    call(service, "DeleteStack", StackName="app")
    assert cloud.things == {}
    assert cloud.calls[-2:] == [("delete", "Child"), ("delete", "Parent")]
    with pytest.raises(ValidationError, match="^Stack with id app does not exist$"):
        call(service, "DescribeStacks", StackName="app")
    assert stack(service, stack_id)["StackStatus"] == "DELETE_COMPLETE"
    assert call(service, "DeleteStack", StackName="app") == {}


def test_retained_resources_outlive_the_stack(service: CloudFormation,
                                              cloud: FakeCloud) -> None:
    body = template({"Kept": {**thing(Name="kept"), "DeletionPolicy": "Retain"}})
    call(service, "CreateStack", StackName="app", TemplateBody=body)
    call(service, "DeleteStack", StackName="app")
    assert list(cloud.things) == ["kept"]


def test_update_in_place_adds_and_removes(service: CloudFormation, cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="app",
         TemplateBody=template({"Kept": thing(Name="k", Size=1), "Gone": thing(Name="g")}))
    call(service, "UpdateStack", StackName="app",
         TemplateBody=template({"Kept": thing(Name="k", Size=2), "New": thing(Name="n")}))
    assert stack(service, "app")["StackStatus"] == "UPDATE_COMPLETE"
    assert cloud.things == {"k": {"Name": "k", "Size": 2}, "n": {"Name": "n"}}
    assert ("app", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS") in statuses(service, "app")
    assert ("update", "Kept") in cloud.calls


def test_a_replacement_creates_the_new_resource_before_deleting_the_old(
        service: CloudFormation, cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"T": thing(Name="a")}))
    call(service, "UpdateStack", StackName="app", TemplateBody=template({"T": thing(Name="b")}))
    assert list(cloud.things) == ["b"]
    assert cloud.calls == [("create", "T"), ("create", "T"), ("delete", "T")]
    resources = call(service, "ListStackResources", StackName="app")["StackResourceSummaries"]
    assert [resource["PhysicalResourceId"] for resource in resources] == ["b"]


def test_a_failed_update_rolls_back_to_the_old_properties(service: CloudFormation,
                                                          cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="app",
         TemplateBody=template({"A": thing(Name="a", Size=1)}))
    call(service, "UpdateStack", StackName="app", TemplateBody=template({
        "A": thing(Name="a", Size=2), "B": {**thing(Fail="create"), "DependsOn": "A"}}))
    described = stack(service, "app")
    assert described["StackStatus"] == "UPDATE_ROLLBACK_COMPLETE"
    assert cloud.things == {"a": {"Name": "a", "Size": 1}}
    assert ("app", "UPDATE_ROLLBACK_IN_PROGRESS") in statuses(service, "app")
    template_body = call(service, "GetTemplate", StackName="app")["TemplateBody"]
    assert "Fail" not in template_body
