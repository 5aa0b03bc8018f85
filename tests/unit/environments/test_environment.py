"""The environment's lifecycle is the transition table: every listed move is taken, and a
move it does not list raises instead of corrupting the pool's view. Its REPORT lines say how
much memory the runtime used, measured when the runtime does not say. An event assigned while
the runtime waits is sent by the assigning thread."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest

from simulator.environments.environment import (
    TRANSITIONS,
    Environment,
    EnvironmentState,
    IllegalTransition,
    RuntimeApiError,
)
from simulator.executors.base import ExitStatus, RunningRuntime
from simulator.models import FunctionConfig, Invocation, StreamedResponse

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def environment() -> Environment:
    function = FunctionConfig(name="fn", runtime="python3.12", handler="app.handler",
                              role="arn:aws:iam::000000000000:role/r", code_sha256="",
                              code_size=0)
    return Environment(function, emit_log=lambda stream, line: None, writes_end_marker=True)


def test_the_table_names_every_state_and_death_is_final() -> None:
    assert set(TRANSITIONS) == set(EnvironmentState)
    assert TRANSITIONS[EnvironmentState.DEAD] == {EnvironmentState.DEAD}
    for state in EnvironmentState:
        assert EnvironmentState.DEAD in TRANSITIONS[state]


def test_a_cold_environment_goes_starting_busy_idle_busy() -> None:
    env = environment()
    assert env.state is EnvironmentState.STARTING
    first = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(first)
    assert env.state is EnvironmentState.BUSY
    taken = env.next_invocation()  # the runtime's side: take it and answer
    assert taken is first
    env.answer(first.request_id, b"1", None, None)()
    assert first.done.is_set()
    assert env.mark_idle() is True
    assert env.state is EnvironmentState.IDLE
    env.assign(Invocation(payload=b"{}", invoked_arn=ARN))
    assert env.state is EnvironmentState.BUSY


def test_an_idle_environment_cannot_be_marked_idle_again() -> None:
    env = environment()
    env.mark_prewarmed()
    assert env.state is EnvironmentState.IDLE
    with pytest.raises(IllegalTransition, match="cannot go from idle to idle"):
        env.mark_idle()
    assert env.state is EnvironmentState.IDLE


def test_a_dead_environment_stays_dead() -> None:
    env = environment()
    env.died(ExitStatus(exit_code=1))
    assert env.state is EnvironmentState.DEAD
    assert env.mark_idle() is False
    env.mark_prewarmed()  # a pre-warm that lost its runtime is not brought back to life
    assert env.state is EnvironmentState.DEAD
    assert not env.alive
    env.stop()
    assert env.state is EnvironmentState.DEAD


def test_an_invocation_handed_to_a_dead_environment_fails_rather_than_waits() -> None:
    env = environment()
    env.died(ExitStatus(exit_code=2))
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(invocation)
    assert invocation.done.is_set()
    assert invocation.result is not None
    assert invocation.result.error_type == "Runtime.ExitError"
    assert env.state is EnvironmentState.DEAD


@pytest.mark.parametrize(("status", "words"), [
    (ExitStatus(exit_code=0), "Runtime exited without providing a reason"),
    (ExitStatus(exit_code=3), "Runtime exited with error: exit status 3"),
])
def test_a_runtime_that_exits_is_told_in_aws_words(status: ExitStatus, words: str) -> None:
    env = environment()
    env.died(status)
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(invocation)
    assert invocation.result is not None
    assert json.loads(invocation.result.payload)["errorMessage"] == (
        f"RequestId: {invocation.request_id} Error: {words}")


def test_a_streaming_runtime_reaches_the_invocation_it_holds_and_no_other() -> None:
    env = environment()
    held = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(held)
    env.next_invocation()

    assert env.current_invocation(held.request_id) is held
    with pytest.raises(RuntimeApiError) as refused:
        env.current_invocation("00000000-0000-0000-0000-000000000000")
    assert (refused.value.status, refused.value.error_type) == (400, "InvalidRequestID")


def test_what_a_runtime_streamed_is_in_the_result() -> None:
    env = environment()
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(invocation)
    env.next_invocation()
    streamed = StreamedResponse("text/plain", chunks=3, total_bytes=12, first_chunk_ms=1.5)

    env.answer(invocation.request_id, b"", None, None, streamed)()

    assert invocation.result is not None and invocation.result.streamed == streamed


# -- Max Memory Used ---------------------------------------------------------------------------


class MeasuredRuntime(RunningRuntime):
    """A runtime whose memory the executor measures (a container's cgroup, a process tree)."""

    def __init__(self, peak_kb: int | None) -> None:
        self.peak_kb = peak_kb
        self.measured = 0

    @property
    def handle(self) -> str:
        return "process 1"

    def stop(self) -> None:
        pass

    def peak_memory_kb(self) -> int | None:
        self.measured += 1
        return self.peak_kb


def logged_environment(lines: list[str], peak_kb: int | None) -> Environment:
    function = FunctionConfig(name="fn", runtime="provided.al2023", handler="app.handler",
                              role="arn:aws:iam::000000000000:role/r", code_sha256="",
                              code_size=0, memory_size=256)
    env = Environment(function, emit_log=lambda stream, line: lines.append(line),
                      writes_end_marker=False)
    env.runtime = MeasuredRuntime(peak_kb)
    return env


def report_of(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("REPORT"))


def taken_invocation(env: Environment) -> Invocation:
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(invocation)
    env.next_invocation()
    return invocation


def test_a_runtime_that_does_not_report_its_memory_is_measured() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = taken_invocation(env)

    env.answer(invocation.request_id, b"1", None, None)()

    assert "\tMemory Size: 256 MB\tMax Memory Used: 50 MB\t" in report_of(lines)


def test_what_the_runtime_reports_is_taken_without_measuring() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = taken_invocation(env)

    env.answer(invocation.request_id, b"1", None, 70_000)()

    assert "\tMax Memory Used: 68 MB\t" in report_of(lines)
    assert isinstance(env.runtime, MeasuredRuntime) and env.runtime.measured == 0


def test_a_timed_out_invocation_reports_the_memory_measured() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=90_000)
    invocation = taken_invocation(env)

    env.time_out(invocation)

    assert "\tMax Memory Used: 88 MB\t" in report_of(lines)


