"""A durable-execution service over a fake invoke path: each handler invocation answers with
the durable output the test scripts, as a handler built with the SDK would."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.durable.executions import DurableExecutions
from simulator.errors import ResourceNotFoundException
from simulator.models import FunctionConfig, InvocationResult

ACCOUNT = "000000000000"


def durable_function(name: str = "orders", **fields: Any) -> FunctionConfig:
    return FunctionConfig(name=name, runtime="python3.12", role="role", handler="app.handler",
                          code_sha256="", code_size=0, timeout=30,
                          durable_config={"ExecutionTimeout": 600, "RetentionPeriodInDays": 14},
                          **fields)


class Handler:
    """What each invocation answers, in turn (the last repeats); the inputs it got."""

    def __init__(self) -> None:
        self.answers: list[Callable[[dict[str, Any]], InvocationResult]] = [succeed("ok")]
        self.inputs: list[dict[str, Any]] = []
        self.invoked = threading.Event()
        self.functions: dict[str, FunctionConfig] = {"orders": durable_function()}

    def resolve(self, reference: str) -> FunctionConfig:
        found = self.functions.get(reference.partition(":")[0])
        if found is None:
            raise ResourceNotFoundException(f"Function not found: {reference}")
        return found

    def run(self, function: FunctionConfig, payload: bytes) -> InvocationResult:
        event = json.loads(payload)
        self.inputs.append(event)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        self.invoked.set()
        return answer(event)


def succeed(result: Any) -> Callable[[dict[str, Any]], InvocationResult]:
    return lambda event: InvocationResult(json.dumps(
        {"Status": "SUCCEEDED", "Result": json.dumps(result)}).encode(), request_id="r")


def fail(message: str) -> Callable[[dict[str, Any]], InvocationResult]:
    return lambda event: InvocationResult(json.dumps({"Status": "FAILED", "Error": {
        "ErrorType": "ValueError", "ErrorMessage": message}}).encode(), request_id="r")


def pending() -> Callable[[dict[str, Any]], InvocationResult]:
    return lambda event: InvocationResult(b'{"Status": "PENDING"}', request_id="r")


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
def service_factory(tmp_path: Path, handler: Handler) -> Iterator[Callable[..., DurableExecutions]]:
    made: list[DurableExecutions] = []

    def make(**settings: Any) -> DurableExecutions:
        service = DurableExecutions(
            Settings(state_dir=tmp_path, account_id=ACCOUNT, **settings),
            handler.resolve, handler.run)
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


@pytest.fixture
def service(service_factory: Callable[..., DurableExecutions]) -> DurableExecutions:
    return service_factory()
