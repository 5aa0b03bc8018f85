"""AWS::SSM::Parameter: `Ref` is the parameter's name; `Type` and `Value` its attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext
from simulator.stacks.resources.properties import ReplacedByProperties, compact, resource_name

SETTINGS = ("Description", "AllowedPattern", "Tier", "Policies", "DataType")


class ParameterProvisioner(ReplacedByProperties):
    required_properties = frozenset({"Type", "Value"})
    replacement_properties = frozenset({"Name"})

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        ssm = context.client("ssm")
        name = resource_name(context, properties, "Name", 2048)
        tags = properties.get("Tags") or {}
        ssm.put_parameter(Name=name, **self._parameters(properties), **compact({
            "Tags": [{"Key": str(k), "Value": str(v)} for k, v in tags.items()] or None}))
        return self._provisioned(name, properties)

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        context.client("ssm").put_parameter(Name=physical_id, Overwrite=True,
                                            **self._parameters(new_properties))
        return self._provisioned(physical_id, new_properties)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        context.client("ssm").delete_parameter(Name=physical_id)

    @staticmethod
    def _parameters(properties: Mapping[str, Any]) -> dict[str, Any]:
        return {"Value": str(properties["Value"]), "Type": properties["Type"],
                **compact({name: properties.get(name) for name in SETTINGS})}

    @staticmethod
    def _provisioned(name: str, properties: Mapping[str, Any]) -> Provisioned:
        return Provisioned(name, {"Type": properties["Type"], "Value": str(properties["Value"])})
