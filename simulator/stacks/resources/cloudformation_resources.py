"""Resources that exist only inside a stack: `AWS::CDK::Metadata` (the CDK's record of the
constructs it used, in every CDK template) and `AWS::CloudFormation::WaitConditionHandle`
(whose `Ref` is a URL a signal goes to). They create nothing in any service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.provisioning import Provisioned, ProvisioningContext


class StackOnlyProvisioner:
    """`Ref` is CloudFormation's generated name for the resource; a change replaces
    nothing."""

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(context.generated_name(255))

    def replaces(self, old_properties: Mapping[str, Any],
                 new_properties: Mapping[str, Any]) -> bool:
        return False

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned:
        return Provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        return None
