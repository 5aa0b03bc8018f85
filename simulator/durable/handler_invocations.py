"""How the durable-execution service runs a handler: one ordinary invocation of the function
through the simulator's invoke path (a real environment, its logs, metrics and traces), with
the durable invocation input as its event, answered with the handler's durable output."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_durable_execution_sdk_python.execution import DurableExecutionInvocationInput
from aws_durable_execution_sdk_python_testing.exceptions import (
    DurableFunctionsTestError,
    ResourceNotFoundException,
)
from aws_durable_execution_sdk_python_testing.invoker import InvokeResponse, LambdaInvoker

from simulator.errors import LambdaError
from simulator.models import FunctionConfig, InvocationResult

Resolve = Callable[[str], FunctionConfig]
Run = Callable[[FunctionConfig, bytes], InvocationResult]


class HandlerInvocations(LambdaInvoker):
    """The service library's Lambda invoker, with the invocation made in-process rather than
    over HTTP; building each invocation's input (the operations page, the checkpoint token)
    stays the library's."""

    def __init__(self, resolve: Resolve, run: Run) -> None:
        super().__init__(lambda_client=None)
        self._resolve = resolve
        self._run = run

    def invoke(self, function_name: str, input: DurableExecutionInvocationInput,  # noqa: A002
               endpoint_url: str | None = None, tenant_id: str | None = None,
               account_id: str | None = None, region_name: str | None = None
               ) -> InvokeResponse:
        try:
            function = self._resolve(function_name)
        except LambdaError as error:
            raise ResourceNotFoundException(f"Function not found: {function_name}") from error
        payload = json.dumps(input.to_json_dict()).encode()
        try:
            result = self._run(function, payload)
        except LambdaError as error:  # a throttle, an environment that would not start
            raise DurableFunctionsTestError(f"Lambda invocation failed: {error}") from error
        if result.failed:  # the service retries a failed invocation of the handler
            raise DurableFunctionsTestError(
                f"Lambda invocation failed with status 200: {_text(result.payload)}")
        return InvokeResponse.from_payload(result.payload, result.request_id)

    def update_endpoint(self, endpoint_url: str, region_name: str) -> None:
        """Handlers run in-process: there is no endpoint to change."""

    def inherit_endpoint(self, child_execution_arn: str, parent_execution_arn: str) -> None:
        """Handlers run in-process: there is no endpoint to inherit."""


def _text(payload: bytes) -> Any:
    return payload.decode(errors="replace")
