"""A handler invocation as the durable-execution service makes it: one run of the function
on the durable input, its durable output read back; failures as the service library knows
them, so that it retries or fails the execution as AWS does."""

from __future__ import annotations

import pytest
from aws_durable_execution_sdk_python.execution import (
    DurableExecutionInvocationInput,
    InitialExecutionState,
)
from aws_durable_execution_sdk_python_testing.exceptions import (
    DurableFunctionsTestError,
    InvalidInvocationOutputError,
    ResourceNotFoundException,
)

from simulator.durable.handler_invocations import HandlerInvocations
from simulator.errors import TooManyRequestsException
from simulator.models import FunctionConfig, InvocationResult
from tests.unit.durable.conftest import Handler, succeed

DURABLE_INPUT = DurableExecutionInvocationInput(
    durable_execution_arn="arn", checkpoint_token="token",
    initial_execution_state=InitialExecutionState(operations=[], next_marker=""))


def test_the_handlers_durable_output_is_the_answer(handler: Handler) -> None:
    handler.answers = [succeed("ok")]

    response = HandlerInvocations(handler.resolve, handler.run).invoke("orders:3", DURABLE_INPUT)

    assert response.invocation_output.status.value == "SUCCEEDED"
    assert handler.inputs[0]["CheckpointToken"] == "token"


def test_an_unknown_function_is_not_found(handler: Handler) -> None:
    with pytest.raises(ResourceNotFoundException):
        HandlerInvocations(handler.resolve, handler.run).invoke("missing", DURABLE_INPUT)


def test_a_failed_or_refused_invocation_is_an_invocation_failure(handler: Handler) -> None:
    def crashed(function: FunctionConfig, payload: bytes) -> InvocationResult:
        return InvocationResult(b'{"errorType": "Runtime.ExitError"}',
                                error_type="Runtime.ExitError")

    def throttled(function: FunctionConfig, payload: bytes) -> InvocationResult:
        raise TooManyRequestsException("Rate Exceeded.",
                                       "ReservedFunctionConcurrentInvocationLimitExceeded")

    for run in (crashed, throttled):
        with pytest.raises(DurableFunctionsTestError):
            HandlerInvocations(handler.resolve, run).invoke("orders", DURABLE_INPUT)


def test_an_answer_that_is_not_a_durable_output_is_refused(handler: Handler) -> None:
    def plain(function: FunctionConfig, payload: bytes) -> InvocationResult:
        return InvocationResult(b'"just a value"')

    with pytest.raises(InvalidInvocationOutputError):
        HandlerInvocations(handler.resolve, plain).invoke("orders", DURABLE_INPUT)
