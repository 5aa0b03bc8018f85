"""AWS::IAM::Role, Policy and ManagedPolicy's API calls, against a fake IAM."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.iam_resources import (
    ManagedPolicyProvisioner,
    PolicyProvisioner,
    RoleProvisioner,
    inline_policies,
    policy_json,
    principals,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

ROLE = {"RoleName": "r", "Arn": "arn:aws:iam::123456789012:role/r", "RoleId": "AROA"}
TRUST = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": {"Service": "lambda.amazonaws.com"}}]}
POLICY_ARN = "arn:aws:iam::123456789012:policy/p"


def test_a_role_is_created_with_its_policies() -> None:
    iam = FakeClient("iam", {"create_role": {"Role": ROLE}})
    provisioned = RoleProvisioner().create(fake_context(iam, logical_id="Role"), {
        "AssumeRolePolicyDocument": TRUST, "MaxSessionDuration": "7200",
        "Tags": [{"Key": "team", "Value": "a"}], "ManagedPolicyArns": ["arn:managed"],
        "Policies": [{"PolicyName": "logs", "PolicyDocument": {"Statement": []}}]})
    assert (provisioned.physical_id, provisioned.attributes) == (
        "r", {"Arn": ROLE["Arn"], "RoleId": "AROA"})
    created = iam.parameters("create_role")
    assert created["RoleName"] == "shop-Role-ABCDEF123456"
    assert created["AssumeRolePolicyDocument"].startswith(
        '{"Version": "2012-10-17", "Statement"')
    assert (created["MaxSessionDuration"], created["Tags"]) == (
        7200, [{"Key": "team", "Value": "a"}])
    assert iam.parameters("put_role_policy") == {
        "RoleName": "shop-Role-ABCDEF123456", "PolicyName": "logs",
        "PolicyDocument": '{"Version": "2012-10-17", "Statement": []}'}
    assert iam.parameters("attach_role_policy")["PolicyArn"] == "arn:managed"


def test_a_role_update_puts_and_removes_policies() -> None:
    iam = FakeClient("iam", {"get_role": {"Role": ROLE}})
    document: dict[str, list[str]] = {"Statement": []}
    old = {"AssumeRolePolicyDocument": document, "ManagedPolicyArns": ["arn:one"],
           "Policies": [{"PolicyName": "a", "PolicyDocument": document}]}
    new = {"AssumeRolePolicyDocument": document, "ManagedPolicyArns": ["arn:two"],
           "Policies": [{"PolicyName": "b", "PolicyDocument": document}]}
    provisioned = RoleProvisioner().update(fake_context(iam), "r", old, new)
    assert provisioned.attributes == {"Arn": ROLE["Arn"], "RoleId": "AROA"}
    operations = iam.operations()
    assert "update_assume_role_policy" not in operations
    assert iam.parameters("delete_role_policy")["PolicyName"] == "a"
    assert iam.parameters("put_role_policy")["PolicyName"] == "b"
    assert iam.parameters("detach_role_policy")["PolicyArn"] == "arn:one"
    assert iam.parameters("attach_role_policy")["PolicyArn"] == "arn:two"


def test_a_role_update_changes_trust_boundary_and_tags() -> None:
    iam = FakeClient("iam", {"get_role": {"Role": ROLE}})
    old = {"AssumeRolePolicyDocument": {}, "PermissionsBoundary": "arn:boundary",
           "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}
    new = {"AssumeRolePolicyDocument": TRUST, "Tags": [{"Key": "b", "Value": "3"}]}
    RoleProvisioner().update(fake_context(iam), "r", old, new)
    assert iam.parameters("update_assume_role_policy")["PolicyDocument"].startswith(
        '{"Version": "2012-10-17", "Statement"')
    assert iam.parameters("update_role") == {"RoleName": "r", "Description": ""}
    assert iam.parameters("delete_role_permissions_boundary") == {"RoleName": "r"}
    assert iam.parameters("untag_role") == {"RoleName": "r", "TagKeys": ["a"]}
    assert iam.parameters("tag_role") == {"RoleName": "r",
                                          "Tags": [{"Key": "b", "Value": "3"}]}


def test_a_role_is_emptied_before_it_is_deleted() -> None:
    iam = FakeClient("iam", {
        "list_attached_role_policies": {"AttachedPolicies": [{"PolicyArn": "arn:m"}]},
        "list_role_policies": {"PolicyNames": ["inline"]},
        "list_instance_profiles_for_role": {"InstanceProfiles": [
            {"InstanceProfileName": "profile"}]}})
    RoleProvisioner().delete(fake_context(iam), "r", {})
    assert [name for name in iam.operations() if not name.startswith("paginate:")] == [
        "detach_role_policy", "delete_role_policy", "list_instance_profiles_for_role",
        "remove_role_from_instance_profile", "delete_role"]
    assert iam.parameters("remove_role_from_instance_profile") == {
        "InstanceProfileName": "profile", "RoleName": "r"}


def test_deleting_a_role_already_gone_succeeds() -> None:
    iam = FakeClient("iam", {"list_attached_role_policies": refusal("NoSuchEntity")})
    ReportingFailures(RoleProvisioner()).delete(fake_context(iam), "r", {})
    assert "delete_role" not in iam.operations()


def test_a_role_name_or_path_replaces_the_role() -> None:
    properties = {"AssumeRolePolicyDocument": TRUST, "RoleName": "r"}
    assert RoleProvisioner().replaces(properties, {**properties, "RoleName": "s"})
    assert RoleProvisioner().replaces(properties, {**properties, "Path": "/svc/"})
    assert not RoleProvisioner().replaces(properties, {**properties, "Description": "d"})


def test_a_role_without_a_trust_policy_fails_validation() -> None:
    with pytest.raises(ResourceFailed, match=r"required key \[AssumeRolePolicyDocument\]"):
        ReportingFailures(RoleProvisioner()).create(fake_context(FakeClient("iam")), {})


def test_policies_name_each_kind_of_principal() -> None:
    assert principals({"Roles": ["r"], "Users": ["u"], "Groups": ["g"]}) == {
        ("role", "r"), ("user", "u"), ("group", "g")}
    assert inline_policies({"Policies": [{"PolicyName": "p", "PolicyDocument": "{}"}]}) == {
        "p": "{}"}


def test_an_inline_policy_goes_on_every_principal() -> None:
    iam = FakeClient("iam")
    provisioned = PolicyProvisioner().create(fake_context(iam, logical_id="Pol"), {
        "PolicyName": "p", "PolicyDocument": {"Statement": []}, "Roles": ["r"],
        "Users": ["u"], "Groups": ["g"]})
    assert provisioned.physical_id == "shop-Pol-ABCDEF123456"
    assert [(name, parameters) for name, parameters in iam.calls] == [
        ("put_group_policy", {"GroupName": "g", "PolicyName": "p",
                              "PolicyDocument": '{"Version": "2012-10-17", "Statement": []}'}),
        ("put_role_policy", {"RoleName": "r", "PolicyName": "p",
                             "PolicyDocument": '{"Version": "2012-10-17", "Statement": []}'}),
        ("put_user_policy", {"UserName": "u", "PolicyName": "p",
                             "PolicyDocument": '{"Version": "2012-10-17", "Statement": []}'})]


def test_an_inline_policy_update_removes_it_where_it_no_longer_goes() -> None:
    iam = FakeClient("iam")
    old = {"PolicyName": "p", "PolicyDocument": {}, "Roles": ["r", "s"]}
    PolicyProvisioner().update(fake_context(iam), "id", old, {**old, "Roles": ["s"]})
    assert iam.all_parameters("delete_role_policy") == [{"RoleName": "r", "PolicyName": "p"}]
    assert iam.all_parameters("put_role_policy")[0]["RoleName"] == "s"
    iam.calls.clear()
    PolicyProvisioner().update(fake_context(iam), "id", old, {**old, "PolicyName": "q"})
    assert [p["RoleName"] for p in iam.all_parameters("delete_role_policy")] == ["r", "s"]
    assert not PolicyProvisioner().replaces(old, {**old, "PolicyName": "q"})


def managed_iam(versions: Sequence[Mapping[str, object]]) -> FakeClient:
    return FakeClient("iam", {
        "create_policy": {"Policy": {"Arn": POLICY_ARN}},
        "get_policy": {"Policy": {"PolicyId": "ANPA", "DefaultVersionId": "v1",
                                  "AttachmentCount": 1}},
        "list_policy_versions": {"Versions": versions}})


def test_a_managed_policy_is_attached_and_answers_its_arn() -> None:
    iam = managed_iam([])
    provisioned = ManagedPolicyProvisioner().create(fake_context(iam), {
        "ManagedPolicyName": "p", "PolicyDocument": {}, "Roles": ["r"]})
    assert provisioned.physical_id == POLICY_ARN
    assert provisioned.attributes["PolicyId"] == "ANPA"
    assert provisioned.attributes["DefaultVersionId"] == "v1"
    assert iam.parameters("attach_role_policy") == {"RoleName": "r", "PolicyArn": POLICY_ARN}


def test_a_changed_document_makes_room_among_five_versions() -> None:
    versions = [{"VersionId": f"v{n}", "IsDefaultVersion": n == 5, "CreateDate": n}
                for n in (3, 1, 2, 4, 5)]
    iam = managed_iam(versions)
    old = {"PolicyDocument": {"Statement": []}, "Users": ["u"]}
    ManagedPolicyProvisioner().update(fake_context(iam), POLICY_ARN, old, {
        "PolicyDocument": {"Statement": [{}]}, "Groups": ["g"]})
    assert iam.parameters("delete_policy_version")["VersionId"] == "v1"
    assert iam.parameters("create_policy_version")["SetAsDefault"] is True
    assert iam.parameters("detach_user_policy") == {"UserName": "u", "PolicyArn": POLICY_ARN}
    assert iam.parameters("attach_group_policy") == {"GroupName": "g", "PolicyArn": POLICY_ARN}
    assert ManagedPolicyProvisioner().replaces(old, {**old, "Description": "d"})


def test_a_managed_policy_loses_attachments_and_versions_before_it_is_deleted() -> None:
    iam = managed_iam([{"VersionId": "v1", "IsDefaultVersion": True},
                       {"VersionId": "v2", "IsDefaultVersion": False}])
    ManagedPolicyProvisioner().delete(fake_context(iam), POLICY_ARN, {"Roles": ["r"]})
    assert iam.operations() == ["detach_role_policy", "list_policy_versions",
                                "delete_policy_version", "delete_policy"]
    assert iam.parameters("delete_policy_version")["VersionId"] == "v2"


def test_a_policy_document_without_a_version_gets_the_current_one_and_others_keep_theirs(
        ) -> None:
    assert policy_json({"Statement": []}) == '{"Version": "2012-10-17", "Statement": []}'
    assert policy_json({"Version": "2008-10-17", "Statement": []}) == \
        '{"Version": "2008-10-17", "Statement": []}'
    assert policy_json('{"Statement": []}') == '{"Statement": []}'  # text is taken as given
