"""AWS::Lambda::LayerVersion and LayerVersionPermission's API calls, against a fake
Lambda."""

from __future__ import annotations

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.lambda_layers import (
    LayerVersionPermissionProvisioner,
    LayerVersionProvisioner,
    layer_and_number,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:shared"


def test_a_layer_version_arn_splits_into_layer_and_number() -> None:
    assert layer_and_number(f"{LAYER}:3") == (LAYER, 3)


def test_a_layer_version_is_published_and_answers_its_arn() -> None:
    client = FakeClient("lambda", {"publish_layer_version": {"LayerVersionArn": f"{LAYER}:1"}})
    provisioned = LayerVersionProvisioner().create(fake_context(client, logical_id="Shared"), {
        "Content": {"S3Bucket": "b", "S3Key": "k"}, "CompatibleRuntimes": ["python3.12"],
        "Description": None})
    assert (provisioned.physical_id, provisioned.attributes) == (
        f"{LAYER}:1", {"LayerVersionArn": f"{LAYER}:1"})
    assert client.parameters("publish_layer_version") == {
        "LayerName": "shop-Shared-ABCDEF123456", "Content": {"S3Bucket": "b", "S3Key": "k"},
        "CompatibleRuntimes": ["python3.12"]}


def test_every_layer_change_is_a_new_version() -> None:
    properties = {"LayerName": "shared", "Content": {"S3Bucket": "b", "S3Key": "k"}}
    assert LayerVersionProvisioner().replaces(properties, {**properties, "Description": "d"})
    assert not LayerVersionProvisioner().replaces(properties, dict(properties))


def test_a_layer_version_is_deleted_by_layer_and_number() -> None:
    client = FakeClient("lambda")
    LayerVersionProvisioner().delete(fake_context(client), f"{LAYER}:4", {})
    assert client.calls == [("delete_layer_version", {"LayerName": LAYER, "VersionNumber": 4})]
    gone = FakeClient("lambda", {"delete_layer_version": refusal("ResourceNotFoundException")})
    ReportingFailures(LayerVersionProvisioner()).delete(fake_context(gone), f"{LAYER}:4", {})


def test_a_layer_without_content_fails_validation() -> None:
    with pytest.raises(ResourceFailed, match=r"required key \[Content\]"):
        ReportingFailures(LayerVersionProvisioner()).create(fake_context(FakeClient("lambda")),
                                                            {"LayerName": "x"})


def test_a_layer_permission_is_a_statement_on_the_version() -> None:
    client = FakeClient("lambda")
    properties = {"LayerVersionArn": f"{LAYER}:2", "Action": "lambda:GetLayerVersion",
                  "Principal": "*", "OrganizationId": "o-1"}
    provisioned = LayerVersionPermissionProvisioner().create(
        fake_context(client, logical_id="Share"), properties)
    reference = f"{LAYER}:2#shop-Share-ABCDEF123456"
    assert (provisioned.physical_id, provisioned.attributes) == (reference, {"Id": reference})
    assert client.parameters("add_layer_version_permission") == {
        "LayerName": LAYER, "VersionNumber": 2, "StatementId": "shop-Share-ABCDEF123456",
        "Action": "lambda:GetLayerVersion", "Principal": "*", "OrganizationId": "o-1"}
    LayerVersionPermissionProvisioner().delete(fake_context(client), reference, properties)
    assert client.parameters("remove_layer_version_permission") == {
        "LayerName": LAYER, "VersionNumber": 2, "StatementId": "shop-Share-ABCDEF123456"}
    assert LayerVersionPermissionProvisioner().replaces(properties,
                                                        {**properties, "Principal": "1"})
