"""Stacks and resources in the shapes the Describe calls answer with."""

from __future__ import annotations

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.stack_views import parameters_view
from tests.unit.stacks.fakes import call, stack, template, thing


def test_no_echo_values_are_masked_when_described() -> None:
    declared = {"Parameters": {"Secret": {"Type": "String", "NoEcho": True}}}
    assert parameters_view(declared, {"Secret": "s3cr3t"}, {}) == [
        {"ParameterKey": "Secret", "ParameterValue": "****"}]


def test_a_stack_without_outputs_has_none_and_drift_is_not_checked(
        service: CloudFormation) -> None:
    call(service, "CreateStack", StackName="app", TemplateBody=template({"A": thing()}),
         Tags=[{"Key": "k", "Value": "v"}])
    described = stack(service, "app")
    assert "Outputs" not in described
    assert described["DriftInformation"] == {"StackDriftStatus": "NOT_CHECKED"}
    assert described["Tags"] == [{"Key": "k", "Value": "v"}]
    (summary,) = call(service, "ListStackResources", StackName="app")["StackResourceSummaries"]
    assert summary["DriftInformation"] == {"StackResourceDriftStatus": "NOT_CHECKED"}
