"""The data plane: the checks and shapes of invoke (invocation types, payload limits,
client context, qualifiers, the log tail), with functions run by the fake executor."""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import replace
from typing import Any

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    InvalidRuntimeException,
    RequestEntityTooLargeException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.executors.fake import FakeContext, FakeExecutor, Streamed
from simulator.functions.policy_evaluation import Caller
from simulator.invocation.invoker import MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD, InvokeOutcome
from simulator.invocation.tracing import MOST_ROUNDS, RECURSION_STOPPED, lineage_key
from tests.helpers import eventually
from tests.unit.lambda_service import ARN, LambdaService, create

# -- invocation types -------------------------------------------------------------------------


def test_request_response_answers_200_with_the_result(service: LambdaService) -> None:
    create(service)

    outcome = service.invoker.invoke("fn", None, b'{"key": "value"}')

    assert outcome.status == 200
    assert json.loads(outcome.payload) == {"key": "value"}
    assert outcome.function_error is None
    assert outcome.executed_version == "$LATEST"
    assert outcome.log_result is None


def test_a_handler_exception_answers_200_with_an_unhandled_function_error(
    service: LambdaService, executor: FakeExecutor
) -> None:
    def fail(event: Any, context: FakeContext) -> None:
        raise ValueError("no good")

    executor.handlers["app.fail"] = fail
    create(service, Handler="app.fail")

    outcome = service.invoker.invoke("fn", None, b"{}")

    assert outcome.status == 200
    assert outcome.function_error == "Unhandled"
    assert json.loads(outcome.payload)["errorType"] == "ValueError"


def test_event_answers_202_and_runs_in_the_background(
    service: LambdaService, executor: FakeExecutor
) -> None:
    received: list[Any] = []
    ran = threading.Event()

    def record(event: Any, context: FakeContext) -> None:
        received.append((event, context.aws_request_id))
        ran.set()

    executor.handlers["app.record"] = record
    create(service, Handler="app.record")

    outcome = service.invoker.invoke("fn", None, b'{"n": 1}', invocation_type="Event")

    assert outcome.status == 202 and outcome.payload == b""
    assert ran.wait(5)
    assert received == [({"n": 1}, outcome.request_id)]  # the answer names the event's id


def test_dry_run_answers_204_and_runs_nothing(
    pool: EnvironmentPool, service: LambdaService, executor: FakeExecutor
) -> None:
    create(service)

    outcome = service.invoker.invoke("fn", None, b"{}", invocation_type="DryRun")

    assert outcome.status == 204
    assert executor.launches == 0
    assert pool.live_environments() == []


def test_an_unknown_invocation_type_is_refused(service: LambdaService) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.invoker.invoke("fn", None, b"{}", invocation_type="Later")


# -- payloads ---------------------------------------------------------------------------------


def json_string_of_size(size: int) -> bytes:
    return b'"' + b"x" * (size - 2) + b'"'


LIMITS = [("RequestResponse", MAX_SYNC_PAYLOAD), ("Event", MAX_ASYNC_PAYLOAD)]


def test_a_6_mb_payload_runs_synchronously(service: LambdaService, executor: FakeExecutor) -> None:
    executor.handlers["app.size"] = lambda event, context: len(event)
    create(service, Handler="app.size")

    outcome = service.invoker.invoke("fn", None, json_string_of_size(MAX_SYNC_PAYLOAD))

    assert outcome.payload == str(MAX_SYNC_PAYLOAD - 2).encode()


def test_a_1_mb_event_is_accepted(service: LambdaService) -> None:
    create(service)

    payload = json_string_of_size(MAX_ASYNC_PAYLOAD)

    assert service.invoker.invoke("fn", None, payload, invocation_type="Event").status == 202


@pytest.mark.parametrize(("invocation_type", "limit"), LIMITS)
def test_a_payload_over_the_limit_is_too_large(
    service: LambdaService, invocation_type: str, limit: int
) -> None:
    create(service)

    with pytest.raises(RequestEntityTooLargeException) as refused:
        service.invoker.invoke("fn", None, json_string_of_size(limit + 1),
                       invocation_type=invocation_type)

    assert refused.value.status == 413


@pytest.mark.parametrize("payload", [b"{not json", b'{"a": 1', b"\xff\xfe"])
def test_a_payload_that_is_not_json_is_refused(service: LambdaService, payload: bytes) -> None:
    create(service)

    with pytest.raises(InvalidRequestContentException):
        service.invoker.invoke("fn", None, payload)


