"""The invoke path every caller shares: resolve what a reference names, acquire an
environment, hand the invocation over, wait for its answer. Synchronous invokes, `Event`
invokes (through the asynchronous queue), function URLs and HTTP events, the SQS poller and
moto's S3/SNS/EventBridge fan-in all come through `Invoker`."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

from simulator.config import Settings
from simulator.environments.environment import Environment
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    InvalidRequestContentException,
    InvalidRuntimeException,
    RequestEntityTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
    TooManyRequestsException,
    ValidationException,
)
from simulator.functions.arn_scope import ForeignAccountDenied
from simulator.functions.event_invoke_configs import EventInvokeConfigs, names_alias
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.policy_evaluation import Caller
from simulator.functions.validation import (
    SUPPORTED_RUNTIMES,
    Violations,
    check_tenant_id,
    parse_function_reference,
    unsupported_runtime_message,
)
from simulator.invocation.async_invocations import AsyncInvocations
from simulator.invocation.destinations import DestinationSender
from simulator.invocation.observer import InvocationObserver, NoObserver
from simulator.invocation.payload_errors import not_json_reason
from simulator.invocation.response_stream import ResponseStream
from simulator.invocation.tracing import (
    MOST_ROUNDS,
    RECURSION_MESSAGE,
    RECURSION_STOPPED,
    InvocationTimes,
    InvocationTrace,
    SegmentSink,
    TraceHeader,
    lambda_segments,
    lineage_key,
    new_root,
)
from simulator.models import (
    LATEST,
    FunctionConfig,
    Invocation,
    InvocationResult,
    ResponseSink,
)

log = logging.getLogger(__name__)

MAX_SYNC_PAYLOAD = 6_291_456
MAX_ASYNC_PAYLOAD = 1_048_576
MAX_CLIENT_CONTEXT = 3583
LOG_TAIL_WAIT_SECONDS = 1.0
STREAMING_INVOCATION_TYPES = ("RequestResponse", "DryRun")
DEBUGGER_ATTACH_SECONDS = 600.0


@dataclass
class InvokeOutcome:
    status: int
    payload: bytes = b""
    function_error: str | None = None
    log_result: str | None = None
    executed_version: str | None = None
    result: InvocationResult | None = None
    # AWS's `x-amzn-RequestId`: the id the function sees (an asynchronous invoke's event's).
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    durable_execution_arn: str | None = None  # the execution a durable function's invoke started


class DurableStarts(Protocol):
    """What an invoke of a function with `DurableConfig` goes to: it starts an execution
    (waiting for it when synchronous) instead of running the handler once."""

    def invoke(self, function: FunctionConfig, payload: bytes, invocation_type: str,
               execution_name: str | None) -> InvokeOutcome: ...


# Takes what is to run once the caller has its answer.
AfterAnswer = Callable[[Callable[[], None]], None]


class Invoker:
    def __init__(self, settings: Settings, functions: FunctionOperations,
                 pool: EnvironmentPool, observer: InvocationObserver | None = None,
                 segments: SegmentSink | None = None) -> None:
        self.settings = settings
        self._segments = segments
        self.durable: DurableStarts | None = None  # set when durable executions are served
        # Whether a function's recursion config says `Allow` (by its name); by default no.
        self.recursion_allowed: Callable[[str], bool] = lambda name: False
        self._functions = functions
        self._pool = pool
        self._observer = observer or NoObserver()
        self._event_invoke_configs = EventInvokeConfigs(functions)
        self._async = AsyncInvocations(
            settings, self._as_invoked,
            lambda function, payload, trace_header, tenant_id, request_id: self.run_event(
                function, payload, trace_header, synchronous=False, tenant_id=tenant_id,
                request_id=request_id),
            DestinationSender(settings, self.submit_event),
        )

    def resolve(self, reference: str, qualifier: str | None = None) -> FunctionConfig:
        """The configuration an invoke of `reference` runs: an alias's traffic weights pick
        its version."""
        return self._functions.function(reference, qualifier, route=True)

    def invoke(
        self,
        reference: str,
        qualifier: str | None,
        payload: bytes,
        invocation_type: str = "RequestResponse",
        log_type: str | None = None,
        client_context: str | None = None,
        trace_header: str | None = None,
        durable_execution_name: str | None = None,
        handler_only: bool = False,
        tenant_id: str | None = None,
        after_answer: AfterAnswer | None = None,
    ) -> InvokeOutcome:
        """`handler_only`: run a durable function's handler once on the durable invocation
        input the caller sends, as the durable-execution service itself does (AWS's testing
        runner marks such invokes with a header), rather than start an execution.
        `tenant_id` (X-Amz-Tenant-Id): the tenant a tenant-isolated function runs for.
        `after_answer`: see `run`."""
        function = self.resolve(reference, qualifier)
        if function.state == "Failed":
            raise ResourceConflictException(
                "The operation cannot be performed at this time. The function is currently in "
                f"the following state: Failed. {function.status_reason_code}: "
                f"{function.status_reason}")
        if invocation_type not in ("RequestResponse", "Event", "DryRun"):
            raise InvalidParameterValueException(
                f"Unsupported invocation type {invocation_type}"
            )
        payload, context = _checked_request(
            payload, MAX_ASYNC_PAYLOAD if invocation_type == "Event" else MAX_SYNC_PAYLOAD,
            client_context)
        _check_tenant(function, tenant_id)
        durable = not handler_only and self._is_durable(function, reference, qualifier)
        if invocation_type == "DryRun":
            return InvokeOutcome(204)
        if durable and self.durable is not None:
            return self.durable.invoke(function, payload, invocation_type,
                                       durable_execution_name)
        if invocation_type == "Event":
            event_id = self._queue_event(
                _queued_reference(function, _named_qualifier(reference, qualifier)), payload,
                trace_header, tenant_id)
            return InvokeOutcome(202, request_id=event_id)
        result = self.run(function, payload, context, trace_header,
                          want_log=log_type == "Tail",
                          invoked_as=_named_qualifier(reference, qualifier),
                          tenant_id=tenant_id, after_answer=after_answer)
        outcome = InvokeOutcome(200, result.payload, executed_version=function.version,
                                result=result, request_id=result.request_id)
        if result.failed:
            outcome.function_error = "Unhandled"
        if log_type == "Tail":
            outcome.log_result = encoded_log_tail(result)
        return outcome

    def invoke_with_response_stream(
        self,
        reference: str,
        qualifier: str | None,
        payload: bytes,
        invocation_type: str = "RequestResponse",
        log_type: str | None = None,
        client_context: str | None = None,
        trace_header: str | None = None,
        tenant_id: str | None = None,
    ) -> tuple[FunctionConfig, ResponseStream | None]:
        """InvokeWithResponseStream: checked as Invoke is, then run in the background while
        the caller writes the stream out as it comes; no stream for a DryRun."""
        function = self.resolve(reference, qualifier)
        violations = Violations()
        if invocation_type not in STREAMING_INVOCATION_TYPES:
            violations.add(invocation_type, "invocationType", "Member must satisfy enum value "
                           f"set: [{', '.join(STREAMING_INVOCATION_TYPES)}]")
        violations.raise_if_any()
        payload, context = _checked_request(payload, MAX_SYNC_PAYLOAD, client_context)
        _check_tenant(function, tenant_id)
        durable = self._is_durable(function, reference, qualifier)
        if invocation_type == "DryRun":
            return function, None
        if durable:  # the execution's result, as one chunk
            stream = ResponseStream()
            stream.run_in_background(lambda: self.run_event(function, payload, trace_header))
            return function, stream
        return function, self.run_streamed(function, payload, context, trace_header,
                                           want_log=log_type == "Tail",
                                           invoked_as=_named_qualifier(reference, qualifier),
                                           tenant_id=tenant_id)

    def run_streamed(
        self,
        function: FunctionConfig,
        payload: bytes,
        client_context: str | None = None,
        trace_header: str | None = None,
        want_log: bool = False,
        invoked_as: str | None = None,
        tenant_id: str | None = None,
        request_id: str | None = None,
    ) -> ResponseStream:
        """`run` on a thread of its own, the answer streaming to the caller as the runtime
        writes it: the caller's thread is free to write each chunk out as it comes."""
        stream = ResponseStream()
        stream.run_in_background(lambda: self.run(
            function, payload, client_context, trace_header, want_log=want_log,
            invoked_as=invoked_as, response_sink=stream, tenant_id=tenant_id,
            request_id=request_id))
        return stream

    def submit_event(self, reference: str, payload: bytes,
                     trace_header: str | None = None, tenant_id: str | None = None) -> None:
        """Queue an asynchronous invocation, as S3, SNS, EventBridge and `Event` invokes do;
        the trace and the tenant go on with the event."""
        self._queue_event(reference, payload, trace_header, tenant_id)

    def _queue_event(self, reference: str, payload: bytes, trace_header: str | None,
                     tenant_id: str | None) -> str:
        """`submit_event`, telling the event's request id."""
        function = self.resolve(reference)
        # Accepting the event starts its trace: every attempt and destination shares it.
        trace_header = trace_header or TraceHeader(new_root()).render()
        return self._async.submit(_queued_reference(function, _named_qualifier(reference, None)),
                                  payload, trace_header, tenant_id)

    def _as_invoked(self, reference: str) -> FunctionConfig | None:
        """What a queued event runs, with the event invoke config it follows; None for a
        reference that no longer resolves."""
        try:
            return self._event_invoke_configs.as_invoked(reference)
        except (ResourceNotFoundException, ValidationException):
            return None

    def deliver_if_known(self, function_arn: str, payload: bytes,
                         trace_header: str | None = None, sender: Caller | None = None
                         ) -> bool:
        """Queue an event from a shared source (moto's S3/SNS/EventBridge) if the function
        is ours; False lets another simulator in the process (or another account's or
        region's) take it. An event its sender
        may not deliver (the function's policy does not allow it) is dropped in strict
        mode, as AWS fails that delivery."""
        try:
            if sender is not None and not self._functions.lets_in(function_arn, sender):
                return True
            self.submit_event(function_arn, payload, trace_header)
        except (ResourceNotFoundException, ValidationException, ForeignAccountDenied):
            return False
        return True

    def answer_if_known(self, function_arn: str, payload: bytes, sender: Caller
                        ) -> InvocationResult | None:
        """Run a function a service waits on (a Cognito trigger) to its answer; None when it
        is not this simulator's. A sender its policy keeps out is refused in strict mode."""
        try:
            function = self.resolve(function_arn)
            if not self._functions.lets_in(function_arn, sender):
                raise AccessDeniedException(
                    f"{sender.principal} may not invoke {function_arn}")
        except (ResourceNotFoundException, ValidationException, ForeignAccountDenied):
            return None
        return self.run_event(function, payload,
                              invoked_as=_named_qualifier(function_arn, None))

    def _is_durable(self, function: FunctionConfig, reference: str,
                    qualifier: str | None) -> bool:
        """An invoke of a durable function starts an execution, and must name a version or
        an alias, as AWS requires."""
        if not function.durable_config or self.durable is None:
            return False
        if _named_qualifier(reference, qualifier) is None:
            raise InvalidParameterValueException(
                "You cannot invoke a durable function using an unqualified ARN.")
        return True

    def run_event(self, function: FunctionConfig, payload: bytes,
                  trace_header: str | None = None, invoked_as: str | None = None,
                  synchronous: bool = True, tenant_id: str | None = None,
                  request_id: str | None = None) -> InvocationResult:
        """An event source's invocation: the handler runs once, or, for a durable function,
        a durable execution starts (each event its own, as AWS's event sources start them),
        waited for when the source invokes synchronously (an SQS mapping)."""
        if self._stops_recursion(function, trace_header):
            return InvocationResult(json.dumps({
                "errorType": RECURSION_STOPPED, "errorMessage": RECURSION_MESSAGE}).encode(),
                error_type=RECURSION_STOPPED)
        if not function.durable_config or self.durable is None:
            return self.run(function, payload, trace_header=trace_header,
                            invoked_as=invoked_as, tenant_id=tenant_id, request_id=request_id)
        outcome = self.durable.invoke(function, payload,
                                      "RequestResponse" if synchronous else "Event", None)
        return InvocationResult(outcome.payload,
                                error_type="Unhandled" if outcome.function_error else None)

    def _stops_recursion(self, function: FunctionConfig, trace_header: str | None) -> bool:
        """Whether this event's chain has invoked the function as often as Lambda allows a
        recursive loop to (and the function doesn't allow loops): it is not invoked again."""
        incoming = TraceHeader.parse(trace_header)
        if incoming is None or not incoming.lineage:
            return False
        arn = function.arn(self.settings.region, self.settings.account_id)
        rounds = dict(incoming.lineage).get(lineage_key(arn), 0)
        if rounds < MOST_ROUNDS or self.recursion_allowed(function.name):
            return False
        log.warning("%s: Lambda detected a recursive loop after %d invocations of the same "
                    "event's chain and stopped the next one (PutFunctionRecursionConfig "
                    "RecursiveLoop=Allow lets it run)", function.name, rounds)
        self._observer.record_dropped(function.name)
        return True

    def run(
        self,
        function: FunctionConfig,
        payload: bytes,
        client_context: str | None = None,
        trace_header: str | None = None,
        want_log: bool = False,
        invoked_as: str | None = None,
        response_sink: ResponseSink | None = None,
        tenant_id: str | None = None,
        request_id: str | None = None,
        after_answer: AfterAnswer | None = None,
    ) -> InvocationResult:
        """Run one invocation to its answer: the path every event source shares.
        `invoked_as` is the qualifier the caller named (an alias, a version): the function
        sees it in its invoked ARN, as on AWS. `trace_header` is the caller's
        `X-Amzn-Trace-Id`, if it sent one. A `response_sink` gets what the runtime streams
        as it streams it (the result then holds no payload but an error's). A `tenant_id`
        runs it in an environment of that tenant's own, never another tenant's. A
        `request_id` is one the caller gave: the one an asynchronous event keeps through all
        its attempts, a function URL request's own. A caller that sends the answer before
        anything else (the Invoke route) passes `after_answer`, which is handed the recording
        of the invocation (metrics, history, trace segments) to run once the answer is out."""
        if function.package_type == "Zip" and function.runtime not in SUPPORTED_RUNTIMES:
            raise InvalidRuntimeException(
                f"{unsupported_runtime_message(function.runtime)}: {function.name} is deployed "
                "but cannot run here")
        if tenant_id is not None:
            function = replace(function, tenant_id=tenant_id)
        started = time.monotonic()
        trace = InvocationTrace.begin(trace_header, function.tracing_mode).passed_on(
            function.arn(self.settings.region, self.settings.account_id))
        invoked_arn = _invoked_arn(function, self.settings.region, self.settings.account_id,
                                   invoked_as)
        try:
            environment, cold = self._pool.acquire(function)
        except TooManyRequestsException:
            self._observer.record(function.name, None, throttled=True)
            self._record_trace(trace, function, invoked_arn, "", started, None, None)
            raise
        acquired = time.monotonic()
        invocation = Invocation(
            payload=payload,
            invoked_arn=invoked_arn,
            client_context=client_context,
            trace_id=trace.function_header,
            trace_report=trace.report_line() if trace.sampled else "",
            want_log_tail=want_log,
            response_sink=response_sink,
            tenant_id=tenant_id,
            answer_first=after_answer is not None and not want_log,
        )
        if request_id:
            invocation.request_id = request_id
        if after_answer is not None:
            after_answer(invocation.answered)
        self._pool.track_request(invocation.request_id, environment)
        cold = cold or not environment.initialised
        try:
            environment.assign(invocation)
            # Most answers come within the function's timeout even counted from here: one
            # wait, and no wake-up at the dispatch on the way (it would compete with the
            # Runtime API thread handing the event over).
            if not invocation.done.wait(function.timeout):
                self._await_late_answer(function, environment, invocation, acquired)
        finally:
            self._pool.forget_request(invocation.request_id)
            self._pool.release(environment)
        result = invocation.result or InvocationResult(
            json.dumps({"errorType": "Runtime.Unknown",
                        "errorMessage": f"RequestId: {invocation.request_id} Error: the "
                        "execution environment did not answer"}).encode(),
            error_type="Runtime.Unknown",
        )
        result.cold = cold
        result.request_id = invocation.request_id
        result.trace_id = trace.root if trace.sampled else ""
        dispatched = invocation.dispatched_at or acquired
        result.phases_ms = {
            "launch": (acquired - started) * 1000,
            "init": (dispatched - acquired) * 1000,
            "invoke": (time.monotonic() - dispatched) * 1000,
        }

        def record() -> None:
            self._observer.record(function.name, result, throttled=False)
            self._record_trace(trace, function, invoked_arn, invocation.request_id, started,
                               invocation.dispatched_at or None, result)

        if after_answer is None:
            record()
        else:
            after_answer(record)
        return result

    def _record_trace(self, trace: InvocationTrace, function: FunctionConfig,
                      invoked_arn: str, request_id: str, started: float,
                      dispatched: float | None, result: InvocationResult | None) -> None:
        """Lambda's own segments for a sampled invocation, to whoever keeps traces."""
        if not trace.sampled or self._segments is None:
            return
        now_wall, now = time.time(), time.monotonic()
        times = InvocationTimes(
            received=now_wall - (now - started),
            dispatched=None if dispatched is None else now_wall - (now - dispatched),
            handler_seconds=result.duration_ms / 1000 if result is not None else 0.0,
            answered=now_wall, cold=result is not None and result.cold,
        )
        for document in lambda_segments(trace, function, invoked_arn,
                                        self.settings.account_id, request_id, times, result):
            try:
                self._segments(document)
            except ValueError:  # the store refused it: the invocation stands all the same
                log.warning("trace segment for %s not kept", function.name, exc_info=True)

    def _await_late_answer(self, function: FunctionConfig, environment: Environment,
                           invocation: Invocation, assigned_at: float) -> None:
        """The limits of a slow invocation: the runtime must take it within the start-up
        allowance, then answer by its deadline (the timeout counted from the dispatch)."""
        startup = self.settings.init_timeout + function.timeout
        if function.name in self._pool.debug_ports:
            startup = DEBUGGER_ATTACH_SECONDS  # the runtime waits for the debugger
        if not invocation.dispatched.wait(max(assigned_at + startup - time.monotonic(), 0)):
            environment.stop()
            invocation.dispatched.wait(1.0)
        remaining = invocation.deadline_ms / 1000 - time.time()
        if not invocation.done.wait(max(remaining, 0)):
            environment.time_out(invocation)
        invocation.done.wait(5.0)

    def shutdown(self) -> None:
        self._async.close()


