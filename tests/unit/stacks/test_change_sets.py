"""Change sets: CREATE and UPDATE, their Changes, execute, delete, list."""

from __future__ import annotations

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.errors import (
    ChangeSetNotFound,
    InvalidChangeSetStatus,
    ValidationError,
)
from tests.unit.stacks.fakes import (
    FakeCloud,
    call,
    changes,
    stack,
    template,
    thing,
)


def test_a_create_change_set_reviews_then_creates(service: CloudFormation,
                                                  cloud: FakeCloud) -> None:
    created = call(service, "CreateChangeSet", StackName="app", ChangeSetName="first",
                   ChangeSetType="CREATE", TemplateBody=template({"A": thing(Name="a")}))
    assert created["Id"].startswith(
        "arn:aws:cloudformation:us-east-1:123456789012:changeSet/first/")
    assert stack(service, "app")["StackStatus"] == "REVIEW_IN_PROGRESS"
    described = call(service, "DescribeChangeSet", ChangeSetName="first", StackName="app")
    assert (described["Status"], described["ExecutionStatus"]) == ("CREATE_COMPLETE",
                                                                   "AVAILABLE")
    assert [(c["Action"], c["LogicalResourceId"]) for c in changes(service, created["Id"])] == [
        ("Add", "A")]
    assert cloud.things == {}
    call(service, "ExecuteChangeSet", ChangeSetName=created["Id"])
    described_stack = stack(service, "app")
    assert described_stack["StackStatus"] == "CREATE_COMPLETE"
    assert described_stack["ChangeSetId"] == created["Id"]
    assert list(cloud.things) == ["a"]


def test_an_update_change_set_lists_modify_replace_and_remove(service: CloudFormation,
                                                              cloud: FakeCloud) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({
        "InPlace": thing(Name="i", Size=1), "Renamed": thing(Name="r"), "Gone": thing()}))
    created = call(service, "CreateChangeSet", StackName="app", ChangeSetName="next",
                   TemplateBody=template({"InPlace": thing(Name="i", Size=2),
                                          "Renamed": thing(Name="r2"), "Added": thing()}))
    found = {c["LogicalResourceId"]: c for c in changes(service, created["Id"])}
    assert (found["InPlace"]["Action"], found["InPlace"]["Replacement"]) == ("Modify", "False")
    assert found["InPlace"]["Details"][0]["Target"]["Name"] == "Size"
    assert (found["Renamed"]["Action"], found["Renamed"]["Replacement"]) == ("Modify", "True")
    assert found["Gone"]["Action"] == "Remove"
    assert found["Added"]["Action"] == "Add"
    summaries = call(service, "ListChangeSets", StackName="app")["Summaries"]
    assert [s["ChangeSetName"] for s in summaries] == ["next"]
    call(service, "ExecuteChangeSet", ChangeSetName="next", StackName="app")
    assert stack(service, "app")["StackStatus"] == "UPDATE_COMPLETE"
    assert {"i", "r2"} <= set(cloud.things) and "r" not in cloud.things


def test_a_change_set_without_changes_fails_and_cannot_be_executed(
        service: CloudFormation) -> None:
    body = template({"A": thing(Name="a")})
    call(service, "CreateStack", StackName="app", TemplateBody=body)
    created = call(service, "CreateChangeSet", StackName="app", ChangeSetName="same",
                   TemplateBody=body)
    described = call(service, "DescribeChangeSet", ChangeSetName=created["Id"])
    assert described["Status"] == "FAILED"
    assert described["StatusReason"].startswith("The submitted information didn't contain "
                                                "changes.")
    with pytest.raises(InvalidChangeSetStatus):
        call(service, "ExecuteChangeSet", ChangeSetName=created["Id"])
    call(service, "DeleteChangeSet", ChangeSetName=created["Id"])
    with pytest.raises(ChangeSetNotFound, match=r"ChangeSet \[.*\] does not exist"):
        call(service, "DescribeChangeSet", ChangeSetName=created["Id"])


def test_an_update_change_set_needs_the_stack(service: CloudFormation) -> None:
    with pytest.raises(ValidationError, match=r"^Stack \[nope\] does not exist$"):
        call(service, "CreateChangeSet", StackName="nope", ChangeSetName="x",
             TemplateBody=template({"A": thing()}))
