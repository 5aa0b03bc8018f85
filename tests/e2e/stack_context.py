"""A `ProvisioningContext` as the stack engine builds one, with clients of a real simulator:
what the resource provisioners' end-to-end tests drive them with."""

from __future__ import annotations

import uuid
from typing import Any

import boto3

from simulator.http_server import SimulatorServer
from simulator.stacks.provisioning import ProvisioningContext, ResourceProvisioner
from simulator.stacks.resource_types import provisioner_for
from tests.helpers import ROLE


def context_of(server: SimulatorServer, logical_id: str = "Resource",
               stack_name: str = "", custom_resource_timeout: float = 60.0
               ) -> ProvisioningContext:
    stack = stack_name or f"stack-{uuid.uuid4().hex[:8]}"
    account = server.simulator.settings.account_id

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test")

    def generated_name(max_length: int) -> str:
        suffix = uuid.uuid4().hex[:12].upper()
        return f"{stack}-{logical_id}-{suffix}"[-max_length:]

    return ProvisioningContext(
        stack_name=stack, stack_id=f"arn:aws:cloudformation:us-east-1:{account}:stack/{stack}/"
        f"{uuid.uuid4()}", logical_id=logical_id, region="us-east-1", account_id=account,
        client=client, generated_name=generated_name,
        custom_resource_timeout=custom_resource_timeout)


def provisioner(resource_type: str) -> ResourceProvisioner:
    found = provisioner_for(resource_type)
    assert found is not None, resource_type
    return found


def inline_function(source: str, **properties: Any) -> dict[str, Any]:
    """An AWS::Lambda::Function's properties with its Python source inline (`ZipFile`)."""
    return {"Runtime": "python3.11", "Handler": "index.handler", "Role": ROLE,
            "Code": {"ZipFile": source}, **properties}
