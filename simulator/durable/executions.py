"""Durable executions as the Lambda service keeps them: started by an Invoke of a function
with `DurableConfig`, persisted in the state folder, driven by checkpoints from the function's
SDK, woken by timers and callbacks, and answered through the durable-execution operations.

The service's logic (checkpoint validation, operation state, replay, retries, timers) is AWS's
own, from `aws-durable-execution-sdk-python-testing`. Beyond its public parts this module
touches two internals, which is why that package is pinned to the minor version tested:
execution ARNs get AWS's shape (`...:function:NAME:VERSION/durable-execution/NAME/ID`), and
executions still running when the server stopped are taken up again when it starts."""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python_testing import execution as execution_module
from aws_durable_execution_sdk_python_testing.checkpoint.processor import CheckpointProcessor
from aws_durable_execution_sdk_python_testing.child_dispatcher import (
    UnconfiguredChildDispatcher,
)
from aws_durable_execution_sdk_python_testing.clock import Clock, RealClock, SkipClock
from aws_durable_execution_sdk_python_testing.exceptions import (
    ResourceNotFoundException as LibraryResourceNotFound,
)
from aws_durable_execution_sdk_python_testing.execution import Execution
from aws_durable_execution_sdk_python_testing.executor import Executor
from aws_durable_execution_sdk_python_testing.model import StartDurableExecutionInput
from aws_durable_execution_sdk_python_testing.scheduler import Scheduler
from aws_durable_execution_sdk_python_testing.stores.sqlite import SQLiteExecutionStore

from simulator.config import Settings
from simulator.durable.handler_invocations import HandlerInvocations, Resolve, Run
from simulator.errors import (
    DurableExecutionAlreadyStartedException,
    InvalidParameterValueException,
)
from simulator.invocation.invoker import InvokeOutcome
from simulator.models import LATEST, FunctionConfig

log = logging.getLogger(__name__)

# A synchronous Invoke waits for the execution at most this long (AWS: 15 minutes, or less
# when the function's or the execution's timeout is lower).
MAX_SYNCHRONOUS_SECONDS = 900
EXECUTION_NAME = re.compile(r"[a-zA-Z0-9_-]{1,64}")

_naming_lock = threading.Lock()
_regions: dict[str, str] = {}  # account id → the region its executions are named in


