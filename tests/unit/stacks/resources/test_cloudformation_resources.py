"""Stack-only resources (CDK metadata, wait condition handles) deploy without a service."""

from __future__ import annotations

from simulator.stacks.provisioning import ProvisioningContext
from simulator.stacks.resource_types import provisioner_for


def context() -> ProvisioningContext:
    def no_client(service: str) -> object:
        raise AssertionError(f"a stack-only resource called {service}")

    return ProvisioningContext(
        stack_name="app", stack_id="arn:aws:cloudformation:us-east-1:1:stack/app/1",
        logical_id="CDKMetadata", region="us-east-1", account_id="000000000000",
        client=no_client, generated_name=lambda length: "app-CDKMetadata-ABC"[:length])


def test_cdk_metadata_and_wait_handles_are_created_updated_and_deleted_in_the_stack() -> None:
    for resource_type in ("AWS::CDK::Metadata", "AWS::CloudFormation::WaitConditionHandle"):
        provisioner = provisioner_for(resource_type)
        assert provisioner is not None
        created = provisioner.create(context(), {"Analytics": "v2:deflate64:..."})
        assert created.physical_id == "app-CDKMetadata-ABC"
        assert not provisioner.replaces({}, {"Analytics": "other"})
        assert provisioner.update(context(), created.physical_id, {}, {}).physical_id == \
            created.physical_id
        provisioner.delete(context(), created.physical_id, {})
