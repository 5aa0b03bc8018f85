"""Event invocation configurations: one for `$LATEST`, one for each published version and one
for each alias, as AWS keeps them, checked and answered in AWS's words; and the invoke path
following the configuration of what was invoked."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.event_invoke_configs import EventInvokeConfigs
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from tests.helpers import eventually
from tests.unit.lambda_service import ARN, LambdaService, create

FUNCTIONS = ARN.removesuffix("fn")
MISSING = "The function doesn't exist."


@dataclass
class Stack:
    functions: FunctionOperations
    versions: VersionService
    invoker: Invoker
    configs: EventInvokeConfigs


@pytest.fixture
def stack(tmp_path: Path, pool: EnvironmentPool) -> Iterator[Stack]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path)
    registry = FunctionRegistry(tmp_path / "functions.db")
    store = VersionStore(tmp_path / "versions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool, store)
    invoker = Invoker(settings, functions, pool)
    yield Stack(functions, VersionService(settings, functions, store, pool), invoker,
                EventInvokeConfigs(functions))
    invoker.shutdown()
    registry.close()
    store.close()


def with_alias(stack: Stack) -> None:
    """`fn`, its version 1 and the alias `live` pointing at it."""
    create(LambdaService(stack.functions, stack.invoker))
    stack.versions.publish("fn", {})
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})


def refusal(call: Callable[[], Any]) -> tuple[type[LambdaError], str]:
    with pytest.raises(LambdaError) as refused:
        call()
    return type(refused.value), refused.value.message


def test_each_version_has_its_own_event_invoke_config(service: LambdaService) -> None:
    create(service)
    configs = EventInvokeConfigs(service.functions)
    configs.put("fn", None, {"MaximumRetryAttempts": 1})
    service.functions.publish(service.functions.function("fn"))

    with pytest.raises(ResourceNotFoundException) as missing:
        configs.get("fn", "1")
    assert missing.value.message == (
        f"The function {ARN}:1 doesn't have an EventInvokeConfig")
    put = configs.put("fn", "1", {"MaximumRetryAttempts": 0})
    assert put["FunctionArn"] == f"{ARN}:1"
    assert put["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}
    configs.delete("fn", None)
    listed = configs.list("fn")["FunctionEventInvokeConfigs"]
    assert [config["FunctionArn"] for config in listed] == [f"{ARN}:1"]


def test_a_put_that_sets_nothing_is_refused_before_the_function_is_looked_up(
        service: LambdaService) -> None:
    configs = EventInvokeConfigs(service.functions)

    assert refusal(lambda: configs.put("doesnotexist", None, {})) == (
        InvalidParameterValueException,
        "You must specify at least one of error handling or destination setting.")


def test_what_does_not_exist_is_named_as_aws_names_it(stack: Stack) -> None:
    with_alias(stack)
    configs, retry = stack.configs, {"MaximumRetryAttempts": 1}

    assert refusal(lambda: configs.put("ghost", None, retry)) == (
        ResourceNotFoundException, MISSING)
    assert refusal(lambda: configs.put("fn", "nothere", retry)) == (
        ResourceNotFoundException, MISSING)
    assert refusal(lambda: configs.put(f"{FUNCTIONS}ghost", None, retry, merge=True)) == (
        ResourceNotFoundException, MISSING)
    assert refusal(lambda: configs.list("ghost")) == (ResourceNotFoundException, MISSING)
    assert refusal(lambda: configs.delete("ghost", None)) == (
        ResourceNotFoundException,
        f"The function {FUNCTIONS}ghost:$LATEST doesn't have an EventInvokeConfig")
    assert refusal(lambda: configs.get("fn", "nothere")) == (
        ResourceNotFoundException,
        f"The function {ARN}:nothere doesn't have an EventInvokeConfig")
    assert refusal(lambda: configs.put(f"{ARN}:live", None, retry, merge=True)) == (
        ResourceNotFoundException,
        f"The function {ARN}:live doesn't have an EventInvokeConfig")


IAM_ROLE = "arn:aws:iam::000000000000:role/r"


@pytest.mark.parametrize(("destinations", "refused"), [
    ({"OnSuccess": {"Destination": f"{FUNCTIONS}ghost"}},
     (InvalidParameterValueException, f"The destination ARN {FUNCTIONS}ghost is invalid.")),
    ({"OnFailure": {"Destination": f"{ARN}:$LATEST"}},
     (InvalidParameterValueException,
      "You can't specify the function as a destination for itself.")),
    ({"OnSuccess": {"Destination": IAM_ROLE}},
     (InvalidParameterValueException,
      f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
      f"{IAM_ROLE}), onFailure=null) is invalid.")),
    ({"OnSuccess": {}, "OnFailure": {"Destination": IAM_ROLE}},
     (InvalidParameterValueException,
      "The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
      f"null), onFailure=OnFailure(destination={IAM_ROLE})) is invalid.")),
    ({"OnFailure": {"Destination": "arn:aws:_-/!lambda:us-east-1:000000000000:function:fn"}},
     (ValidationException,
      "1 validation error detected: Value 'arn:aws:_-/!lambda:us-east-1:000000000000:function"
      ":fn' at 'destinationConfig.onFailure.destination' failed to satisfy constraint: "
      "Member must satisfy regular expression pattern: $|kafka://([^.]([a-zA-Z0-9\\-_.]"
      "{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|"
      "(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)")),
])
def test_destinations_aws_refuses(service: LambdaService, destinations: dict[str, Any],
                                  refused: tuple[type[LambdaError], str]) -> None:
    create(service)
    configs = EventInvokeConfigs(service.functions)

    assert refusal(lambda: configs.put("fn", None, {"DestinationConfig": destinations})) == (
        refused)
    assert refusal(lambda: configs.get("fn", None))[0] is ResourceNotFoundException


def test_another_function_and_a_destination_left_empty_are_taken(
        service: LambdaService) -> None:
    create(service)
    create(service, "other")
    configs = EventInvokeConfigs(service.functions)

    to_other = configs.put("fn", None, {"DestinationConfig": {
        "OnSuccess": {"Destination": f"{FUNCTIONS}other"}}})
    left_empty = configs.put("fn", None, {"DestinationConfig": {"OnFailure": {}}})

    assert to_other["DestinationConfig"] == {
        "OnSuccess": {"Destination": f"{FUNCTIONS}other"}, "OnFailure": {}}
    assert left_empty["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}


def test_an_alias_has_a_configuration_apart_from_its_versions(stack: Stack) -> None:
    with_alias(stack)
    configs = stack.configs
    configs.put("fn", None, {"MaximumRetryAttempts": 2})
    configs.put("fn", "1", {"MaximumRetryAttempts": 1})
    on_alias = configs.put("fn:live", None, {"MaximumRetryAttempts": 0})

    assert on_alias["FunctionArn"] == f"{ARN}:live"
    assert configs.get("fn", "1")["MaximumRetryAttempts"] == 1
    listed = configs.list("fn")["FunctionEventInvokeConfigs"]
    assert {c["FunctionArn"]: c["MaximumRetryAttempts"] for c in listed} == {
        f"{ARN}:$LATEST": 2, f"{ARN}:1": 1, f"{ARN}:live": 0}
    configs.delete("fn", "1")
    configs.delete("fn", None)
    assert configs.get(f"{ARN}:live", None)["MaximumRetryAttempts"] == 0
    configs.delete("fn", "live")
    assert configs.list("fn") == {"FunctionEventInvokeConfigs": []}
    assert refusal(lambda: configs.delete("fn", "live")) == (
        ResourceNotFoundException,
        f"The function {ARN}:live doesn't have an EventInvokeConfig")


def test_latests_configuration_changes_leave_its_aliases_alone(stack: Stack) -> None:
    with_alias(stack)
    configs = stack.configs
    configs.put("fn", "live", {"MaximumEventAgeInSeconds": 60})

    configs.put("fn", None, {"MaximumRetryAttempts": 2})
    merged = configs.put("fn", None, {"MaximumEventAgeInSeconds": 120}, merge=True)
    configs.delete("fn", None)

    assert (merged["MaximumRetryAttempts"], merged["MaximumEventAgeInSeconds"]) == (2, 120)
    assert "AliasConfigs" not in merged
    assert configs.get("fn", "live")["MaximumEventAgeInSeconds"] == 60
    assert refusal(lambda: configs.get("fn", None))[0] is ResourceNotFoundException


def test_a_deleted_alias_takes_its_configuration_with_it(stack: Stack) -> None:
    with_alias(stack)
    stack.configs.put("fn", "live", {"MaximumRetryAttempts": 0})

    stack.versions.delete_alias("fn", "live")

    assert stack.configs.list("fn") == {"FunctionEventInvokeConfigs": []}
    assert refusal(lambda: stack.configs.get("fn", "live"))[0] is ResourceNotFoundException


def test_an_event_follows_the_configuration_of_what_was_invoked(stack: Stack) -> None:
    with_alias(stack)
    stack.configs.put("fn", "1", {"MaximumRetryAttempts": 1})
    stack.configs.put("fn", "live", {"MaximumRetryAttempts": 0})

    through_alias = stack.configs.as_invoked("fn:live")
    through_version = stack.configs.as_invoked(f"{ARN}:1")
    unqualified = stack.configs.as_invoked("fn")

    assert through_alias.version == "1"
    assert (through_alias.event_invoke_config or {})["MaximumRetryAttempts"] == 0
    assert (through_version.event_invoke_config or {})["MaximumRetryAttempts"] == 1
    assert unqualified.event_invoke_config is None


def test_an_event_through_an_alias_goes_to_the_aliass_destination(
        stack: Stack, executor: FakeExecutor) -> None:
    received: dict[str, list[Any]] = {"to-alias": [], "to-version": []}

    def sink(event: Any, context: FakeContext) -> None:
        received[context.invoked_function_arn.rsplit(":", 1)[-1]].append(
            event["requestPayload"])

    executor.handlers["app.sink"] = sink
    service = LambdaService(stack.functions, stack.invoker)
    for name in received:
        create(service, name, Handler="app.sink")
    with_alias(stack)
    for qualifier, sink_name in [("live", "to-alias"), ("1", "to-version")]:
        stack.configs.put("fn", qualifier, {"DestinationConfig": {
            "OnSuccess": {"Destination": f"{FUNCTIONS}{sink_name}"}}})

    stack.invoker.invoke("fn:live", None, json.dumps({"via": "alias"}).encode(),
                         invocation_type="Event")
    stack.invoker.invoke("fn", "1", json.dumps({"via": "version"}).encode(),
                         invocation_type="Event")

    assert eventually(lambda: received == {"to-alias": [{"via": "alias"}],
                                           "to-version": [{"via": "version"}]})


def test_an_alias_made_again_under_a_deleted_ones_name_starts_without_its_configuration(
        stack: Stack) -> None:
    with_alias(stack)
    stack.configs.put("fn", "live", {"MaximumRetryAttempts": 0})
    stack.versions.delete_alias("fn", "live")

    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1"})

    assert refusal(lambda: stack.configs.get("fn", "live"))[0] is ResourceNotFoundException
