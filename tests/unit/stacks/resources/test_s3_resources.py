"""AWS::S3::Bucket and AWS::S3::BucketPolicy's API calls and attributes, against a fake
S3."""

from __future__ import annotations

import dataclasses

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.s3_resources import (
    BucketPolicyProvisioner,
    BucketProvisioner,
    bucket_attributes,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal


def test_website_urls_follow_the_regions_endpoint_style() -> None:
    assert bucket_attributes("b", "us-east-1")["WebsiteURL"] == \
        "http://b.s3-website-us-east-1.amazonaws.com"
    assert bucket_attributes("b", "eu-central-1")["WebsiteURL"] == \
        "http://b.s3-website.eu-central-1.amazonaws.com"


def test_a_bucket_answers_cloudformations_attributes() -> None:
    assert bucket_attributes("photos", "eu-west-1") == {
        "Arn": "arn:aws:s3:::photos",
        "DomainName": "photos.s3.amazonaws.com",
        "DualStackDomainName": "photos.s3.dualstack.eu-west-1.amazonaws.com",
        "RegionalDomainName": "photos.s3.eu-west-1.amazonaws.com",
        "WebsiteURL": "http://photos.s3-website-eu-west-1.amazonaws.com"}


def test_a_generated_bucket_name_is_lower_case() -> None:
    s3 = FakeClient("s3")
    provisioned = BucketProvisioner().create(fake_context(s3, logical_id="Photos"), {})
    assert provisioned.physical_id == "shop-photos-abcdef123456"
    assert provisioned.attributes["Arn"] == "arn:aws:s3:::shop-photos-abcdef123456"
    assert s3.calls == [("create_bucket", {"Bucket": "shop-photos-abcdef123456"})]


def test_a_bucket_outside_us_east_1_names_its_region() -> None:
    s3 = FakeClient("s3")
    context = dataclasses.replace(fake_context(s3), region="eu-central-1")
    BucketProvisioner().create(context, {"BucketName": "b", "ObjectLockEnabled": "true",
                                         "VersioningConfiguration": {"Status": "Enabled"}})
    assert s3.parameters("create_bucket") == {
        "Bucket": "b", "CreateBucketConfiguration": {"LocationConstraint": "eu-central-1"},
        "ObjectLockEnabledForBucket": True}
    assert "put_bucket_versioning" in s3.operations()


def test_a_bucket_update_applies_its_settings() -> None:
    s3 = FakeClient("s3")
    provisioned = BucketProvisioner().update(
        fake_context(s3), "b", {}, {"VersioningConfiguration": {"Status": "Suspended"}})
    assert provisioned.physical_id == "b"
    assert s3.parameters("put_bucket_versioning")["Bucket"] == "b"
    assert BucketProvisioner().replaces({"BucketName": "a"}, {"BucketName": "c"})
    assert not BucketProvisioner().replaces({}, {"Tags": [{"Key": "a", "Value": "b"}]})


def test_deleting_a_missing_bucket_succeeds_but_a_full_one_fails() -> None:
    gone = FakeClient("s3", {"delete_bucket": refusal("NoSuchBucket")})
    ReportingFailures(BucketProvisioner()).delete(fake_context(gone), "b", {})
    full = FakeClient("s3", {"delete_bucket": refusal(
        "BucketNotEmpty", "The bucket you tried to delete is not empty", 409)})
    with pytest.raises(ResourceFailed, match="not empty .*Status Code: 409"):
        ReportingFailures(BucketProvisioner()).delete(fake_context(full), "b", {})


def test_a_bucket_policy_is_put_as_json_and_deleted_by_bucket() -> None:
    s3 = FakeClient("s3")
    properties = {"Bucket": "b", "PolicyDocument": {"Statement": []}}
    provisioned = BucketPolicyProvisioner().create(fake_context(s3, logical_id="Policy"),
                                                   properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        "shop-Policy-ABCDEF123456", {"Id": "shop-Policy-ABCDEF123456"})
    assert s3.parameters("put_bucket_policy") == {"Bucket": "b",
                                                  "Policy": '{"Statement": []}'}
    BucketPolicyProvisioner().update(fake_context(s3), "id", properties,
                                     {**properties, "PolicyDocument": "{}"})
    assert s3.all_parameters("put_bucket_policy")[1]["Policy"] == "{}"
    assert BucketPolicyProvisioner().replaces(properties, {**properties, "Bucket": "c"})
    gone = FakeClient("s3", {"delete_bucket_policy": refusal("NoSuchBucketPolicy")})
    ReportingFailures(BucketPolicyProvisioner()).delete(fake_context(gone), "id", properties)
    assert gone.parameters("delete_bucket_policy") == {"Bucket": "b"}
