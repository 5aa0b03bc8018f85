"""Asynchronous invocation as AWS runs it: function errors retried (twice by default), throttles
and system errors retried with a backoff, without counting as attempts, until the event is too
old; the invocation record that OnSuccess / OnFailure destinations receive, or the original
event a dead-letter queue receives, each delivery retried until it is taken."""

from __future__ import annotations

import json
import re
import threading
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from simulator.config import Settings
from simulator.errors import EnvironmentUnavailable, ServiceException, TooManyRequestsException
from simulator.invocation.async_invocations import AsyncInvocations
from simulator.invocation.destinations import DeliveryFailed, DestinationSender
from simulator.invocation.event_queue import AsyncQueue, QueuedEvent
from simulator.invocation.tracing import RECURSION_STOPPED
from simulator.models import FunctionConfig, InvocationResult
from tests.helpers import eventually
from tests.unit.function_configs import function

BASE_DELAY = 0.05
ARN = "arn:aws:lambda:us-east-1:000000000000:function:my-function"
ON_SUCCESS = "arn:aws:sqs:us-east-1:000000000000:on-success"
ON_FAILURE = "arn:aws:sqs:us-east-1:000000000000:on-failure"
DEAD_LETTERS = "arn:aws:sqs:us-east-1:000000000000:dead-letters"
THROTTLE_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"
ERROR = {"errorMessage": "no good", "errorType": "ValueError", "stackTrace": []}