def test_a_runtime_killed_at_its_memory_limit_used_all_of_it() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=None)  # its container is gone: nothing to read
    taken_invocation(env)

    env.died(ExitStatus(signal_number=9, oom_killed=True))

    assert "\tMemory Size: 256 MB\tMax Memory Used: 256 MB\t" in report_of(lines)


def test_the_caller_has_its_answer_before_the_report_is_written() -> None:
    """The Runtime API replies to the runtime, then writes END and REPORT: neither is on the
    waiting caller's path."""
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = taken_invocation(env)

    write_report = env.answer(invocation.request_id, b"1", None, None)

    assert invocation.done.is_set() and invocation.result is not None
    assert not any(line.startswith("REPORT") for line in lines)
    write_report()
    assert "\tMax Memory Used: 50 MB\t" in report_of(lines)


def test_the_start_line_is_written_once_the_runtime_has_the_event() -> None:
    """The event goes to the runtime before the log's work: START follows the hand-over."""
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = taken_invocation(env)
    assert lines == []

    env.announce(invocation)
    env.announce(Invocation(payload=b"{}", invoked_arn=ARN))  # not the one held: no line

    assert lines == [f"START RequestId: {invocation.request_id} Version: $LATEST\n"]


def test_a_caller_that_answers_first_has_the_report_written_after_its_answer() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = Invocation(payload=b"{}", invoked_arn=ARN, answer_first=True)
    env.assign(invocation)
    env.next_invocation()

    env.answer(invocation.request_id, b"1", None, None)()  # the Runtime API's turn: left

    assert invocation.done.is_set()
    assert not any(line.startswith("REPORT") for line in lines)
    invocation.answered()
    assert "\tMax Memory Used: 50 MB\t" in report_of(lines)
    invocation.answered()  # once only
    assert sum(line.startswith("REPORT") for line in lines) == 1


def test_once_the_caller_has_answered_the_report_is_written_at_once() -> None:
    lines: list[str] = []
    env = logged_environment(lines, peak_kb=51_000)
    invocation = Invocation(payload=b"{}", invoked_arn=ARN, answer_first=True)
    env.assign(invocation)
    env.next_invocation()
    invocation.answered()  # e.g. it timed out waiting and answered with the timeout

    env.answer(invocation.request_id, b"1", None, None)()

    assert "\tMax Memory Used: 50 MB\t" in report_of(lines)


def waiting_runtime(env: Environment, deliver: Callable[[Invocation], None]
                    ) -> tuple[threading.Thread, list[Invocation | None]]:
    """A runtime's `next` call, waiting on a thread of its own until it has work."""
    taken: list[Invocation | None] = []
    runtime = threading.Thread(target=lambda: taken.append(env.next_invocation(deliver)))
    runtime.start()
    while env._waiting is None:  # the call is parked
        time.sleep(0.001)
    return runtime, taken


def test_the_assigning_thread_sends_the_event_to_a_runtime_already_waiting() -> None:
    env = environment()
    env.mark_prewarmed()
    sent: list[tuple[str, str]] = []
    runtime, taken = waiting_runtime(
        env, lambda invocation: sent.append((invocation.request_id,
                                             threading.current_thread().name)))
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)

    env.assign(invocation)
    runtime.join(timeout=5)

    assert sent == [(invocation.request_id, threading.current_thread().name)]
    assert taken == [invocation] and invocation.delivered
    assert invocation.dispatched.is_set() and invocation.deadline_ms > 0
    env.answer(invocation.request_id, b"1", None, None)()
    assert invocation.result is not None and invocation.result.payload == b"1"


def test_an_event_the_connection_refused_is_not_sent_again() -> None:
    env = environment()
    env.mark_prewarmed()

    def broken(invocation: Invocation) -> None:
        raise BrokenPipeError("the runtime is gone")

    runtime, taken = waiting_runtime(env, broken)
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)

    env.assign(invocation)
    runtime.join(timeout=5)

    assert taken == [invocation] and invocation.delivered
    env.died(ExitStatus(signal_number=9))
    assert invocation.result is not None
    assert invocation.result.error_type == "Runtime.ExitError"


def test_a_waiting_runtime_of_an_environment_that_dies_gets_no_work() -> None:
    env = environment()
    env.mark_prewarmed()
    runtime, taken = waiting_runtime(env, lambda invocation: pytest.fail("sent"))

    env.died(ExitStatus(exit_code=0))
    runtime.join(timeout=5)

    assert taken == [None]
    invocation = Invocation(payload=b"{}", invoked_arn=ARN)
    env.assign(invocation)
    assert invocation.done.is_set()