def _invoked_arn(function: FunctionConfig, region: str, account_id: str,
                 invoked_as: str | None) -> str:
    arn = function.arn(region, account_id)
    if invoked_as:
        return f"{arn}:{invoked_as}"
    return arn if function.version == LATEST else f"{arn}:{function.version}"


def _queued_reference(function: FunctionConfig, named: str | None) -> str:
    """What an event is queued for: an alias stays named, so that each attempt follows the
    alias (its routing, its event invoke config); otherwise the version resolved."""
    if names_alias(named):
        return f"{function.name}:{named}"
    return _reference(function)


def _named_qualifier(reference: str, qualifier: str | None) -> str | None:
    """The qualifier an invoke names, by parameter or in the reference; a plain name (the
    common case) names none."""
    if qualifier:
        return qualifier
    return parse_function_reference(reference)[1] if ":" in reference else None


def encoded_log_tail(result: InvocationResult) -> str | None:
    """`LogResult`: the base64 of the invocation's last 4 KB of log, once its END and
    REPORT lines are in."""
    if result.log_record is None:
        return None
    result.log_record.complete.wait(LOG_TAIL_WAIT_SECONDS)
    return base64.b64encode(result.log_record.tail().encode()).decode()


def _check_tenant(function: FunctionConfig, tenant_id: str | None) -> None:
    """A tenant-isolated function is invoked for a tenant, and only such a function is (AWS
    refuses either mismatch with InvalidParameterValueException)."""
    if tenant_id is not None:
        check_tenant_id(tenant_id)
    if function.tenant_isolation_mode and tenant_id is None:
        raise InvalidParameterValueException(
            f"The function {function.name} has tenant isolation mode "
            f"{function.tenant_isolation_mode}: an invoke of it must give a tenant id "
            "(TenantId, the X-Amz-Tenant-Id header).")
    if not function.tenant_isolation_mode and tenant_id is not None:
        raise InvalidParameterValueException(
            f"A tenant id ({tenant_id}) was given, but the function {function.name} does not "
            "have tenant isolation enabled: invoke it without a TenantId.")


