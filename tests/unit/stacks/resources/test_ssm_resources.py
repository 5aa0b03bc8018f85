"""AWS::SSM::Parameter's API calls and attributes, against a fake Systems Manager."""

from __future__ import annotations

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.ssm_resources import ParameterProvisioner
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal


def test_a_parameter_answers_its_name_type_and_value() -> None:
    ssm = FakeClient("ssm")
    provisioned = ParameterProvisioner().create(fake_context(ssm), {
        "Name": "/shop/size", "Type": "String", "Value": 5, "Description": "d",
        "Tags": {"team": "a", "tier": 1}})
    assert (provisioned.physical_id, provisioned.attributes) == (
        "/shop/size", {"Type": "String", "Value": "5"})
    assert ssm.parameters("put_parameter") == {
        "Name": "/shop/size", "Value": "5", "Type": "String", "Description": "d",
        "Tags": [{"Key": "team", "Value": "a"}, {"Key": "tier", "Value": "1"}]}


def test_a_parameter_without_a_name_gets_the_generated_one() -> None:
    ssm = FakeClient("ssm")
    provisioned = ParameterProvisioner().create(fake_context(ssm, logical_id="Size"), {
        "Type": "StringList", "Value": "a,b"})
    assert provisioned.physical_id == "shop-Size-ABCDEF123456"
    assert ssm.parameters("put_parameter") == {"Name": "shop-Size-ABCDEF123456",
                                               "Value": "a,b", "Type": "StringList"}


def test_an_update_overwrites_the_value_and_only_a_new_name_replaces() -> None:
    ssm = FakeClient("ssm")
    old = {"Name": "/shop/size", "Type": "String", "Value": "5"}
    provisioned = ParameterProvisioner().update(fake_context(ssm), "/shop/size", old,
                                                {**old, "Value": "6"})
    assert provisioned.attributes == {"Type": "String", "Value": "6"}
    assert ssm.parameters("put_parameter") == {"Name": "/shop/size", "Overwrite": True,
                                               "Value": "6", "Type": "String"}
    assert ParameterProvisioner().replaces(old, {**old, "Name": "/shop/other"})
    assert not ParameterProvisioner().replaces(old, {**old, "Value": "6"})


def test_a_parameter_without_a_value_fails_validation() -> None:
    with pytest.raises(ResourceFailed, match=r"resource Size with message: #: required key "
                                             r"\[Value\] not found"):
        ReportingFailures(ParameterProvisioner()).create(
            fake_context(FakeClient("ssm"), logical_id="Size"), {"Type": "String"})



def test_a_parameter_is_deleted_by_its_name() -> None:
    ssm = FakeClient("ssm")
    ParameterProvisioner().delete(fake_context(ssm), "/shop/size", {"Type": "String"})
    assert ssm.calls == [("delete_parameter", {"Name": "/shop/size"})]


def test_deleting_a_parameter_already_gone_succeeds() -> None:
    gone = FakeClient("ssm", {"delete_parameter": refusal("ParameterNotFound")})
    ReportingFailures(ParameterProvisioner()).delete(fake_context(gone), "/shop/size", {})
