"""Versions and aliases: an alias points at a version that exists, a function sees the ARN it
was invoked by, and a deleted alias takes its policy with it. The shared stack here serves the
provisioned-concurrency tests too."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import (
    InvalidParameterValueException,
    LambdaError,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.executors.fake import FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, make_zip


@dataclass
class Versions:
    pool: EnvironmentPool
    functions: FunctionOperations
    invoker: Invoker
    versions: VersionService

    def provisioned(self, pool_key: str) -> int:
        return sum(1 for e in self.pool.live_environments()
                   if e.alive and e.provisioned and e.function.pool_key == pool_key)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Versions]:
    executor = FakeExecutor({"app.handler": lambda event, context: "ok",
                             "app.arn": lambda event, context: context.invoked_function_arn})
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path)
    pool = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), pool.owner_of),
        emit_log=LogStore().append, region=settings.region, limits=PoolLimits())
    registry = FunctionRegistry(tmp_path / "functions.db")
    store = VersionStore(tmp_path / "versions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool, store)
    invoker = Invoker(settings, functions, pool)
    yield Versions(pool, functions, invoker, VersionService(settings, functions, store, pool))
    invoker.shutdown()
    pool.shutdown()
    registry.close()
    store.close()


def published(stack: Versions, handler: str = "app.handler") -> str:
    code: dict[str, Any] = {"ZipFile": base64.b64encode(
        make_zip({"app.py": "def handler(e, c):\n    return 'ok'\n"})).decode()}
    stack.functions.create_function({"FunctionName": "fn", "Runtime": "python3.12",
                                     "Role": ROLE, "Handler": handler, "Code": code})
    return str(stack.versions.publish("fn", {})["Version"])


def test_an_alias_must_point_at_a_version_that_exists(stack: Versions) -> None:
    version = published(stack)
    with pytest.raises(ResourceNotFoundException) as refused:
        stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "7"})
    assert str(refused.value) == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:fn:7")

    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": version})
    stack.versions.create_alias("fn", {"Name": "head", "FunctionVersion": "$LATEST"})
    with pytest.raises(ResourceNotFoundException):
        stack.versions.update_alias("fn", "live", {"FunctionVersion": "8"})
    assert stack.versions.get_alias("fn", "live")["FunctionVersion"] == version


def test_a_function_sees_the_arn_it_was_invoked_by(stack: Versions) -> None:
    published(stack)
    stack.functions.update_function_configuration("fn", {"Handler": "app.arn"})
    version = str(stack.versions.publish("fn", {})["Version"])
    stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": version})
    arn = "arn:aws:lambda:us-east-1:000000000000:function:fn"

    def invoked_arn(reference: str, qualifier: str | None = None) -> str:
        return json.loads(stack.invoker.invoke(reference, qualifier, b"{}").payload)

    assert invoked_arn("fn") == arn
    assert invoked_arn("fn", "live") == f"{arn}:live"
    assert invoked_arn("fn:live") == f"{arn}:live"
    assert invoked_arn(f"{arn}:{version}") == f"{arn}:{version}"


@pytest.mark.parametrize(("weights", "error", "message"), [
    ({"1": 0.5, "2": 0.2}, InvalidParameterValueException,
     "Number of items in AdditionalVersionWeights cannot be greater than 1"),
    ({"1": 0.5}, InvalidParameterValueException,
     "Invalid function version 1. Function version 1 is already included in routing "
     "configuration."),
    ({"2": 2}, ValidationException,
     "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' "
     "failed to satisfy constraint: Map value must satisfy constraint: [Member must have value "
     "less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member "
     "must not be null]"),
])
def test_routing_aws_refuses(stack: Versions, weights: dict[str, float],
                             error: type[LambdaError], message: str) -> None:
    published(stack)
    with pytest.raises(error) as refused:
        stack.versions.create_alias("fn", {"Name": "live", "FunctionVersion": "1",
                                           "RoutingConfig": {"AdditionalVersionWeights": weights}})
    assert refused.value.message == message


def test_an_alias_of_a_missing_function_names_the_version(stack: Versions) -> None:
    with pytest.raises(ResourceNotFoundException) as missing:
        stack.versions.create_alias("ghost", {"Name": "live", "FunctionVersion": "1"})
    assert missing.value.message == (
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:ghost:1")