class DurableExecutions:
    """One simulator's durable-execution service. `run` invokes a handler once (the
    invoke path); `resolve` finds the function an invocation names."""

    def __init__(self, settings: Settings, resolve: Resolve, run: Run) -> None:
        _name_executions_as_aws_does(settings)
        self._settings = settings
        self.clock: Clock = SkipClock() if settings.durable_time == "skip" else AdvancingClock()
        self._store = SQLiteExecutionStore.create_and_initialize(
            Path(settings.state_dir) / "durable-executions.db")
        self._scheduler = Scheduler()
        self._scheduler.start()  # type: ignore[no-untyped-call]
        processor = CheckpointProcessor(self._store, self._scheduler, clock=self.clock)
        self.executor = Executor(
            store=self._store, scheduler=self._scheduler,
            invoker=HandlerInvocations(resolve, run), checkpoint_processor=processor,
            clock=self.clock, child_dispatcher=UnconfiguredChildDispatcher(),
            region=settings.region,
        )
        processor.add_execution_observer(self.executor)
        processor.set_chained_invoke_preflight(self.executor.preflight_chained_invoke)
        self._resume_running()

    def start(self, function: FunctionConfig, payload: bytes,
              execution_name: str | None) -> str:
        """A new execution of `function` (a version, or `$LATEST`) on `payload`; its ARN."""
        if execution_name is not None and not EXECUTION_NAME.fullmatch(execution_name):
            raise InvalidParameterValueException(
                "DurableExecutionName must be 1 to 64 letters, digits, hyphens or underscores.")
        name = execution_name or str(uuid.uuid4())
        if execution_name is not None:
            existing = self._named(function, execution_name)
            if existing is not None:
                if existing.start_input.input == payload.decode():
                    return str(existing.durable_execution_arn)  # a retried start
                raise DurableExecutionAlreadyStartedException(
                    f"Durable execution with name {execution_name} already exists with a "
                    "different input.")
        config = function.durable_config or {}
        started = self.executor.start_execution(StartDurableExecutionInput(
            account_id=self._settings.account_id, function_name=function.name,
            function_qualifier=function.version, execution_name=name,
            execution_timeout_seconds=int(config.get("ExecutionTimeout", 0)),
            execution_retention_period_days=int(config.get("RetentionPeriodInDays", 14)),
            input=payload.decode(),
        ))
        return str(started.execution_arn)

    def invoke(self, function: FunctionConfig, payload: bytes, invocation_type: str,
               execution_name: str | None) -> InvokeOutcome:
        """An Invoke of a durable function: `Event` answers 202 once the execution has
        started; `RequestResponse` waits for it and answers with its result, or with its
        error as a function error."""
        arn = self.start(function, payload, execution_name)
        if invocation_type == "Event":
            return InvokeOutcome(202, executed_version=function.version,
                                 durable_execution_arn=arn)
        if not self.wait(arn, function):
            return _function_error(arn, function, {
                "errorType": "DurableExecutionStillRunning",
                "errorMessage": f"The durable execution {arn} did not end within the time a "
                                "synchronous invoke waits; it goes on running."})
        outcome = self.outcome(arn)
        if outcome["Status"] == "SUCCEEDED":
            return InvokeOutcome(200, str(outcome.get("Result") or "null").encode(),
                                 executed_version=function.version, durable_execution_arn=arn)
        error = outcome.get("Error") or {}
        return _function_error(arn, function, {
            "errorType": error.get("ErrorType", outcome["Status"]),
            "errorMessage": error.get("ErrorMessage", f"The execution ended {outcome['Status']}"),
            "stackTrace": error.get("StackTrace", []),
        })

    def wait(self, execution_arn: str, function: FunctionConfig) -> bool:
        """Wait as a synchronous Invoke does: until the execution ends, or for 15 minutes, or
        the function's or the execution's timeout if lower. True if it ended."""
        limit = min(MAX_SYNCHRONOUS_SECONDS, function.timeout,
                    int((function.durable_config or {}).get("ExecutionTimeout",
                                                            MAX_SYNCHRONOUS_SECONDS)))
        if isinstance(self.clock, SkipClock):
            limit = MAX_SYNCHRONOUS_SECONDS  # waits take no time: the handlers' runs do
        return bool(self.executor.wait_until_complete(execution_arn, timeout=limit))

    def outcome(self, execution_arn: str) -> dict[str, Any]:
        """GetDurableExecution's answer, as AWS's JSON."""
        return dict(self.executor.get_execution_details(execution_arn).to_dict())

    def advance(self, seconds: float) -> float:
        """Move durable time forward: waits, retry delays and callback timeouts due within
        `seconds` end now. Returns how far durable time is ahead of the wall clock."""
        if not isinstance(self.clock, AdvancingClock):
            raise InvalidParameterValueException(
                "Durable time is skipped already: every wait ends at once.")
        ahead = self.clock.advance(seconds)
        for execution in self._store.list_all():
            if execution.is_complete:
                continue
            arn = execution.durable_execution_arn
            self.executor._schedule_earliest_pending(arn)  # noqa: SLF001
            timeout = self.executor._execution_timeouts.pop(arn, None)  # noqa: SLF001
            if timeout is not None:  # its own timeout comes nearer too
                timeout.cancel()
                self._arm_timeout(execution, self.executor._completion_events.get(arn))  # noqa: SLF001
        return ahead

    def recent(self, limit: int = 50) -> list[Execution]:
        """The executions started last, newest first."""
        executions = self._store.list_all()
        executions.sort(key=lambda e: e.get_operation_execution_started().start_timestamp
                        or datetime.min.replace(tzinfo=UTC), reverse=True)
        return executions[:limit]

    def execution(self, execution_arn: str) -> Execution | None:
        """The execution, or None when the store has none by that ARN (its stores say so
        with a KeyError or with their own ResourceNotFoundException)."""
        try:
            return self._store.load(execution_arn)
        except (KeyError, LibraryResourceNotFound):
            return None

    def close(self) -> None:
        self.executor.shutdown()
        self._scheduler.stop()  # type: ignore[no-untyped-call]

    def _named(self, function: FunctionConfig, execution_name: str) -> Execution | None:
        """Names are an idempotency key: the same name and input start nothing new."""
        return next((execution for execution in self._store.list_all()
                     if execution.start_input.execution_name == execution_name
                     and execution.start_input.function_name == function.name), None)

    def _resume_running(self) -> None:
        """Executions that were running when the server stopped go on: their completion
        is awaited again, their timers (waits, step retries, the execution's timeout) are
        armed again, and an execution that was mid-invocation is invoked again (replay)."""
        for execution in self._store.list_all():
            if execution.is_complete:
                continue
            arn = execution.durable_execution_arn
            event = self._scheduler.create_event()
            self.executor._completion_events[arn] = event  # noqa: SLF001 (see module doc)
            self._arm_timeout(execution, event)
            self.executor._schedule_earliest_pending(arn)  # noqa: SLF001
            if execution.needs_reinvoke or _was_mid_invocation(execution):
                self.executor._invoke_execution(arn)  # noqa: SLF001
            log.info("durable execution %s taken up again", arn)

    def _arm_timeout(self, execution: Execution, event: Any) -> None:
        timeout = execution.start_input.execution_timeout_seconds
        if timeout <= 0:
            return
        started = execution.get_operation_execution_started().start_timestamp
        remaining = timeout if started is None else (
            started + timedelta(seconds=timeout) - self.clock.now()).total_seconds()
        arn = execution.durable_execution_arn

        def timed_out() -> None:
            self.executor.on_timed_out(arn, ErrorObject.from_message(
                f"Execution timed out after {timeout} seconds."))

        self.executor._execution_timeouts[arn] = self._scheduler.call_later(  # noqa: SLF001
            timed_out, delay=max(remaining, 0.0), completion_event=event)


