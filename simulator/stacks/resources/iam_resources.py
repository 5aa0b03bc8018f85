"""AWS::IAM::Role (with its inline `Policies` and `ManagedPolicyArns`), AWS::IAM::Policy (an
inline policy put on roles, users and groups) and AWS::IAM::ManagedPolicy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import (
    ReplacedByProperties,
    as_int,
    as_json,
    compact,
    resource_name,
    tag_list,
)

PRINCIPAL_KINDS = (("Roles", "role"), ("Users", "user"), ("Groups", "group"))

log = logging.getLogger(__name__)


def policy_json(document: Any) -> str:
    """A policy document as IAM takes it. IAM accepts one without a `Version` (SAM's policy
    templates have none), reading it as the oldest language version; the embedded IAM
    insists on one, so the current version is given."""
    if isinstance(document, Mapping) and "Version" not in document:
        document = {"Version": "2012-10-17", **document}
    return str(as_json(document))


def inline_policies(properties: Mapping[str, Any]) -> dict[str, str]:
    return {str(p["PolicyName"]): policy_json(p["PolicyDocument"])
            for p in properties.get("Policies") or ()}


class RoleProvisioner(ReplacedByProperties):
    """`Ref` is the role's name; `Arn` and `RoleId` its attributes."""

    required_properties = frozenset({"AssumeRolePolicyDocument"})
    replacement_properties = frozenset({"RoleName", "Path"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        iam = context.client("iam")
        name = resource_name(context, properties, "RoleName", 64)
        role = iam.create_role(
            RoleName=name,
            AssumeRolePolicyDocument=policy_json(properties["AssumeRolePolicyDocument"]),
            **compact({"Path": properties.get("Path"),
                       "Description": properties.get("Description"),
                       "MaxSessionDuration": as_int(properties.get("MaxSessionDuration")),
                       "PermissionsBoundary": properties.get("PermissionsBoundary"),
                       "Tags": tag_list(properties.get("Tags")) or None}))["Role"]
        self._reconcile(iam, name, {}, properties)
        return self._provisioned(role)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        iam = context.client("iam")
        if old_properties.get("AssumeRolePolicyDocument") != \
                new_properties.get("AssumeRolePolicyDocument"):
            iam.update_assume_role_policy(
                RoleName=physical_id,
                PolicyDocument=policy_json(new_properties["AssumeRolePolicyDocument"]))
        iam.update_role(RoleName=physical_id,
                        Description=new_properties.get("Description", ""),
                        **compact({"MaxSessionDuration":
                                   as_int(new_properties.get("MaxSessionDuration"))}))
        boundary = new_properties.get("PermissionsBoundary")
        if boundary != old_properties.get("PermissionsBoundary"):
            if boundary:
                iam.put_role_permissions_boundary(RoleName=physical_id,
                                                  PermissionsBoundary=boundary)
            else:
                iam.delete_role_permissions_boundary(RoleName=physical_id)
        old_tags = {t["Key"] for t in tag_list(old_properties.get("Tags"))}
        new_tags = tag_list(new_properties.get("Tags"))
        gone = sorted(old_tags - {t["Key"] for t in new_tags})
        if gone:
            iam.untag_role(RoleName=physical_id, TagKeys=gone)
        if new_tags:
            iam.tag_role(RoleName=physical_id, Tags=new_tags)
        self._reconcile(iam, physical_id, old_properties, new_properties)
        return self._provisioned(iam.get_role(RoleName=physical_id)["Role"])

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        """IAM refuses to delete a role that still has policies or instance profiles."""
        iam = context.client("iam")
        for page in iam.get_paginator("list_attached_role_policies").paginate(
                RoleName=physical_id):
            for policy in page["AttachedPolicies"]:
                iam.detach_role_policy(RoleName=physical_id, PolicyArn=policy["PolicyArn"])
        for page in iam.get_paginator("list_role_policies").paginate(RoleName=physical_id):
            for name in page["PolicyNames"]:
                iam.delete_role_policy(RoleName=physical_id, PolicyName=name)
        for profile in iam.list_instance_profiles_for_role(
                RoleName=physical_id)["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(
                InstanceProfileName=profile["InstanceProfileName"], RoleName=physical_id)
        iam.delete_role(RoleName=physical_id)

    @staticmethod
    def _reconcile(iam: Any, name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
        """Puts the inline and managed policies the template now lists, removes the rest."""
        old_inline, new_inline = inline_policies(old), inline_policies(new)
        for policy_name in old_inline.keys() - new_inline.keys():
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        for policy_name, document in new_inline.items():
            if old_inline.get(policy_name) != document:
                iam.put_role_policy(RoleName=name, PolicyName=policy_name,
                                    PolicyDocument=document)
        old_managed = set(old.get("ManagedPolicyArns") or ())
        new_managed = set(new.get("ManagedPolicyArns") or ())
        for arn in sorted(old_managed - new_managed):
            iam.detach_role_policy(RoleName=name, PolicyArn=arn)
        for arn in sorted(new_managed - old_managed):
            attach_managed_policy(iam, name, arn)

    @staticmethod
    def _provisioned(role: Mapping[str, Any]) -> Provisioned:
        return Provisioned(role["RoleName"], {"Arn": role["Arn"], "RoleId": role["RoleId"]})


class PolicyProvisioner:
    """An inline policy under one name on each listed role, user and group; `Ref` is an id
    CloudFormation generates."""

    required_properties = frozenset({"PolicyDocument", "PolicyName"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._put(context.client("iam"), properties)
        policy_id = context.generated_name(64)
        return Provisioned(policy_id, {"Id": policy_id})

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        iam = context.client("iam")
        kept = principals(new_properties) if \
            old_properties.get("PolicyName") == new_properties.get("PolicyName") else set()
        self._remove(iam, old_properties, principals(old_properties) - kept)
        self._put(iam, new_properties)
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        self._remove(context.client("iam"), properties, principals(properties))

    @staticmethod
    def _put(iam: Any, properties: Mapping[str, Any]) -> None:
        document = policy_json(properties["PolicyDocument"])
        for kind, name in sorted(principals(properties)):
            getattr(iam, f"put_{kind}_policy")(
                **{f"{kind.capitalize()}Name": name}, PolicyName=properties["PolicyName"],
                PolicyDocument=document)

    @staticmethod
    def _remove(iam: Any, properties: Mapping[str, Any], where: set[tuple[str, str]]) -> None:
        for kind, name in sorted(where):
            getattr(iam, f"delete_{kind}_policy")(
                **{f"{kind.capitalize()}Name": name}, PolicyName=properties["PolicyName"])


def principals(properties: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, name) of every role, user and group a policy property lists."""
    return {(kind, str(name)) for prop, kind in PRINCIPAL_KINDS
            for name in properties.get(prop) or ()}


class ManagedPolicyProvisioner(ReplacedByProperties):
    """`Ref` is the policy's ARN; a changed document becomes the new default version."""

    required_properties = frozenset({"PolicyDocument"})
    replacement_properties = frozenset({"ManagedPolicyName", "Path", "Description"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        iam = context.client("iam")
        policy = iam.create_policy(
            PolicyName=resource_name(context, properties, "ManagedPolicyName", 128),
            PolicyDocument=policy_json(properties["PolicyDocument"]),
            **compact({"Path": properties.get("Path"),
                       "Description": properties.get("Description")}))["Policy"]
        self._attach(iam, policy["Arn"], principals(properties))
        return self._provisioned(iam, policy["Arn"])

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        iam = context.client("iam")
        if old_properties.get("PolicyDocument") != new_properties.get("PolicyDocument"):
            versions = iam.list_policy_versions(PolicyArn=physical_id)["Versions"]
            older = sorted((v for v in versions if not v["IsDefaultVersion"]),
                           key=lambda v: v["CreateDate"])
            if len(versions) >= 5:  # IAM keeps at most five versions of a policy
                iam.delete_policy_version(PolicyArn=physical_id,
                                          VersionId=older[0]["VersionId"])
            iam.create_policy_version(PolicyArn=physical_id, SetAsDefault=True,
                                      PolicyDocument=policy_json(new_properties["PolicyDocument"]))
        old, new = principals(old_properties), principals(new_properties)
        self._detach(iam, physical_id, old - new)
        self._attach(iam, physical_id, new - old)
        return self._provisioned(iam, physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        iam = context.client("iam")
        self._detach(iam, physical_id, principals(properties))
        for version in iam.list_policy_versions(PolicyArn=physical_id)["Versions"]:
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=physical_id, VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=physical_id)

    @staticmethod
    def _attach(iam: Any, arn: str, where: set[tuple[str, str]]) -> None:
        for kind, name in sorted(where):
            getattr(iam, f"attach_{kind}_policy")(**{f"{kind.capitalize()}Name": name},
                                                  PolicyArn=arn)

    @staticmethod
    def _detach(iam: Any, arn: str, where: set[tuple[str, str]]) -> None:
        for kind, name in sorted(where):
            getattr(iam, f"detach_{kind}_policy")(**{f"{kind.capitalize()}Name": name},
                                                  PolicyArn=arn)

    @staticmethod
    def _provisioned(iam: Any, arn: str) -> Provisioned:
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        return Provisioned(arn, {
            "PolicyArn": arn, "PolicyId": policy["PolicyId"],
            "AttachmentCount": policy.get("AttachmentCount", 0),
            "DefaultVersionId": policy["DefaultVersionId"],
            "IsAttachable": policy.get("IsAttachable", True),
            "CreateDate": str(policy.get("CreateDate", "")),
            "UpdateDate": str(policy.get("UpdateDate", ""))})


AWS_MANAGED_POLICY = "arn:aws:iam::aws:policy/"


def attach_managed_policy(iam: Any, role_name: str, arn: str) -> None:
    """Attach a managed policy. An AWS managed policy the embedded IAM does not hold (it
    loads AWS's catalogue only when asked, which costs memory) is left out with a log line:
    nothing locally is granted or denied by it, and templates name them all the time."""
    from botocore.exceptions import ClientError

    try:
        iam.attach_role_policy(RoleName=role_name, PolicyArn=arn)
    except ClientError as error:
        missing = error.response.get("Error", {}).get("Code") == "NoSuchEntity"
        if not (missing and arn.startswith(AWS_MANAGED_POLICY)):
            raise
        log.info("role %s: AWS managed policy %s is not in the embedded IAM; not attached",
                 role_name, arn)
