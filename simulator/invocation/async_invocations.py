"""Asynchronous invocation as AWS runs it: accepted into a persistent queue, retried on
function errors (twice by default, with growing delays), throttles retried until the event is
too old, then the result goes to the configured destinations and dead-letter queue."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from simulator.config import Settings
from simulator.errors import TooManyRequestsException
from simulator.invocation.destinations import DestinationSender
from simulator.invocation.event_queue import AsyncQueue, QueuedEvent
from simulator.models import FunctionConfig, InvocationResult

log = logging.getLogger(__name__)

DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2
DEFAULT_MAXIMUM_EVENT_AGE = 21600

Lookup = Callable[[str], "FunctionConfig | None"]
Run = Callable[[FunctionConfig, bytes, "str | None"], InvocationResult]


class AsyncInvocations:
    def __init__(self, settings: Settings, lookup: Lookup, run: Run,
                 sender: DestinationSender) -> None:
        self._settings = settings
        self._lookup = lookup
        self._run = run
        self._sender = sender
        self._queue = AsyncQueue(settings.state_dir / "async_events.db", self._process,
                                 settings.async_workers)

    def submit(self, reference: str, payload: bytes, trace_header: str | None = None) -> None:
        """`reference`: the function's name, or `name:version` for a published version;
        `trace_header` the caller's `X-Amzn-Trace-Id`, which every attempt carries on."""
        self._queue.put(QueuedEvent(reference, payload, trace_header=trace_header))

    def pending(self) -> int:
        return self._queue.pending()

    def close(self) -> None:
        self._queue.close()

    def _process(self, event: QueuedEvent) -> float | None:
        """One attempt; None when the event is finished, else the delay before the next."""
        function = self._lookup(event.function_name)
        if function is None:
            log.warning("dropping an event for deleted function %s", event.function_name)
            return None
        config = function.event_invoke_config or {}
        max_age = config.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE)
        max_retries = config.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)
        if time.time() - event.enqueued_at > max_age:
            self._fail(function, event, None, "EventAgeExceeded")
            return None
        try:
            result = self._run(function, event.payload, event.trace_header)
        except TooManyRequestsException:
            return self._retry_delay(max(event.attempts, 1))
        event.attempts += 1
        if not result.failed:
            self._succeed(function, event, result)
            return None
        if event.attempts <= max_retries:
            log.info("retrying event %s for %s (attempt %d failed: %s)", event.id,
                     function.name, event.attempts, result.error_type)
            return self._retry_delay(event.attempts)
        self._fail(function, event, result, "RetriesExhausted")
        return None

    def _retry_delay(self, attempts: int) -> float:
        """AWS waits about a minute, then two: the base delay doubling per attempt."""
        return float(self._settings.async_retry_delay * 2 ** (attempts - 1))

    def _succeed(self, function: FunctionConfig, event: QueuedEvent,
                 result: InvocationResult) -> None:
        destination = _destination(function, "OnSuccess")
        if destination:
            self._sender.send_record(destination,
                                     self._record(function, event, result, "Success"),
                                     event.trace_header)

    def _fail(self, function: FunctionConfig, event: QueuedEvent,
              result: InvocationResult | None, condition: str) -> None:
        log.warning("asynchronous invocation of %s failed for good (%s)", function.name,
                    condition)
        destination = _destination(function, "OnFailure")
        if destination:
            self._sender.send_record(destination,
                                     self._record(function, event, result, condition),
                                     event.trace_header)
        if function.dead_letter_target:
            error = _json(result.payload) if result else {}
            self._sender.send_dead_letter(function.dead_letter_target, event.payload, event.id,
                                          error if isinstance(error, dict) else {},
                                          event.trace_header)

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


def _destination(function: FunctionConfig, kind: str) -> str | None:
    config = function.event_invoke_config or {}
    destination = (config.get("DestinationConfig") or {}).get(kind) or {}
    return destination.get("Destination") or None


def _json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except ValueError:
        return payload.decode(errors="replace")