def _reference(function: FunctionConfig) -> str:
    return function.name if function.version == LATEST else f"{function.name}:{function.version}"


def _checked_request(payload: bytes, limit: int, client_context: str | None
                     ) -> tuple[bytes, str | None]:
    """AWS's checks of an invoke's payload (its size, JSON) and client context."""
    if len(payload) > limit:
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation")
    return _checked_json(payload), _decode_client_context(client_context)


def _checked_json(payload: bytes) -> bytes:
    """AWS refuses a payload that is not JSON; an empty one arrives as `{}`."""
    if not payload.strip():
        return b"{}"
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise InvalidRequestContentException(
            "Could not parse request body into json: Could not parse payload into json: "
            f"{not_json_reason(payload, error)}") from None
    return payload


def _decode_client_context(encoded: str | None) -> str | None:
    if not encoded:
        return None
    if len(encoded) > MAX_CLIENT_CONTEXT:
        raise InvalidRequestContentException(
            f"Client context must be smaller than {MAX_CLIENT_CONTEXT} bytes."
        )
    try:
        decoded = base64.b64decode(encoded, validate=True).decode()
        json.loads(decoded)
    except (binascii.Error, ValueError):
        raise InvalidRequestContentException(
            "Client context must be a valid Base64-encoded JSON object."
        ) from None
    return decoded
