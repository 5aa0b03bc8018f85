"""Creating, updating and deleting one resource of a stack through its type's provisioner,
each step recorded as CloudFormation records it (`*_IN_PROGRESS`, then `*_COMPLETE` or
`*_FAILED` with the reason)."""

from __future__ import annotations

import logging
import secrets
import string
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from simulator.stacks.provisioning import (
    Provisioned,
    ProvisioningContext,
    ResourceFailed,
    ResourceProvisioner,
)
from simulator.stacks.stack_events import EventLog
from simulator.stacks.stack_store import ResourceRecord, StackRecord, StackStore, now

log = logging.getLogger(__name__)

ProvisionerRegistry = Callable[[str], ResourceProvisioner | None]
ClientFactory = Callable[[str, str], Any]  # (service, region) -> a boto3 client
T = TypeVar("T")
SUFFIX_ALPHABET = string.ascii_uppercase + string.digits


class ResourceActions:
    def __init__(self, store: StackStore, events: EventLog, registry: ProvisionerRegistry,
                 clients: ClientFactory, account_id: str) -> None:
        self._store = store
        self._events = events
        self._registry = registry
        self._clients = clients
        self._account_id = account_id
        self._cache: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def create(self, stack: StackRecord, logical_id: str, resource_type: str,
               properties: Mapping[str, Any]) -> Provisioned | str:
        """The new resource, or the reason it failed (recorded as CREATE_FAILED)."""
        record = ResourceRecord(logical_id, resource_type, "CREATE_IN_PROGRESS",
                                properties=dict(properties))
        stack.resources[logical_id] = record
        self._step(stack, record, "CREATE_IN_PROGRESS")
        outcome = self._run(stack, logical_id, resource_type,
                            lambda provisioner, context: provisioner.create(context, properties))
        if isinstance(outcome, str):
            self._step(stack, record, "CREATE_FAILED", outcome)
            return outcome
        self._keep(record, outcome, properties)
        self._step(stack, record, "CREATE_COMPLETE")
        return outcome

    def update(self, stack: StackRecord, logical_id: str, new_properties: Mapping[str, Any]
               ) -> Provisioned | str:
        """The resource updated in place (a rollback too puts old properties back this way),
        or the reason it failed (recorded as UPDATE_FAILED)."""
        record = stack.resources[logical_id]
        old_properties = dict(record.properties)
        physical_id = record.physical_id or ""
        self._step(stack, record, "UPDATE_IN_PROGRESS")
        outcome = self._run(stack, logical_id, record.resource_type,
                            lambda provisioner, context: provisioner.update(
                                context, physical_id, old_properties, new_properties))
        if isinstance(outcome, str):
            self._step(stack, record, "UPDATE_FAILED", outcome)
            return outcome
        self._keep(record, outcome, new_properties)
        self._step(stack, record, "UPDATE_COMPLETE")
        return outcome

    def delete(self, stack: StackRecord, record: ResourceRecord) -> str | None:
        """None once the resource is gone (or was never made), else the reason it could not
        be deleted (recorded as DELETE_FAILED)."""
        if record.physical_id is None:
            self._step(stack, record, "DELETE_SKIPPED")
            return None
        self._step(stack, record, "DELETE_IN_PROGRESS")
        physical_id, properties = record.physical_id, record.properties
        outcome = self._run(stack, record.logical_id, record.resource_type,
                            lambda provisioner, context: provisioner.delete(
                                context, physical_id, properties))
        if isinstance(outcome, str):
            self._step(stack, record, "DELETE_FAILED", outcome)
            return outcome
        self._step(stack, record, "DELETE_COMPLETE")
        return None

    def replaces(self, resource_type: str, old: Mapping[str, Any], new: Mapping[str, Any]
                 ) -> bool:
        provisioner = self._registry(resource_type)
        return provisioner is not None and provisioner.replaces(old, new)

    def supported(self, resource_type: str) -> bool:
        return self._registry(resource_type) is not None

    def _run(self, stack: StackRecord, logical_id: str, resource_type: str,
             action: Callable[[ResourceProvisioner, ProvisioningContext], T]) -> T | str:
        provisioner = self._registry(resource_type)
        if provisioner is None:
            return (f"Unsupported resource type {resource_type}: the simulator cannot "
                    "provision it")
        try:
            return action(provisioner, self._context(stack, logical_id))
        except ResourceFailed as error:
            return str(error)
        except Exception as error:  # a provisioner's bug fails the resource, never the worker
            log.exception("provisioning %s (%s) of stack %s failed", logical_id, resource_type,
                          stack.name)
            return f"Internal failure: {error}"

    def _context(self, stack: StackRecord, logical_id: str) -> ProvisioningContext:
        return ProvisioningContext(
            stack_name=stack.name, stack_id=stack.stack_id, logical_id=logical_id,
            region=stack.region, account_id=self._account_id,
            client=lambda service: self._client(service, stack.region),
            generated_name=lambda limit: generated_name(stack.name, logical_id, limit))

    def _client(self, service: str, region: str) -> Any:
        with self._lock:
            key = (service, region)
            if key not in self._cache:
                self._cache[key] = self._clients(service, region)
            return self._cache[key]

    def _step(self, stack: StackRecord, record: ResourceRecord, status: str,
              reason: str | None = None) -> None:
        record.status = status
        record.status_reason = reason
        record.updated = now()
        self._store.save(stack)
        self._events.resource(stack, record.logical_id, record.resource_type, status,
                              record.physical_id, reason,
                              record.properties if status.endswith("IN_PROGRESS") else None)

    @staticmethod
    def _keep(record: ResourceRecord, provisioned: Provisioned,
              properties: Mapping[str, Any]) -> None:
        record.physical_id = provisioned.physical_id
        record.attributes = dict(provisioned.attributes)
        record.properties = dict(properties)


def generated_name(stack_name: str, logical_id: str, limit: int) -> str:
    """`<stack>-<LogicalId>-<SUFFIX>` as CloudFormation names a resource, cut to `limit`."""
    suffix = "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(12))
    prefix = f"{stack_name}-{logical_id}"[: max(limit - len(suffix) - 1, 0)]
    return f"{prefix}-{suffix}"[-limit:]
