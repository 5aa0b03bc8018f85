"""One execution environment: a runtime that pulls invocations one at a time.

A small state machine guarded by one condition variable, its moves listed in `TRANSITIONS`:
a move not listed raises `IllegalTransition`. The invoking thread hands an invocation over
with `assign`; the runtime's Runtime API calls take it (`next_invocation`) and answer it
(`answer`); the executor reports the runtime's end (`died`).

When the runtime is already waiting for work, the invoking thread sends it the event itself,
through what the waiting call left for it (`Deliver`): the event then reaches the runtime
without first waking the thread that serves the runtime's connection."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from functools import partial

from simulator.environments.log_names import new_log_stream_name
from simulator.environments.output import (
    InvocationLog,
    OutputCollector,
    billed_duration_ms,
    memory_used_mb,
    report_line,
)
from simulator.executors.base import ExitStatus, RunningRuntime
from simulator.models import FunctionConfig, Invocation, InvocationResult, StreamedResponse

log = logging.getLogger(__name__)

# Sends an invocation's event down a runtime's waiting `next` call.
Deliver = Callable[[Invocation], None]

# Errors after which a runtime cannot be trusted with another invocation.
FATAL_ERROR_TYPES = frozenset({"Runtime.OutOfMemory", "Runtime.ExitError"})


class EnvironmentState(Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    DEAD = "dead"


# Every move an environment may make. DEAD is final; stopping an environment twice is not
# an error, since the executor's exit report and a stop may cross.
TRANSITIONS: dict[EnvironmentState, frozenset[EnvironmentState]] = {
    EnvironmentState.STARTING: frozenset({EnvironmentState.IDLE, EnvironmentState.BUSY,
                                          EnvironmentState.DEAD}),
    EnvironmentState.IDLE: frozenset({EnvironmentState.BUSY, EnvironmentState.DEAD}),
    EnvironmentState.BUSY: frozenset({EnvironmentState.IDLE, EnvironmentState.DEAD}),
    EnvironmentState.DEAD: frozenset({EnvironmentState.DEAD}),
}


class IllegalTransition(RuntimeError):
    """A move the state machine does not allow: a bug in the caller, never a user error."""

    def __init__(self, environment_id: str, current: EnvironmentState,
                 target: EnvironmentState) -> None:
        super().__init__(f"environment {environment_id} cannot go from {current.value} "
                         f"to {target.value}")
        self.current = current
        self.target = target


class RuntimeApiError(Exception):
    """A Runtime API call the environment refuses, with AWS's status and error type."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def error_payload(request_id: str, error_type: str, detail: str) -> bytes:
    return json.dumps(
        {"errorType": error_type, "errorMessage": f"RequestId: {request_id} Error: {detail}"}
    ).encode()


class _Waiting:
    """A runtime's `next` call, waiting for work: the invocation the assigning thread
    sends down it, and whether that thread is done writing to the connection."""

    def __init__(self, deliver: Deliver) -> None:
        self.deliver = deliver
        self.invocation: Invocation | None = None
        self.sent = False


