"""A provisioner registry over an in-memory cloud, and a worker that runs deploys inline, so
the engine's workflows are tested without a server."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import pytest

from simulator.stacks.cloudformation import CloudFormation
from simulator.stacks.errors import CloudFormationError
from simulator.stacks.intrinsic_functions import StackIdentity
from simulator.stacks.provisioning import (
    Provisioned,
    ProvisioningContext,
    ResourceFailed,
    ResourceProvisioner,
)
from simulator.stacks.template_preparation import prepare

THING = "Test::Fake::Thing"
REGION = "us-east-1"
IDENTITY = StackIdentity("app", "arn:aws:cloudformation:us-east-1:123456789012:stack/app/x",
                         REGION, "123456789012")


class InlineExecutor(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:
            future.set_exception(error)
        return future


class FakeCloud:
    """Things by physical id; `calls` records every create/update/delete in order. A thing
    whose `Fail` property is "create"/"update"/"delete" fails that action; a changed `Name`
    needs a replacement."""

    def __init__(self) -> None:
        self.things: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, str]] = []
        self._ids = itertools.count(1)

    def create(self, context: ProvisioningContext, properties: Mapping[str, Any]
               ) -> Provisioned:
        self.calls.append(("create", context.logical_id))
        if properties.get("Fail") == "create":
            raise ResourceFailed(f"{context.logical_id} refused to be created")
        physical_id = str(properties.get("Name") or context.generated_name(40))
        if physical_id in self.things:
            raise ResourceFailed(f"{physical_id} already exists")
        self.things[physical_id] = dict(properties)
        return self._provisioned(physical_id)

    def replaces(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
        return old.get("Name") != new.get("Name")

    def update(self, context: ProvisioningContext, physical_id: str,
               old: Mapping[str, Any], new: Mapping[str, Any]) -> Provisioned:
        self.calls.append(("update", context.logical_id))
        if new.get("Fail") == "update":
            raise ResourceFailed(f"{context.logical_id} refused the update")
        self.things[physical_id] = dict(new)
        return self._provisioned(physical_id)

    def delete(self, context: ProvisioningContext, physical_id: str,
               properties: Mapping[str, Any]) -> None:
        self.calls.append(("delete", context.logical_id))
        if properties.get("Fail") == "delete":
            raise ResourceFailed(f"{context.logical_id} refused to go")
        self.things.pop(physical_id, None)

    def registry(self, resource_type: str) -> ResourceProvisioner | None:
        return self if resource_type == THING else None

    def _provisioned(self, physical_id: str) -> Provisioned:
        return Provisioned(physical_id, {"Arn": f"arn:test:thing/{physical_id}",
                                         "Name": physical_id})


def cloudformation(state_dir: Path, cloud: FakeCloud) -> CloudFormation:
    def no_clients(service: str, region: str) -> Any:
        raise AssertionError(f"no {service} client in these tests")

    return CloudFormation(state_dir, cloud.registry, no_clients, "123456789012",
                          worker=InlineExecutor())


def call(service: CloudFormation, operation: str, **request: Any) -> dict[str, Any]:
    """A call as the API makes it: input and output by the model's member names."""
    return dict(service.operations()[operation](REGION, request))


def template(resources: dict[str, Any], **sections: Any) -> str:
    return json.dumps({"Resources": resources, **sections})


def thing(**properties: Any) -> dict[str, Any]:
    return {"Type": THING, "Properties": properties}


def stack(service: CloudFormation, name: str) -> dict[str, Any]:
    described: dict[str, Any] = call(service, "DescribeStacks", StackName=name)["Stacks"][0]
    return described


def statuses(service: CloudFormation, name: str) -> list[tuple[str, str]]:
    """(logical id, status) of every event, oldest first."""
    events = call(service, "DescribeStackEvents", StackName=name)["StackEvents"]
    return [(event["LogicalResourceId"], event["ResourceStatus"]) for event in reversed(events)]


def changes(service: CloudFormation, change_set_id: str) -> list[dict[str, Any]]:
    described = call(service, "DescribeChangeSet", ChangeSetName=change_set_id)
    return [change["ResourceChange"] for change in described["Changes"]]


def exporter(value: str = "shared") -> str:
    return template({"A": thing(Name=value)}, Outputs={
        "Out": {"Value": {"Ref": "A"}, "Export": {"Name": "shared-name"}}})


def importer() -> str:
    return template({"B": thing(Source={"Fn::ImportValue": "shared-name"})})


def refusal(body: str | dict[str, Any]) -> str:
    """The message CloudFormation refuses a template (text or dict) with."""
    text = body if isinstance(body, str) else json.dumps(body)
    with pytest.raises(CloudFormationError) as raised:
        prepare(text, [], {}, IDENTITY, lambda name: "", ["CAPABILITY_IAM"], False)
    return raised.value.message
