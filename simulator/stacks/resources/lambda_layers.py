"""AWS::Lambda::LayerVersion and AWS::Lambda::LayerVersionPermission: every property of
either needs a new resource, so an update only answers what exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import Immutable, compact, resource_name


def layer_and_number(layer_version_arn: str) -> tuple[str, int]:
    """`arn:...:layer:<name>:<number>` as (layer ARN, version number)."""
    layer, _, number = layer_version_arn.rpartition(":")
    return layer, int(number)


class LayerVersionProvisioner(Immutable):
    """`Ref` is the layer version's ARN."""

    required_properties = frozenset({"Content"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        content = properties["Content"]
        published = context.client("lambda").publish_layer_version(
            LayerName=resource_name(context, properties, "LayerName", 140),
            Content=compact({"S3Bucket": content.get("S3Bucket"),
                             "S3Key": content.get("S3Key"),
                             "S3ObjectVersion": content.get("S3ObjectVersion")}),
            **compact({name: properties.get(name) for name in (
                "Description", "CompatibleRuntimes", "CompatibleArchitectures",
                "LicenseInfo")}))
        return self.update(context, published["LayerVersionArn"], properties, properties)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(physical_id, {"LayerVersionArn": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        layer, number = layer_and_number(physical_id)
        context.client("lambda").delete_layer_version(LayerName=layer, VersionNumber=number)


class LayerVersionPermissionProvisioner(Immutable):
    """`Ref` is `<layer version ARN>#<statement id>`."""

    required_properties = frozenset({"Action", "LayerVersionArn", "Principal"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        layer, number = layer_and_number(str(properties["LayerVersionArn"]))
        statement_id = context.generated_name(100)
        context.client("lambda").add_layer_version_permission(
            LayerName=layer, VersionNumber=number, StatementId=statement_id,
            Action=properties["Action"], Principal=str(properties["Principal"]),
            **compact({"OrganizationId": properties.get("OrganizationId")}))
        return Provisioned(f"{properties['LayerVersionArn']}#{statement_id}",
                           {"Id": f"{properties['LayerVersionArn']}#{statement_id}"})

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(physical_id, {"Id": physical_id})

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        version_arn, _, statement_id = physical_id.rpartition("#")
        layer, number = layer_and_number(version_arn)
        context.client("lambda").remove_layer_version_permission(
            LayerName=layer, VersionNumber=number, StatementId=statement_id)
