"""What the stack engine asks of each resource type: create, update (in place or by
replacement) and delete one resource, through the same endpoint a user's tools call, and
answer with the physical id (`Ref`) and attributes (`Fn::GetAtt`) CloudFormation gives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Provisioned:
    """A resource as it now exists: `physical_id` is what `Ref` answers (for most types),
    `attributes` what `Fn::GetAtt` reads."""

    physical_id: str
    attributes: Mapping[str, Any] = field(default_factory=dict)


class ResourceFailed(Exception):
    """A resource could not be created, updated or deleted; the message is the
    ResourceStatusReason CloudFormation records in the stack's events."""


@dataclass(frozen=True)
class ProvisioningContext:
    """The stack a resource belongs to, and the endpoint to create it through.

    `client(service)` is a boto3 client of the simulator's own endpoint for the stack's
    region; `generated_name(max_length)` is CloudFormation's name for a resource whose name
    property is absent (`<stack>-<LogicalId>-<SUFFIX>`, cut to `max_length`)."""

    stack_name: str
    stack_id: str
    logical_id: str
    region: str
    account_id: str
    client: Callable[[str], Any]
    generated_name: Callable[[int], str]
    custom_resource_timeout: float = 3600.0


class ResourceProvisioner(Protocol):
    """One resource type's provisioner."""

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned: ...

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        """Whether going from the old to the new properties needs a new resource (a changed
        property CloudFormation documents as "Replacement"), rather than an update."""
        ...

    def update(self, context: ProvisioningContext, physical_id: str,
               old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
               ) -> Provisioned: ...

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None: ...
