"""Durable executions as the Lambda service runs them: started by an invoke, named as AWS
names them, answered synchronously or with 202, idempotent by name, taken up again after a
restart."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from simulator.durable.executions import DurableExecutions
from simulator.errors import (
    DurableExecutionAlreadyStartedException,
    InvalidParameterValueException,
)
from tests.helpers import eventually
from tests.unit.durable.conftest import Handler, fail, pending, succeed

ARN = re.compile(r"arn:aws:lambda:us-east-1:000000000000:function:orders:\$LATEST"
                 r"/durable-execution/(?P<name>[A-Za-z0-9_-]+)/(?P<id>[A-Za-z0-9_-]+)")


def test_a_synchronous_invoke_answers_with_the_executions_result(
        service: DurableExecutions, handler: Handler) -> None:
    handler.answers = [succeed({"total": 42})]

    outcome = service.invoke(handler.functions["orders"], b'{"order": 1}', "RequestResponse",
                             "first-order")

    assert outcome.status == 200 and outcome.function_error is None
    assert json.loads(outcome.payload) == {"total": 42}
    match = ARN.fullmatch(outcome.durable_execution_arn or "")
    assert match is not None and match["name"] == "first-order"
    [durable_input] = handler.inputs
    assert durable_input["DurableExecutionArn"] == outcome.durable_execution_arn
    assert durable_input["CheckpointToken"]
    [started] = durable_input["InitialExecutionState"]["Operations"]
    assert started["Type"] == "EXECUTION"
    assert json.loads(started["ExecutionDetails"]["InputPayload"]) == {"order": 1}


def test_a_failed_execution_is_a_function_error(service: DurableExecutions,
                                                handler: Handler) -> None:
    handler.answers = [fail("no stock")]

    outcome = service.invoke(handler.functions["orders"], b"{}", "RequestResponse", None)

    assert outcome.function_error == "Unhandled"
    error = json.loads(outcome.payload)
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "no stock")
    assert service.outcome(outcome.durable_execution_arn or "")["Status"] == "FAILED"


def test_an_event_invoke_answers_202_with_the_execution_started(
        service: DurableExecutions, handler: Handler) -> None:
    handler.answers = [pending()]

    outcome = service.invoke(handler.functions["orders"], b"{}", "Event", None)

    assert outcome.status == 202 and outcome.payload == b""
    assert handler.invoked.wait(5)
    assert service.outcome(outcome.durable_execution_arn or "")["Status"] == "RUNNING"


def test_a_name_is_an_idempotency_key(service: DurableExecutions, handler: Handler) -> None:
    function = handler.functions["orders"]
    first = service.start(function, b'{"a": 1}', "once")

    assert service.start(function, b'{"a": 1}', "once") == first
    with pytest.raises(DurableExecutionAlreadyStartedException):
        service.start(function, b'{"a": 2}', "once")
    with pytest.raises(InvalidParameterValueException):
        service.start(function, b"{}", "not a name!")


def test_an_execution_running_at_a_restart_is_taken_up_again(
        service_factory: Callable[..., DurableExecutions], handler: Handler) -> None:
    handler.answers = [pending()]
    first = service_factory()
    arn = first.start(handler.functions["orders"], b"{}", None)
    assert eventually(lambda: len(handler.inputs) == 1)
    first.close()

    handler.answers = [succeed("done")]
    second = service_factory()

    assert eventually(lambda: second.outcome(arn)["Status"] == "SUCCEEDED", timeout=10)
    assert json.loads(second.outcome(arn)["Result"]) == "done"


def test_skipped_time_ends_a_synchronous_wait_at_once(
        service_factory: Callable[..., DurableExecutions], handler: Handler) -> None:
    service = service_factory(durable_time="skip")
    handler.answers = [succeed(1)]

    outcome = service.invoke(handler.functions["orders"], b"{}", "RequestResponse", None)

    assert json.loads(outcome.payload) == 1


def test_advancing_durable_time_brings_an_executions_timeout_nearer(
        service: DurableExecutions, handler: Handler) -> None:
    handler.answers = [pending()]
    arn = service.start(handler.functions["orders"], b"{}", None)  # ExecutionTimeout 600 s
    assert eventually(lambda: len(handler.inputs) == 1)

    service.advance(601)

    assert eventually(lambda: service.outcome(arn)["Status"] == "TIMED_OUT"), \
        service.outcome(arn)


def test_skipped_time_cannot_be_advanced(
        service_factory: Callable[..., DurableExecutions]) -> None:
    with pytest.raises(InvalidParameterValueException, match="skipped already"):
        service_factory(durable_time="skip").advance(60)


def test_an_execution_the_store_does_not_hold_is_none(service: DurableExecutions) -> None:
    assert service.execution(
        "arn:aws:lambda:us-east-1:000000000000:function:f:1/durable-execution/none/x") is None
