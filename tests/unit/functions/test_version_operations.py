"""Provisioned concurrency on a published version: deleting the config keeps the version's
environments usable (the next invokes are warm) and the version can be provisioned again; the
configs in force and the invocations they serve are known (for what they would cost)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import ResourceNotFoundException
from simulator.executors.fake import FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import (
    ProvisionedConcurrencyConfigNotFound,
    VersionService,
)
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, eventually, make_zip


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


def published(stack: Versions) -> str:
    code: dict[str, Any] = {"ZipFile": base64.b64encode(
        make_zip({"app.py": "def handler(e, c):\n    return 'ok'\n"})).decode()}
    stack.functions.create_function({"FunctionName": "fn", "Runtime": "python3.12",
                                     "Role": ROLE, "Handler": "app.handler", "Code": code})
    return str(stack.versions.publish("fn", {})["Version"])


def test_invokes_after_deleting_a_provisioned_config_are_warm(stack: Versions) -> None:
    version = published(stack)
    stack.versions.put_provisioned("fn", version, {"ProvisionedConcurrentExecutions": 2})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 2)

    stack.versions.delete_provisioned("fn", version)
    with pytest.raises(ProvisionedConcurrencyConfigNotFound):
        stack.versions.get_provisioned("fn", version)

    results = [stack.invoker.invoke("fn", version, b"{}") for _ in range(3)]
    assert [r.payload for r in results] == [b'"ok"'] * 3
    assert [r.result.cold for r in results if r.result] == [False, False, False]
    assert stack.provisioned(f"fn:{version}") == 0


def test_a_version_can_be_provisioned_again_after_its_config_is_deleted(
    stack: Versions,
) -> None:
    version = published(stack)
    stack.versions.put_provisioned("fn", version, {"ProvisionedConcurrentExecutions": 1})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 1)
    stack.versions.delete_provisioned("fn", version)

    stack.versions.put_provisioned("fn", version, {"ProvisionedConcurrentExecutions": 2})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 2)
    warm = stack.pool.counts("fn").warm
    assert warm == 3  # the two provisioned and the one that is now on demand
    assert stack.invoker.invoke("fn", version, b"{}").result.cold is False  # type: ignore[union-attr]


def test_the_configs_in_force_say_what_they_keep_warm_and_since_when(
        stack: Versions) -> None:
    version = published(stack)
    before = time.time()
    stack.versions.put_provisioned("fn", version, {"ProvisionedConcurrentExecutions": 3})

    [config] = stack.versions.provisioned_concurrency()
    assert (config.function.name, config.function.version, config.qualifier,
            config.concurrency) == ("fn", version, version, 3)
    assert before <= config.since <= time.time()
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 3)
    stack.versions.delete_provisioned("fn", version)
    assert stack.versions.provisioned_concurrency() == []


def test_invocations_served_by_provisioned_concurrency_say_so(stack: Versions) -> None:
    version = published(stack)
    stack.versions.put_provisioned("fn", version, {"ProvisionedConcurrentExecutions": 1})
    assert eventually(lambda: stack.provisioned(f"fn:{version}") == 1)

    served = stack.invoker.invoke("fn", version, b"{}").result
    on_demand = stack.invoker.invoke("fn", None, b"{}").result

    assert served is not None and served.provisioned
    assert on_demand is not None and not on_demand.provisioned


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