def test_a_payload_that_is_not_utf8_is_refused_in_aws_words(service: LambdaService) -> None:
    create(service)

    with pytest.raises(InvalidRequestContentException) as refused:
        service.invoker.invoke("fn", None, b'"n\x87r"')

    assert refused.value.message.startswith(
        "Could not parse request body into json: Could not parse payload into json: Invalid "
        "UTF-8 start byte 0x87\n at [Source: REDACTED")


def test_a_function_deployed_in_a_runtime_that_cannot_run_here_fails_its_invokes(
        service: LambdaService) -> None:
    create(service)
    deployed = replace(service.functions.function("fn"), runtime="java21")

    with pytest.raises(InvalidRuntimeException, match="fn is deployed but cannot run here"):
        service.invoker.run(deployed, b"{}")


@pytest.mark.parametrize("payload", [b"", b"  \n"])
def test_an_empty_payload_arrives_as_an_empty_object(
    service: LambdaService, payload: bytes
) -> None:
    create(service)

    assert service.invoker.invoke("fn", None, payload).payload == b"{}"


def test_client_context_reaches_the_handler_decoded(
    service: LambdaService, executor: FakeExecutor
) -> None:
    executor.handlers["app.context"] = lambda event, context: context.client_context
    create(service, Handler="app.context")
    context = {"custom": {"tenant": "a"}, "env": {}, "client": {}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()

    outcome = service.invoker.invoke("fn", None, b"{}", client_context=encoded)

    assert json.loads(outcome.payload) == context


@pytest.mark.parametrize(
    "client_context",
    ["not base64!", base64.b64encode(b"not json").decode(), base64.b64encode(b"\xff").decode()],
)
def test_a_client_context_that_is_not_base64_json_is_refused(
    service: LambdaService, client_context: str
) -> None:
    create(service)

    with pytest.raises(InvalidRequestContentException):
        service.invoker.invoke("fn", None, b"{}", client_context=client_context)


# -- qualifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "qualifier"),
    [("fn", "$LATEST"), ("fn:$LATEST", None), ("fn:$LATEST", "$LATEST"), (ARN, None)],
)
def test_latest_can_be_named_every_way(
    service: LambdaService, reference: str, qualifier: str | None
) -> None:
    create(service)

    assert service.invoker.invoke(reference, qualifier, b"{}").status == 200


@pytest.mark.parametrize(("reference", "qualifier"), [("fn", "1"), ("fn", "prod"), ("fn:1", None)])
def test_a_qualifier_other_than_latest_is_not_found(
    service: LambdaService, reference: str, qualifier: str | None
) -> None:
    create(service)

    with pytest.raises(ResourceNotFoundException):
        service.invoker.invoke(reference, qualifier, b"{}")


@pytest.mark.parametrize(("reference", "qualifier"), [("fn:$LATEST", "1"), ("fn:1", "2")])
def test_a_qualifier_that_contradicts_the_name_is_invalid(
    service: LambdaService, reference: str, qualifier: str
) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.invoker.invoke(reference, qualifier, b"{}")


# -- logs -------------------------------------------------------------------------------------


def test_log_type_tail_returns_the_invocation_log(
    service: LambdaService, executor: FakeExecutor
) -> None:
    def named(event: Any, context: FakeContext) -> str:
        context.print("hello from the handler")
        return context.aws_request_id

    executor.handlers["app.named"] = named
    create(service, Handler="app.named")

    outcome = service.invoker.invoke("fn", None, b"{}", log_type="Tail")

    assert outcome.log_result is not None
    request_id = json.loads(outcome.payload)
    lines = base64.b64decode(outcome.log_result).decode().splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[1] == "hello from the handler"
    assert lines[2] == f"END RequestId: {request_id}"
    assert re.fullmatch(
        rf"REPORT RequestId: {request_id}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t"
        r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t",
        lines[3],
    )
    assert len(lines) == 4


# -- tracing ----------------------------------------------------------------------------------

TRACE_ROOT = "1-5759e988-bd862e3fe1be46a994272793"


def traced(executor: FakeExecutor) -> list[str | None]:
    """The trace header each invocation's runtime got (`Lambda-Runtime-Trace-Id`)."""
    seen: list[str | None] = []

    def handler(event: Any, context: FakeContext) -> Any:
        seen.append(context.trace_id)
        return {}

    executor.handlers["app.traced"] = handler
    return seen