class Environment:
    def __init__(
        self,
        function: FunctionConfig,
        emit_log: Callable[[str, str], None],
        writes_end_marker: bool,
    ) -> None:
        self.id = uuid.uuid4().hex
        self.function = function
        self.log_stream_name = new_log_stream_name(self.id, function.version)
        self._state = EnvironmentState.STARTING
        self.runtime: RunningRuntime | None = None
        self.launched_at = time.monotonic()
        self.last_used = self.launched_at
        self.init_duration_ms: float | None = None
        self.exit_status: ExitStatus | None = None
        self._init_failure: tuple[bytes, str] | None = None
        self.ready = threading.Event()  # set when the runtime first asks for work
        self.provisioned = False  # provisioned concurrency: kept warm, never reaped
        self._init_reported = False
        self._cond = threading.Condition()
        self._pending: Invocation | None = None
        self._current: Invocation | None = None
        self._waiting: _Waiting | None = None
        self._current_log: InvocationLog | None = None
        self._output = OutputCollector(
            lambda line: emit_log(self.log_stream_name, line), writes_end_marker
        )

    @property
    def state(self) -> EnvironmentState:
        return self._state

    def _move(self, target: EnvironmentState) -> None:
        """Condition held."""
        if target not in TRANSITIONS[self._state]:
            raise IllegalTransition(self.id, self._state, target)
        self._state = target

    # -- the invoking side -------------------------------------------------------------------

    def assign(self, invocation: Invocation) -> None:
        """Hand an invocation over. If the runtime already failed (an init error posted
        before the first invoke arrived, or an exit), the invocation gets that failure."""
        waiting = None
        with self._cond:
            if self._pending is not None or self._current is not None:
                raise RuntimeError(f"environment {self.id} is already busy")
            if self._state is not EnvironmentState.DEAD:
                self._move(EnvironmentState.BUSY)
                waiting, self._waiting = self._waiting, None
                if waiting is None:
                    self._pending = invocation
                    self._cond.notify_all()
                    return
                self._current = waiting.invocation = invocation
        if waiting is not None:
            self._send(waiting, invocation)
            return
        if self._init_failure is not None:
            self._fail(invocation, *self._init_failure)
        else:
            self._fail_exited(invocation, self.exit_status or ExitStatus(signal_number=9))

    def mark_idle(self) -> bool:
        """Back to the pool after an invocation; False if the environment died meanwhile."""
        with self._cond:
            if self._state is EnvironmentState.DEAD:
                return False
            self._move(EnvironmentState.IDLE)
            self.last_used = time.monotonic()
            return True

    def time_out(self, invocation: Invocation) -> None:
        """The invocation passed its deadline: answer with AWS's timeout error, then die."""
        with self._cond:
            if self._current is not invocation:
                return
            self._current = None
            self._move(EnvironmentState.DEAD)
            self._cond.notify_all()
        timeout = self.function.timeout
        stamp = datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        trailer = [f"{stamp} {invocation.request_id} Task timed out after {timeout:.2f} seconds\n"]
        payload = json.dumps({
            "errorType": "Sandbox.Timedout",
            "errorMessage": f"RequestId: {invocation.request_id} Error: Task timed out after "
            f"{timeout:.2f} seconds",
        }).encode()
        self._settle(invocation, payload, "Sandbox.Timedout", None, trailer)()
        self.stop()

    def stop(self) -> None:
        """Mark dead and stop the runtime; the executor's exit report follows."""
        with self._cond:
            self._move(EnvironmentState.DEAD)
            self._cond.notify_all()
        if self.runtime is not None:
            self.runtime.stop()

    @property
    def alive(self) -> bool:
        return self._state is not EnvironmentState.DEAD

    @property
    def init_failure(self) -> tuple[bytes, str] | None:
        """The error payload and type the runtime posted when its init failed, if it did."""
        return self._init_failure

    @property
    def initialised(self) -> bool:
        """The runtime has finished its init and asked for work at least once."""
        return self.init_duration_ms is not None

    def mark_prewarmed(self) -> None:
        """Started ahead of demand: its init is not the first invoke's to report."""
        with self._cond:
            self._init_reported = True
            if self._state is EnvironmentState.STARTING:
                self._move(EnvironmentState.IDLE)

    # -- the runtime side (Runtime API) ------------------------------------------------------

    def next_invocation(self, deliver: Deliver | None = None) -> Invocation | None:
        """Long-poll for work; None once the environment is gone. Given `deliver`, an
        invocation assigned during the wait is sent by the assigning thread through it, and
        returned with `delivered` set once that thread is done with the connection (sent or
        failed: it is not sent again)."""
        with self._cond:
            if self.init_duration_ms is None:
                self.init_duration_ms = (time.monotonic() - self.launched_at) * 1000
                self.ready.set()
            if self._current is not None:
                raise RuntimeApiError(
                    403, "InvalidStateTransition", "the current invocation has no answer yet"
                )
            waiting = self._waiting = _Waiting(deliver) if deliver is not None else None
            while self._pending is None and self._state is not EnvironmentState.DEAD \
                    and (waiting is None or waiting.invocation is None):
                self._cond.wait()
            if waiting is not None and waiting.invocation is not None:
                while not waiting.sent:
                    self._cond.wait()
                return waiting.invocation
            if self._waiting is waiting:
                self._waiting = None
            if self._state is EnvironmentState.DEAD:
                return None
            invocation, self._pending = self._pending, None
            assert invocation is not None  # the wait ends with work or with death
            self._current = invocation
        self._dispatch(invocation)
        return invocation

    def _dispatch(self, invocation: Invocation) -> None:
        """The runtime takes the invocation: its deadline runs, its log record opens."""
        invocation.deadline_ms = int(time.time() * 1000) + self.function.timeout * 1000
        invocation.dispatched_at = time.monotonic()
        self._current_log = self._output.reserve(invocation.request_id, self.function.version)
        invocation.dispatched.set()

    def _send(self, waiting: _Waiting, invocation: Invocation) -> None:
        """Send the invocation down the runtime's waiting call, on the assigning thread. A
        connection that fails meanwhile belongs to a runtime that is ending: its exit report
        fails the invocation."""
        self._dispatch(invocation)
        invocation.delivered = True
        try:
            waiting.deliver(invocation)
        except (OSError, ValueError) as error:
            log.debug("could not send the event to environment %s: %s", self.id, error)
        finally:
            with self._cond:
                waiting.sent = True
                self._cond.notify_all()

    def announce(self, invocation: Invocation) -> None:
        """The runtime has the event `next_invocation` gave it: the log's START line now."""
        record = self._current_log
        if record is not None and record.request_id == invocation.request_id:
            self._output.announce(record)

    def current_invocation(self, request_id: str) -> Invocation:
        """The invocation the runtime holds, if `request_id` names it: a runtime that streams
        its response writes to the invocation's caller before it answers."""
        with self._cond:
            return self._held(request_id)

    def answer(
        self, request_id: str, payload: bytes, error_type: str | None, max_memory_kb: int | None,
        streamed: StreamedResponse | None = None, runtime_ms: float | None = None,
    ) -> Callable[[], None]:
        """The runtime's response or error for the invocation it holds; `streamed` says what
        it streamed to the caller first, if it streamed; `runtime_ms` is how long the runtime
        says it held the invocation. The caller has its answer on return; what is returned
        writes the invocation's END and REPORT, for the Runtime API to call once the runtime
        has its reply too (the waiting caller goes first)."""
        with self._cond:
            invocation = self._held(request_id)
            self._current = None
            if error_type in FATAL_ERROR_TYPES:
                self._move(EnvironmentState.DEAD)
                self._cond.notify_all()
        write_report = self._settle(invocation, payload, error_type, max_memory_kb,
                                    streamed=streamed, runtime_ms=runtime_ms)
        return partial(invocation.report, write_report)

    def _held(self, request_id: str) -> Invocation:
        """Condition held."""
        invocation = self._current
        if invocation is None or invocation.request_id != request_id:
            raise RuntimeApiError(400, "InvalidRequestID", f"Invalid request ID: {request_id}")
        return invocation

    def init_error(self, payload: bytes, error_type: str) -> None:
        """The runtime failed to initialise: the first invocation gets the error, then the
        environment is discarded (the runtime exits by itself)."""
        with self._cond:
            invocation = self._pending or self._current
            self._pending = self._current = None
            self._init_failure = (payload, error_type)
            self._move(EnvironmentState.DEAD)
            self._cond.notify_all()
        if invocation is not None:
            self._fail(invocation, payload, error_type)

    def feed_output(self, chunk: bytes) -> None:
        self._output.feed(chunk)

    def died(self, status: ExitStatus) -> None:
        """The executor saw the runtime end. An invocation it held fails like on AWS."""
        self.ready.set()
        with self._cond:
            self.exit_status = status
            invocation = self._current or self._pending
            self._pending = self._current = None
            self._move(EnvironmentState.DEAD)
            self._cond.notify_all()
        if invocation is not None and not invocation.done.is_set():
            self._fail_exited(invocation, status)
        self._output.close()

    # -- shared ------------------------------------------------------------------------------

    def _fail_exited(self, invocation: Invocation, status: ExitStatus) -> None:
        error_type = "Runtime.OutOfMemory" if status.oom_killed else "Runtime.ExitError"
        detail = f"Runtime exited with error: {status.describe()}"
        if status.exit_code == 0 and not status.oom_killed:
            detail = "Runtime exited without providing a reason"  # AWS's words for a clean exit
        # Killed at its limit, it used all of it, as AWS reports.
        memory_kb = self.function.memory_size * 1024 if status.oom_killed else None
        self._fail(invocation, error_payload(invocation.request_id, error_type, detail),
                   error_type, memory_kb)

    def _fail(self, invocation: Invocation, payload: bytes, error_type: str,
              max_memory_kb: int | None = None) -> None:
        """Answer an invocation the runtime never will, with its own log record."""
        if not invocation.dispatched.is_set():
            self._current_log = self._output.begin(invocation.request_id, self.function.version)
            invocation.dispatched_at = time.monotonic()
        self._settle(invocation, payload, error_type, max_memory_kb)()

    def _settle(
        self,
        invocation: Invocation,
        payload: bytes,
        error_type: str | None,
        max_memory_kb: int | None,
        trailer: list[str] | None = None,
        streamed: StreamedResponse | None = None,
        runtime_ms: float | None = None,
    ) -> Callable[[], None]:
        """Give the invocation its result; what is returned writes its END and REPORT."""
        duration_ms = (time.monotonic() - invocation.dispatched_at) * 1000
        init_ms = None
        if not self._init_reported:
            self._init_reported = True
            init_ms = self.init_duration_ms
        record = self._current_log
        result = InvocationResult(payload, error_type, duration_ms=duration_ms,
                                  billed_ms=billed_duration_ms(duration_ms, init_ms),
                                  provisioned=self.provisioned, streamed=streamed,
                                  runtime_ms=runtime_ms)
        if record is None or record.request_id != invocation.request_id:
            invocation.finish(result)
            return _nothing
        result.log_record = record
        # The caller gets its answer first; END and REPORT are written after (a caller that
        # wants the log tail waits for the record to complete).
        invocation.finish(result)

        def write_report() -> None:
            memory_kb = max_memory_kb
            if memory_kb is None and self.runtime is not None:
                memory_kb = self.runtime.peak_memory_kb()  # the runtime did not say: measured
            report = report_line(
                invocation.request_id, duration_ms, self.function.memory_size,
                memory_used_mb(memory_kb), init_ms, invocation.trace_report,
            )
            self._output.end(record, report, trailer)

        return write_report


def _nothing() -> None:
    """No record to report on."""
