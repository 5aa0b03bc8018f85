"""The changes a change set lists, worked out against the resources as they stand."""

from __future__ import annotations

from simulator.stacks.cloudformation import CloudFormation
from tests.unit.stacks.fakes import call, changes, importer, template, thing


def test_a_change_set_importing_nothing_fails_naming_the_export(
        service: CloudFormation) -> None:
    created = call(service, "CreateChangeSet", StackName="consumer", ChangeSetName="c",
                   ChangeSetType="CREATE", TemplateBody=importer())
    described = call(service, "DescribeChangeSet", ChangeSetName=created["Id"])
    assert (described["Status"], described["StatusReason"]) == (
        "FAILED", "No export named shared-name found.")


def test_a_property_waiting_for_a_new_resource_makes_the_change_conditional(
        service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"A": thing(Name="a")}))
    created = call(service, "CreateChangeSet", StackName="app", ChangeSetName="c",
                   TemplateBody=template({"A": thing(Name="a", Peer={"Ref": "B"}),
                                          "B": thing(Name="b")}))
    found = {c["LogicalResourceId"]: c for c in changes(service, created["Id"])}
    assert (found["A"]["Action"], found["A"]["Replacement"]) == ("Modify", "Conditional")
    assert found["B"]["Action"] == "Add"