class AdvancingClock:
    """Wall-clock time plus however far it has been moved forward (`advance`): timers armed
    against it fire when durable time, not the wall clock, reaches them."""

    def __init__(self) -> None:
        self._ahead = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return RealClock().now() + self._ahead

    def arm(self, wake: datetime) -> float:
        return max((wake - self.now()).total_seconds(), 0.0)

    def advance(self, seconds: float) -> float:
        if seconds <= 0:
            raise InvalidParameterValueException("Time moves forward only: seconds must be > 0.")
        with self._lock:
            self._ahead += timedelta(seconds=seconds)
            return self._ahead.total_seconds()


def _function_error(arn: str, function: FunctionConfig, error: dict[str, Any]) -> InvokeOutcome:
    return InvokeOutcome(200, json.dumps(error).encode(), function_error="Unhandled",
                         executed_version=function.version, durable_execution_arn=arn)


def _was_mid_invocation(execution: Execution) -> bool:
    """The server stopped while the handler ran: a step had started and not ended, or
    nothing waits on time or a callback that would bring the next invocation."""
    states = {(o.operation_type.value, o.status.value) for o in execution.operations}
    if ("STEP", "STARTED") in states:
        return True
    return not states & {("WAIT", "STARTED"), ("CALLBACK", "STARTED"), ("STEP", "PENDING"),
                         ("CHAINED_INVOKE", "STARTED")}


def _name_executions_as_aws_does(settings: Settings) -> None:
    """The library names an execution with a bare id; AWS names it after its function,
    version and name. Installed once per process; the region is each account's."""
    with _naming_lock:
        _regions[settings.account_id] = settings.region
        if getattr(Execution.new, "_aws_named", False):
            return
        library_new: Callable[[StartDurableExecutionInput], Execution] = Execution.new

        def aws_named(input: StartDurableExecutionInput) -> Execution:  # noqa: A002
            execution = library_new(input)
            region = _regions.get(input.account_id, "us-east-1")
            version = input.function_qualifier or LATEST
            execution.durable_execution_arn = (
                f"arn:aws:lambda:{region}:{input.account_id}:function:{input.function_name}:"
                f"{version}/durable-execution/{input.execution_name}/"
                f"{input.invocation_id or uuid.uuid4()}")
            return execution

        aws_named._aws_named = True  # type: ignore[attr-defined]
        execution_module.Execution.new = staticmethod(aws_named)  # type: ignore[method-assign]