class Deliveries(DestinationSender):
    """What would have been delivered, kept instead of sent."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings, lambda reference, payload, trace_header: None)
        self.records: list[tuple[str, dict[str, Any]]] = []
        self.dead_letters: list[tuple[str, bytes, str, dict[str, Any]]] = []
        self.trace_headers: list[str | None] = []
        self.refusals = 0  # how many sends to refuse before taking any, as a missing queue does
        self.refused = 0

    def _refuse(self, target: str) -> None:
        if self.refused < self.refusals:
            self.refused += 1
            raise DeliveryFailed(f"could not deliver to {target}: the queue does not exist")

    def send_record(self, destination: str, record: dict[str, Any],
                    trace_header: str | None = None) -> None:
        self._refuse(destination)
        self.records.append((destination, record))
        self.trace_headers.append(trace_header)

    def send_dead_letter(self, target: str, payload: bytes, request_id: str,
                         error: dict[str, Any], trace_header: str | None = None) -> None:
        self._refuse(target)
        self.dead_letters.append((target, payload, request_id, error))
        self.trace_headers.append(trace_header)


class Function:
    """The function the events are for, and what each run of it does: `ok`, `error`,
    `throttle`, `launch` (its environment can't start) or `engine` (the engine is out of
    reach), in turn (the last one repeats)."""

    def __init__(self, config: FunctionConfig | None, outcomes: list[str]) -> None:
        self.config = config
        self.outcomes = outcomes
        self.runs: list[tuple[float, bytes]] = []
        self.trace_headers: list[str | None] = []
        self.tenants: list[str | None] = []
        self.throttles = 0
        self.system_errors = 0
        self.looked_up: list[str] = []
        self.request_ids: list[str] = []
        self._lock = threading.Lock()

    def lookup(self, reference: str) -> FunctionConfig | None:
        self.looked_up.append(reference)
        return self.config

    def run(self, config: FunctionConfig, payload: bytes, trace_header: str | None,
            tenant_id: str | None, request_id: str) -> InvocationResult:
        with self._lock:
            self.request_ids.append(request_id)
            outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
            if outcome == "throttle":
                self.throttles += 1
                raise TooManyRequestsException("Rate Exceeded.", THROTTLE_REASON)
            if outcome in ("launch", "engine"):
                self.system_errors += 1
                if outcome == "launch":
                    raise ServiceException("the environment could not start")
                raise EnvironmentUnavailable("Docker engine unavailable: Read timed out")
            self.runs.append((time.monotonic(), payload))
            self.trace_headers.append(trace_header)
            self.tenants.append(tenant_id)
        if outcome == "error":
            return InvocationResult(json.dumps(ERROR).encode(), error_type="Unhandled")
        return InvocationResult(b'{"answer": 42}')


class Harness:
    def __init__(self, tmp_path: Path) -> None:
        self.settings = Settings(state_dir=tmp_path, async_retry_delay=BASE_DELAY,
                                 async_workers=1)
        self.sender = Deliveries(self.settings)
        self.function = Function(None, ["ok"])
        self.invocations: AsyncInvocations | None = None

    def start(self, config: FunctionConfig | None, outcomes: list[str]) -> AsyncInvocations:
        self.function.config = config
        self.function.outcomes = outcomes
        self.invocations = AsyncInvocations(self.settings, self.function.lookup,
                                            self.function.run, self.sender)
        return self.invocations

    def settled(self) -> bool:
        return self.invocations is not None and self.invocations.pending() == 0


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path)
    yield harness
    if harness.invocations is not None:
        harness.invocations.close()


def with_destinations(**settings: Any) -> FunctionConfig:
    """A function whose asynchronous results go to both destinations and a dead-letter queue;
    `settings` adds to its EventInvokeConfig."""
    return function(
        dead_letter_target=DEAD_LETTERS,
        event_invoke_config={"DestinationConfig": {"OnSuccess": {"Destination": ON_SUCCESS},
                                                   "OnFailure": {"Destination": ON_FAILURE}},
                             **settings})


def test_a_success_sends_aws_invocation_record_to_on_success(harness: Harness) -> None:
    invocations = harness.start(with_destinations(), ["ok"])

    invocations.submit("my-function", b'{"order": 7}')

    assert eventually(lambda: len(harness.sender.records) == 1)
    destination, record = harness.sender.records[0]
    assert destination == ON_SUCCESS
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record.pop("timestamp"))
    request_id = record["requestContext"].pop("requestId")
    assert re.fullmatch(r"[0-9a-f-]{36}", request_id)
    assert record == {
        "version": "1.0",
        "requestContext": {"functionArn": f"{ARN}:$LATEST", "condition": "Success",
                           "approximateInvokeCount": 1},
        "requestPayload": {"order": 7},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"answer": 42},
    }
    assert harness.sender.dead_letters == []
    assert eventually(harness.settled)


def test_every_attempt_runs_for_the_tenant_the_event_was_accepted_for(
        harness: Harness) -> None:
    invocations = harness.start(function(), ["error", "ok"])

    invocations.submit("my-function", b"{}", tenant_id="blue")

    assert eventually(lambda: len(harness.function.runs) == 2)
    assert harness.function.tenants == ["blue", "blue"]


def test_a_published_versions_record_names_the_version_that_ran(harness: Harness) -> None:
    invocations = harness.start(replace(with_destinations(), version="3"), ["ok"])

    invocations.submit("my-function:3", b"{}")

    assert eventually(lambda: len(harness.sender.records) == 1)
    _, record = harness.sender.records[0]
    assert record["requestContext"]["functionArn"] == f"{ARN}:3"
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "3"}


def test_function_errors_are_retried_twice_then_go_to_on_failure_and_the_dead_letter_queue(
    harness: Harness
) -> None:
    invocations = harness.start(with_destinations(), ["error"])

    invocations.submit("my-function", b'{"order": 7}')

    assert eventually(lambda: len(harness.sender.dead_letters) == 1)
    assert len(harness.function.runs) == 3
    [(destination, record)] = harness.sender.records
    assert destination == ON_FAILURE
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"] == ERROR
    assert record["requestPayload"] == {"order": 7}
    target, payload, request_id, error = harness.sender.dead_letters[0]
    assert (target, payload) == (DEAD_LETTERS, b'{"order": 7}')
    assert request_id == record["requestContext"]["requestId"]
    # Every attempt ran under the event's request id, the one its records carry.
    assert harness.function.request_ids == [request_id] * 3
    assert error == ERROR
    assert eventually(harness.settled)


def test_retries_wait_the_base_delay_then_twice_as_long(harness: Harness) -> None:
    invocations = harness.start(function(), ["error"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.function.runs) == 3)
    (first, _), (second, _), (third, _) = harness.function.runs
    assert second - first >= BASE_DELAY * 0.9
    assert third - second >= 2 * BASE_DELAY * 0.9


def test_maximum_retry_attempts_zero_fails_after_one_run(harness: Harness) -> None:
    invocations = harness.start(with_destinations(MaximumRetryAttempts=0), ["error"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.sender.records) == 1)
    record = harness.sender.records[0][1]
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 1
    time.sleep(3 * BASE_DELAY)
    assert len(harness.function.runs) == 1


def test_a_retry_that_succeeds_goes_to_on_success_only(harness: Harness) -> None:
    invocations = harness.start(with_destinations(), ["error", "ok"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.sender.records) == 1)
    destination, record = harness.sender.records[0]
    assert destination == ON_SUCCESS
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert "functionError" not in record["responseContext"]
    assert eventually(harness.settled)
    assert harness.sender.dead_letters == []
    assert len(harness.function.runs) == 2


def test_throttles_are_retried_beyond_the_retry_attempts_and_are_not_counted(
    harness: Harness
) -> None:
    invocations = harness.start(with_destinations(MaximumRetryAttempts=0),
                                ["throttle", "throttle", "throttle", "ok"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.sender.records) == 1)
    destination, record = harness.sender.records[0]
    assert harness.function.throttles == 3
    assert destination == ON_SUCCESS
    assert record["requestContext"]["approximateInvokeCount"] == 1


def queue_an_old_event(settings: Settings, age: float, payload: bytes) -> str:
    """An event accepted `age` seconds ago and still queued (the simulator was stopped)."""
    def untouched(event: QueuedEvent) -> float | None:
        raise AssertionError("not processed here")

    queue = AsyncQueue(settings.state_dir / "async_events.db", untouched, workers=0)
    event = QueuedEvent("my-function", payload, enqueued_at=time.time() - age)
    queue.put(event)
    queue.close()
    return event.id


def test_an_event_older_than_six_hours_is_not_run_and_fails_as_event_age_exceeded(
    harness: Harness
) -> None:
    event_id = queue_an_old_event(harness.settings, 6 * 3600 + 5, b'{"stale": true}')

    harness.start(with_destinations(), ["ok"])

    assert eventually(lambda: len(harness.sender.dead_letters) == 1)
    assert harness.function.runs == []
    [(destination, record)] = harness.sender.records
    assert destination == ON_FAILURE
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert record["requestContext"]["requestId"] == event_id
    assert record["requestPayload"] == {"stale": True}
    assert "responseContext" not in record and "responsePayload" not in record
    assert harness.sender.dead_letters[0][1:] == (b'{"stale": true}', event_id, {})


def test_an_event_for_a_function_of_zero_reserved_concurrency_fails_at_once(
        harness: Harness) -> None:
    invocations = harness.start(replace(with_destinations(), reserved_concurrency=0), ["ok"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.sender.dead_letters) == 1)
    assert harness.function.runs == [] and harness.function.throttles == 0
    [(destination, record)] = harness.sender.records
    assert destination == ON_FAILURE
    assert record["requestContext"]["condition"] == "ZeroReservedConcurrency"
    assert record["requestContext"]["approximateInvokeCount"] == 0


def test_a_throttled_event_is_retried_until_it_is_too_old(harness: Harness) -> None:
    queue_an_old_event(harness.settings, 59.7, b"{}")

    harness.start(with_destinations(MaximumEventAgeInSeconds=60), ["throttle"])

    assert eventually(lambda: len(harness.sender.records) == 1)
    record = harness.sender.records[0][1]
    assert record["requestContext"]["condition"] == "EventAgeExceeded"
    assert harness.function.throttles >= 2
    assert harness.function.runs == []


def test_an_event_for_a_deleted_function_is_dropped(harness: Harness) -> None:
    invocations = harness.start(None, ["ok"])

    invocations.submit("gone:3", b"{}")

    assert eventually(lambda: harness.function.looked_up == ["gone:3"] and harness.settled())
    time.sleep(3 * BASE_DELAY)
    assert harness.function.looked_up == ["gone:3"]
    assert harness.function.runs == []
    assert harness.sender.records == [] and harness.sender.dead_letters == []


def test_without_destinations_or_dead_letter_queue_a_failure_sends_nothing(
    harness: Harness
) -> None:
    invocations = harness.start(function(event_invoke_config={"MaximumRetryAttempts": 0}),
                                ["error"])

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.function.runs) == 1 and harness.settled())
    assert harness.sender.records == [] and harness.sender.dead_letters == []


def test_a_payload_that_is_not_json_is_recorded_as_text(harness: Harness) -> None:
    invocations = harness.start(with_destinations(), ["ok"])

    invocations.submit("my-function", b"plain text")

    assert eventually(lambda: len(harness.sender.records) == 1)
    assert harness.sender.records[0][1]["requestPayload"] == "plain text"


def test_a_queued_event_is_run_after_a_restart(harness: Harness) -> None:
    first = harness.start(function(), ["throttle"])
    first.submit("my-function", b'{"kept": true}')
    assert eventually(lambda: harness.function.throttles >= 1)
    first.close()

    harness.start(with_destinations(), ["ok"])

    assert eventually(lambda: len(harness.sender.records) == 1)
    assert harness.sender.records[0][1]["requestPayload"] == {"kept": True}
    assert harness.function.runs[0][1] == b'{"kept": true}'


TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"


def test_every_attempt_and_every_delivery_carries_the_events_trace(harness: Harness) -> None:
    harness.start(with_destinations(), ["error"]).submit("my-function", b"{}", TRACE)

    assert eventually(lambda: len(harness.sender.dead_letters) == 1)
    assert harness.function.trace_headers == [TRACE] * 3
    assert harness.sender.trace_headers == [TRACE, TRACE]  # OnFailure, then the DLQ


def test_a_queued_events_trace_survives_a_restart(harness: Harness) -> None:
    first = harness.start(function(), ["throttle"])
    first.submit("my-function", b"{}", TRACE)
    assert eventually(lambda: harness.function.throttles >= 1)
    first.close()

    harness.start(function(), ["ok"])

    assert eventually(lambda: len(harness.function.runs) == 1)
    assert harness.function.trace_headers == [TRACE]


# -- system errors and deliveries that fail --------------------------------------------------


@pytest.mark.parametrize("failure", ["launch", "engine"])
def test_system_errors_are_retried_with_a_growing_backoff_and_not_counted(
        harness: Harness, failure: str) -> None:
    invocations = harness.start(with_destinations(MaximumRetryAttempts=0),
                                [failure, failure, failure, "ok"])
    started = time.monotonic()

    invocations.submit("my-function", b"{}")

    assert eventually(lambda: len(harness.sender.records) == 1, timeout=10)
    destination, record = harness.sender.records[0]
    assert harness.function.system_errors == 3
    assert (destination, record["requestContext"]["approximateInvokeCount"]) == (ON_SUCCESS, 1)
    # Waits of one, two and four base delays.
    assert harness.function.runs[0][0] - started >= 7 * BASE_DELAY


def test_an_event_meeting_only_system_errors_fails_as_too_old(harness: Harness) -> None:
    queue_an_old_event(harness.settings, 59.7, b"{}")

    harness.start(with_destinations(MaximumEventAgeInSeconds=60), ["launch"])

    assert eventually(lambda: len(harness.sender.dead_letters) == 1)
    assert harness.sender.records[0][1]["requestContext"]["condition"] == "EventAgeExceeded"
    assert harness.function.system_errors >= 2 and harness.function.runs == []


def test_refused_deliveries_are_retried_until_taken_without_running_the_function_again(
        harness: Harness) -> None:
    harness.sender.refusals = 5
    invocations = harness.start(with_destinations(MaximumRetryAttempts=0), ["error"])

    invocations.submit("my-function", b'{"n": 1}')

    assert eventually(lambda: len(harness.sender.records) == 1
                      and len(harness.sender.dead_letters) == 1 and harness.settled(), timeout=10)
    assert harness.sender.refused == 5
    assert len(harness.function.runs) == 1
    assert harness.sender.records[0][1]["requestContext"]["condition"] == "RetriesExhausted"
    assert harness.sender.dead_letters[0][1] == b'{"n": 1}'


def test_deliveries_still_refused_when_the_event_is_too_old_are_dropped_with_the_reason(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    harness.sender.refusals = 10**6
    invocations = harness.start(with_destinations(MaximumEventAgeInSeconds=1), ["ok"])

    with caplog.at_level("WARNING"):
        invocations.submit("my-function", b"{}")
        assert eventually(lambda: "deliveries still refused when it reached its maximum age"
                          in caplog.text, timeout=10)
        assert eventually(harness.settled)

    assert len(harness.function.runs) == 1 and harness.sender.records == []


def test_deliveries_owed_at_a_restart_are_made_after_it_and_the_function_not_run_again(
        harness: Harness) -> None:
    harness.sender.refusals = 10**6
    first = harness.start(with_destinations(), ["ok"])
    first.submit("my-function", b'{"kept": true}')
    assert eventually(lambda: harness.sender.refused >= 2)
    first.close()
    harness.sender.refusals = 0

    harness.start(with_destinations(), ["ok"])

    assert eventually(lambda: len(harness.sender.records) == 1 and harness.settled())
    assert harness.sender.records[0][1]["requestPayload"] == {"kept": True}
    assert len(harness.function.runs) == 1


def test_queued_payloads_wait_on_disk_not_in_memory(harness: Harness) -> None:
    queue = AsyncQueue(harness.settings.state_dir / "async_events.db", lambda event: None,
                       workers=0)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(200):
            queue.put(QueuedEvent("my-function", bytes([n % 256]) * 100_000))
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        queue.close()

    assert queue.pending() == 200
    assert held < 2_000_000, f"200 queued events of 100 KB hold {held} bytes"


def test_an_invocation_stopped_as_a_recursive_loop_is_not_retried_and_goes_to_on_failure(
        harness: Harness) -> None:
    stopped = InvocationResult(json.dumps({"errorType": RECURSION_STOPPED}).encode(),
                               error_type=RECURSION_STOPPED)
    harness.function.run = lambda config, payload, trace, tenant, request: stopped  # type: ignore[method-assign]
    invocations = harness.start(with_destinations(), ["ok"])

    invocations.submit("my-function", b'{"loop": true}')

    assert eventually(lambda: len(harness.sender.records) == 1
                      and len(harness.sender.dead_letters) == 1)
    record = harness.sender.records[0][1]
    assert (record["requestContext"]["condition"],
            record["requestContext"]["approximateInvokeCount"]) == (RECURSION_STOPPED, 1)