def test_active_tracing_records_lambdas_segments_under_the_callers_trace(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = traced(executor)
    create(service, Handler="app.traced", TracingConfig={"Mode": "Active"})

    outcome = service.invoker.invoke("fn", None, b"{}", log_type="Tail",
                                     trace_header=f"Root={TRACE_ROOT};Parent=53995c3f42cd8ad8")

    [header] = seen
    service_segment, function_segment = service.segments
    assert header == (f"Root={TRACE_ROOT};Parent={function_segment['id']};Sampled=1;"
                      f"Lineage={lineage_key(ARN)}:1")
    assert service_segment["parent_id"] == "53995c3f42cd8ad8"
    assert service_segment["aws"]["request_id"] == outcome.request_id
    assert function_segment["parent_id"] == service_segment["id"]
    assert [s["name"] for s in function_segment["subsegments"]] == [
        "Initialization", "Invocation", "Overhead"]
    assert service_segment["start_time"] <= function_segment["start_time"] \
        <= function_segment["end_time"] <= service_segment["end_time"]
    report = base64.b64decode(outcome.log_result or "").decode()
    assert (f"XRAY TraceId: {TRACE_ROOT}\tSegmentId: {function_segment['id']}\t"
            "Sampled: true") in report


def test_pass_through_carries_the_header_on_and_records_nothing_unsampled(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = traced(executor)
    create(service, Handler="app.traced")

    service.invoker.invoke("fn", None, b"{}")
    service.invoker.invoke("fn", None, b"{}", trace_header=f"Root={TRACE_ROOT};Sampled=1")

    unsampled, sampled = seen
    assert unsampled is not None and unsampled.endswith(f";Sampled=0;Lineage={lineage_key(ARN)}:1")
    assert sampled is not None and sampled.startswith(f"Root={TRACE_ROOT};Parent=")
    assert {s["trace_id"] for s in service.segments} == {TRACE_ROOT}
    assert [s["subsegments"][0]["name"] for s in service.segments
            if s["origin"] == "AWS::Lambda::Function"] == ["Invocation"]  # warm by now


def test_an_event_invoke_keeps_its_callers_trace(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = traced(executor)
    create(service, Handler="app.traced")

    service.invoker.invoke("fn", None, b"{}", invocation_type="Event",
                           trace_header=f"Root={TRACE_ROOT};Sampled=1")

    assert eventually(lambda: len(service.segments) == 2)
    assert seen[0] is not None and seen[0].startswith(f"Root={TRACE_ROOT};")


# -- InvokeWithResponseStream -----------------------------------------------------------------


def test_a_streamed_invoke_hands_each_chunk_over_as_the_runtime_writes_it(
    service: LambdaService, executor: FakeExecutor
) -> None:
    second_written = threading.Event()

    def chunks() -> Any:
        yield b"first"
        second_written.wait(5)  # the caller has the first before the runtime goes on
        yield b"second"

    executor.handlers["app.streams"] = lambda event, context: Streamed(chunks(), "text/plain")
    create(service, Handler="app.streams")

    function, stream = service.invoker.invoke_with_response_stream("fn", None, b"{}")
    assert stream is not None
    stream.wait_started()
    received = stream.chunks()
    first = next(received)
    second_written.set()

    assert (function.name, stream.content_type, first) == ("fn", "text/plain", b"first")
    assert list(received) == [b"second"]
    assert stream.result is not None and stream.result.streamed is not None
    assert stream.result.streamed.chunks == 2


def test_a_streamed_invoke_names_its_qualifier_in_the_invoked_arn(
    service: LambdaService, executor: FakeExecutor
) -> None:
    arns: list[str] = []
    executor.handlers["app.handler"] = lambda event, context: arns.append(
        context.invoked_function_arn)
    create(service)

    function, stream = service.invoker.invoke_with_response_stream("fn:$LATEST", None, b"{}")
    assert stream is not None
    list(stream.chunks())

    assert function.version == "$LATEST"
    assert arns == [f"{ARN}:$LATEST"]


@pytest.mark.parametrize(("invocation_type", "payload", "error"), [
    ("Event", b"{}", ValidationException),
    ("RequestResponse", b"x" * (MAX_SYNC_PAYLOAD + 1), RequestEntityTooLargeException),
    ("RequestResponse", b"{not json", InvalidRequestContentException),
])
def test_a_streamed_invoke_is_checked_before_it_runs(
    service: LambdaService, invocation_type: str, payload: bytes, error: type[Exception]
) -> None:
    create(service)

    with pytest.raises(error):
        service.invoker.invoke_with_response_stream("fn", None, payload, invocation_type)


def test_a_streamed_dry_run_runs_nothing(service: LambdaService, executor: FakeExecutor) -> None:
    create(service)

    function, stream = service.invoker.invoke_with_response_stream("fn", None, b"{}", "DryRun")

    assert (function.name, stream) == ("fn", None)
    assert executor.launches == 0


# -- durable functions ------------------------------------------------------------------------


class StartedExecutions:
    """Stands in for the durable-execution service: records what it was asked to start."""

    def __init__(self) -> None:
        self.started: list[tuple[str, bytes, str, str | None]] = []

    def invoke(self, function: Any, payload: bytes, invocation_type: str,
               execution_name: str | None) -> InvokeOutcome:
        self.started.append((function.name, payload, invocation_type, execution_name))
        failed = payload == b'{"fail": true}'
        return InvokeOutcome(200, b'"done"', function_error="Unhandled" if failed else None,
                             durable_execution_arn="arn")


def test_a_durable_function_is_invoked_qualified_and_starts_an_execution(
        service: LambdaService) -> None:
    executions = StartedExecutions()
    service.invoker.durable = executions
    create(service, DurableConfig={"ExecutionTimeout": 60})

    with pytest.raises(InvalidParameterValueException,
                       match="You cannot invoke a durable function using an unqualified ARN."):
        service.invoker.invoke("fn", None, b"{}")
    outcome = service.invoker.invoke("fn", "$LATEST", b"{}", durable_execution_name="one")
    handler_run = service.invoker.invoke("fn", None, b"{}", handler_only=True)

    assert outcome.durable_execution_arn == "arn"
    assert executions.started == [("fn", b"{}", "RequestResponse", "one")]
    assert handler_run.status == 200  # the handler itself ran, as the service asks


def test_event_sources_start_executions_of_durable_functions_only(
        service: LambdaService) -> None:
    executions = StartedExecutions()
    service.invoker.durable = executions
    create(service, name="flow", DurableConfig={"ExecutionTimeout": 60})
    create(service, name="plain")
    flow = service.invoker.resolve("flow")

    queued = service.invoker.run_event(flow, b"{}", synchronous=False)
    polled = service.invoker.run_event(flow, b'{"fail": true}')
    plain = service.invoker.run_event(service.invoker.resolve("plain"), b'{"n": 1}')

    assert [(name, kind) for name, _, kind, _ in executions.started] == [
        ("flow", "Event"), ("flow", "RequestResponse")]
    assert not queued.failed and polled.error_type == "Unhandled"
    assert json.loads(plain.payload) == {"n": 1}


def test_a_streamed_invoke_of_a_durable_function_streams_the_executions_result(
        service: LambdaService) -> None:
    executions = StartedExecutions()
    service.invoker.durable = executions
    create(service, DurableConfig={"ExecutionTimeout": 60})

    with pytest.raises(InvalidParameterValueException, match="unqualified ARN"):
        service.invoker.invoke_with_response_stream("fn", None, b"{}")
    _, stream = service.invoker.invoke_with_response_stream("fn:$LATEST", None, b"{}")

    assert stream is not None
    stream.wait_started()
    list(stream.chunks())
    assert stream.result is not None and stream.result.payload == b'"done"'
    assert [kind for _, _, kind, _ in executions.started] == ["RequestResponse"]


# -- recursive loops ----------------------------------------------------------------------------


def test_each_invocation_counts_its_function_in_the_lineage_it_passes_on(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = traced(executor)
    create(service, Handler="app.traced")
    other = "0badcafe"

    service.invoker.invoke("fn", None, b"{}", trace_header=(
        f"Root={TRACE_ROOT};Sampled=0;Lineage={other}:3|{lineage_key(ARN)}:4"))

    [header] = seen
    assert header is not None and header.endswith(
        f";Lineage={other}:3|{lineage_key(ARN)}:5")


def lineage_of(rounds: int) -> str:
    return f"Root={TRACE_ROOT};Sampled=0;Lineage={lineage_key(ARN)}:{rounds}"


def test_an_event_source_stops_a_recursive_loop_after_aws_count(
    service: LambdaService, executor: FakeExecutor, caplog: pytest.LogCaptureFixture
) -> None:
    seen = traced(executor)
    function = service.functions.function(create(service, Handler="app.traced")["FunctionName"])

    below = service.invoker.run_event(function, b"{}", trace_header=lineage_of(MOST_ROUNDS - 1))
    with caplog.at_level("WARNING"):
        stopped = service.invoker.run_event(function, b"{}",
                                            trace_header=lineage_of(MOST_ROUNDS))

    assert not below.failed and len(seen) == 1
    assert stopped.error_type == RECURSION_STOPPED and len(seen) == 1
    assert json.loads(stopped.payload)["errorType"] == RECURSION_STOPPED
    assert "detected a recursive loop" in caplog.text


def test_a_function_that_allows_recursion_is_not_stopped(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = traced(executor)
    function = service.functions.function(create(service, Handler="app.traced")["FunctionName"])
    service.invoker.recursion_allowed = lambda name: name == function.name

    result = service.invoker.run_event(function, b"{}", trace_header=lineage_of(40))

    assert not result.failed and len(seen) == 1


# -- tenant isolation -------------------------------------------------------------------------

PER_TENANT = {"TenancyConfig": {"TenantIsolationMode": "PER_TENANT"}}


def tenants_seen(executor: FakeExecutor) -> list[str | None]:
    """The tenant each invocation of `app.tenant` ran for, as its context said."""
    seen: list[str | None] = []

    def tenant(event: Any, context: FakeContext) -> str | None:
        seen.append(context.tenant_id)
        return context.tenant_id

    executor.handlers["app.tenant"] = tenant
    return seen


def test_a_tenant_isolated_function_sees_the_tenant_it_was_invoked_for(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = tenants_seen(executor)
    create(service, Handler="app.tenant", **PER_TENANT)

    outcome = service.invoker.invoke("fn", None, b"{}", tenant_id="blue")
    queued = service.invoker.invoke("fn", None, b"{}", invocation_type="Event",
                                    tenant_id="green")

    assert json.loads(outcome.payload) == "blue"
    assert queued.status == 202
    assert eventually(lambda: seen == ["blue", "green"])


def test_a_tenant_isolated_function_is_not_invoked_without_a_tenant(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = tenants_seen(executor)
    create(service, Handler="app.tenant", **PER_TENANT)

    for invocation_type in ("RequestResponse", "Event", "DryRun"):
        with pytest.raises(InvalidParameterValueException) as refused:
            service.invoker.invoke("fn", None, b"{}", invocation_type=invocation_type)
        assert refused.value.status == 400
        assert "fn" in refused.value.message and "tenant id" in refused.value.message
    with pytest.raises(InvalidParameterValueException):
        service.invoker.invoke_with_response_stream("fn", None, b"{}")
    assert seen == []


def test_a_function_without_tenant_isolation_refuses_a_tenant(
    service: LambdaService, executor: FakeExecutor
) -> None:
    seen = tenants_seen(executor)
    create(service, Handler="app.tenant")

    with pytest.raises(InvalidParameterValueException) as refused:
        service.invoker.invoke("fn", None, b"{}", tenant_id="blue")

    assert "blue" in refused.value.message and "fn" in refused.value.message
    assert json.loads(service.invoker.invoke("fn", None, b"{}").payload) is None
    assert seen == [None]


@pytest.mark.parametrize(("tenant", "constraint"), [
    ("no#hash", "Member must satisfy regular expression pattern"),
    ("t" * 257, "Member must have length less than or equal to 256"),
])
def test_a_tenant_id_outside_the_models_constraints_is_invalid(
    service: LambdaService, tenant: str, constraint: str
) -> None:
    create(service, **PER_TENANT)

    with pytest.raises(ValidationException) as invalid:
        service.invoker.invoke("fn", None, b"{}", tenant_id=tenant)

    assert f"at 'tenantId' failed to satisfy constraint: {constraint}" in invalid.value.message


# -- services that wait on a function (Cognito triggers) -------------------------------------


def test_a_service_gets_its_functions_answer_and_none_for_another_simulators(
    service: LambdaService,
) -> None:
    create(service)
    cognito = Caller("cognito-idp.amazonaws.com", "arn:aws:cognito-idp:us-east-1:1:userpool/p")

    result = service.invoker.answer_if_known(ARN, b'{"response": {}}', cognito)

    assert result is not None and json.loads(result.payload) == {"response": {}}
    assert service.invoker.answer_if_known(ARN.replace(":fn", ":elsewhere"), b"{}",
                                           cognito) is None
