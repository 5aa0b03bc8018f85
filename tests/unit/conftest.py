"""Fixtures shared by the unit tests of the control plane and the data plane: the Lambda
service over a pool of fake-executor environments."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import Invoker
from simulator.observability.log_store import LogStore
from tests.unit.lambda_service import LambdaService


def echo(event: Any, context: FakeContext) -> Any:
    context.print("got", json.dumps(event))
    return event


@pytest.fixture
def executor() -> FakeExecutor:
    return FakeExecutor({"app.handler": echo})


@pytest.fixture
def pool(executor: FakeExecutor) -> Iterator[EnvironmentPool]:
    environments = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), environments.owner_of
        ),
        emit_log=LogStore().append,
        region="us-east-1",
        limits=PoolLimits(),
    )
    yield environments
    environments.shutdown()


@pytest.fixture
def service(tmp_path: Path, pool: EnvironmentPool) -> Iterator[LambdaService]:
    """The service as the simulator composes it, without the HTTP app and event sources."""
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path)
    registry = FunctionRegistry(tmp_path / "functions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool,
                                   VersionStore(tmp_path / "versions.db"))
    segments: list[dict[str, Any]] = []
    invoker = Invoker(settings, functions, pool, segments=segments.append)
    yield LambdaService(functions, invoker, segments)
    invoker.shutdown()
    registry.close()
