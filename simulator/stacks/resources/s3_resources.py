"""AWS::S3::Bucket (`Ref` is its name) and AWS::S3::BucketPolicy. Deleting a bucket that
still holds objects fails with S3's own error, as it does in CloudFormation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import ReplacedByProperties, as_bool, as_json
from simulator.stacks.resources.s3_configuration import apply_settings

# Regions whose website endpoints are `s3-website-<region>`; the rest use `s3-website.<region>`.
DASHED_WEBSITE_REGIONS = frozenset({
    "us-east-1", "us-west-1", "us-west-2", "eu-west-1", "ap-southeast-1", "ap-southeast-2",
    "ap-northeast-1", "sa-east-1", "us-gov-west-1"})


def bucket_attributes(name: str, region: str) -> dict[str, str]:
    website = f"s3-website-{region}" if region in DASHED_WEBSITE_REGIONS \
        else f"s3-website.{region}"
    return {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
        "WebsiteURL": f"http://{name}.{website}.amazonaws.com",
    }


class BucketProvisioner(ReplacedByProperties):
    replacement_properties = frozenset({"BucketName", "ObjectLockEnabled"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        s3 = context.client("s3")
        name = str(properties.get("BucketName") or context.generated_name(63).lower())
        options: dict[str, Any] = {}
        if context.region != "us-east-1":
            options["CreateBucketConfiguration"] = {"LocationConstraint": context.region}
        if properties.get("ObjectLockEnabled") is not None:
            options["ObjectLockEnabledForBucket"] = as_bool(properties["ObjectLockEnabled"])
        s3.create_bucket(Bucket=name, **options)
        apply_settings(s3, name, {}, properties)
        return Provisioned(name, bucket_attributes(name, context.region))

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        apply_settings(context.client("s3"), physical_id, old_properties, new_properties)
        return Provisioned(physical_id, bucket_attributes(physical_id, context.region))

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("s3").delete_bucket(Bucket=physical_id)


class BucketPolicyProvisioner(ReplacedByProperties):
    """`Ref` is an id CloudFormation generates."""

    required_properties = frozenset({"Bucket", "PolicyDocument"})
    replacement_properties = frozenset({"Bucket"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self._put(context, properties)
        policy_id = context.generated_name(64)
        return Provisioned(policy_id, {"Id": policy_id})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        self._put(context, new_properties)
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("s3").delete_bucket_policy(Bucket=properties["Bucket"])

    @staticmethod
    def _put(context: ProvisioningContext, properties: Mapping[str, Any]) -> None:
        context.client("s3").put_bucket_policy(Bucket=properties["Bucket"],
                                               Policy=as_json(properties["PolicyDocument"]))
