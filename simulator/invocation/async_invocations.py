"""Asynchronous invocation as AWS runs it: accepted into a persistent queue, retried on
function errors (twice by default, with growing delays); throttles and system errors (an
environment that cannot start, an engine out of reach) retried with a backoff from a second
up to five minutes until the event is too old (but for a function whose reserved
concurrency is 0: its events fail at once); then the result goes to the configured
destinations and dead-letter queue, each delivery retried until it is taken or the event
is too old. An event given up is logged with the reason."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from simulator.config import Settings
from simulator.errors import EnvironmentUnavailable, ServiceException, TooManyRequestsException
from simulator.invocation.destinations import DeliveryFailed, DestinationSender
from simulator.invocation.event_queue import AsyncQueue, QueuedEvent
from simulator.invocation.tracing import RECURSION_STOPPED
from simulator.models import FunctionConfig, InvocationResult

log = logging.getLogger(__name__)

DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE = 21600
# AWS's backoff for throttles and system errors: from one second, doubling, up to five minutes.
SYSTEM_BACKOFF_FIRST, SYSTEM_BACKOFF_MOST = 1.0, 300.0
JITTER = 0.5  # the most a backoff is stretched, as a share of it

Lookup = Callable[[str], "FunctionConfig | None"]
# Runs one attempt: the function, the payload, the trace header and the tenant id.
# (function, payload, trace header, tenant, request id): every attempt runs under the event's id.
Run = Callable[[FunctionConfig, bytes, "str | None", "str | None", str], InvocationResult]


class AsyncInvocations:
    def __init__(self, settings: Settings, lookup: Lookup, run: Run,
                 sender: DestinationSender) -> None:
        self._settings = settings
        self._lookup = lookup
        self._run = run
        self._sender = sender
        self._queue = AsyncQueue(settings.state_dir / "async_events.db", self._process,
                                 settings.async_workers)

    def submit(self, reference: str, payload: bytes, trace_header: str | None = None,
               tenant_id: str | None = None) -> str:
        """Queue the event; its id, the request id every attempt runs under (and the one AWS
        answers the Invoke with). `reference`: the function's name, or `name:version` for a
        published version; `trace_header` the caller's `X-Amzn-Trace-Id`, which every
        attempt carries on, as it does the tenant a tenant-isolated function runs the event
        for."""
        event = QueuedEvent(reference, payload, trace_header=trace_header, tenant_id=tenant_id)
        self._queue.put(event)
        return event.id

    def pending(self) -> int:
        return self._queue.pending()

    def close(self) -> None:
        self._queue.close()

    def _process(self, event: QueuedEvent) -> float | None:
        """One attempt; None when the event is finished, else the delay before the next."""
        function = self._lookup(event.function_name)
        max_age = _maximum_event_age(function)
        if event.deliveries:
            return self._deliver(event, max_age)
        if function is None:
            log.warning("dropping event %s: its function %s was deleted", event.id,
                        event.function_name)
            return None
        config = function.event_invoke_config or {}
        max_retries = config.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)
        if time.time() - event.enqueued_at > max_age:
            self._owe_failure(function, event, None, "EventAgeExceeded")
            return self._deliver(event, None)
        if function.reserved_concurrency == 0:  # never runs: AWS fails it at once
            self._owe_failure(function, event, None, "ZeroReservedConcurrency")
            return self._deliver(event, max_age)
        try:
            result = self._run(function, event.payload, event.trace_header, event.tenant_id,
                               event.id)
        except TooManyRequestsException:
            return self._system_backoff(event)
        except (ServiceException, EnvironmentUnavailable) as error:
            log.warning("event %s for %s meets a system error, tried again later: %s",
                        event.id, function.name, error)
            return self._system_backoff(event)
        event.attempts += 1
        if not result.failed:
            self._owe_success(function, event, result)
            return self._deliver(event, max_age)
        if result.error_type == RECURSION_STOPPED:  # not retried: the loop would go on
            self._owe_failure(function, event, result, RECURSION_STOPPED)
            return self._deliver(event, max_age)
        if event.attempts <= max_retries:
            log.info("retrying event %s for %s (attempt %d failed: %s)", event.id,
                     function.name, event.attempts, result.error_type)
            return self._retry_delay(event.attempts)
        self._owe_failure(function, event, result, "RetriesExhausted")
        return self._deliver(event, max_age)

    def _retry_delay(self, attempts: int) -> float:
        """AWS waits about a minute, then two: the base delay doubling per attempt."""
        return float(self._settings.async_retry_delay * 2 ** (attempts - 1))

    def _system_backoff(self, event: QueuedEvent) -> float:
        """Throttles and system errors don't count as attempts; they wait longer each time,
        each wait stretched by up to half at random, so that events throttled together (a
        burst queued behind a reservation) come back one by one rather than all at the same
        moment, to be throttled together again. The first wait is never above the
        function-error retry delay, which is how a short configured delay shortens both."""
        event.system_retries += 1
        first = min(SYSTEM_BACKOFF_FIRST, self._settings.async_retry_delay)
        delay = first * 2 ** (event.system_retries - 1) * random.uniform(1.0, 1.0 + JITTER)
        return float(min(delay, SYSTEM_BACKOFF_MOST))

    def _owe_success(self, function: FunctionConfig, event: QueuedEvent,
                     result: InvocationResult) -> None:
        destination = _destination(function, "OnSuccess")
        if destination:
            event.deliveries.append({"destination": destination, "record": self._record(
                function, event, result, "Success")})

    def _owe_failure(self, function: FunctionConfig, event: QueuedEvent,
                     result: InvocationResult | None, condition: str) -> None:
        log.warning("asynchronous invocation of %s failed for good (%s)", function.name,
                    condition)
        destination = _destination(function, "OnFailure")
        if destination:
            event.deliveries.append({"destination": destination, "record": self._record(
                function, event, result, condition)})
        if function.dead_letter_target:
            error = _json(result.payload) if result else {}
            event.deliveries.append({"dead_letter": function.dead_letter_target,
                                     "error": error if isinstance(error, dict) else {}})

    def _deliver(self, event: QueuedEvent, max_age: float | None) -> float | None:
        """Send what the event owes; None once all is taken (or given up), else the delay
        before trying the rest again. `max_age` None: the event is already too old, so one
        try each."""
        left = []
        for delivery in event.deliveries:
            try:
                if "dead_letter" in delivery:
                    self._sender.send_dead_letter(delivery["dead_letter"], event.payload,
                                                  event.id, delivery["error"],
                                                  event.trace_header)
                else:
                    self._sender.send_record(delivery["destination"], delivery["record"],
                                             event.trace_header)
            except DeliveryFailed as error:
                log.warning("event %s: %s", event.id, error)
                left.append(delivery)
        event.deliveries = left
        if not left:
            return None
        if max_age is None or time.time() - event.enqueued_at > max_age:
            log.warning("dropping event %s for %s: %d deliveries still refused when it reached "
                        "its maximum age", event.id, event.function_name, len(left))
            return None
        return self._system_backoff(event)

    def _record(self, function: FunctionConfig, event: QueuedEvent,
                result: InvocationResult | None, condition: str) -> dict[str, Any]:
        """AWS's invocation record, as destinations receive it."""
        arn = function.arn(self._settings.region, self._settings.account_id)
        record: dict[str, Any] = {
            "version": "1.0",
            "timestamp": datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "requestContext": {
                "requestId": event.id,
                "functionArn": f"{arn}:{function.version}",
                "condition": condition,
                "approximateInvokeCount": event.attempts,
            },
            "requestPayload": _json(event.payload),
        }
        if result is not None:
            context: dict[str, Any] = {"statusCode": 200, "executedVersion": function.version}
            if result.failed:
                context["functionError"] = "Unhandled"
            record["responseContext"] = context
            record["responsePayload"] = _json(result.payload)
        return record


def _maximum_event_age(function: FunctionConfig | None) -> float:
    config = (function.event_invoke_config if function else None) or {}
    return float(config.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE))


def _destination(function: FunctionConfig, kind: str) -> str | None:
    config = function.event_invoke_config or {}
    destination = (config.get("DestinationConfig") or {}).get(kind) or {}
    return destination.get("Destination") or None


def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")
