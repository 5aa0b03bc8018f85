"""The most recent invocations with their timeline, for the dashboard: where each one's
time went (launching an environment, the runtime's init, the handler, the response), and
what a streamed response was made of."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from simulator.models import InvocationResult

MAX_INVOCATIONS = 200


@dataclass(frozen=True)
class InvocationRecord:
    function_name: str
    finished_at: float
    status: str  # Success, Error or Throttled
    error_type: str | None = None
    request_id: str | None = None
    duration_ms: float = 0.0
    cold: bool = False
    phases_ms: dict[str, float] | None = None
    trace_id: str = ""  # set when the invocation was traced (sampled)
    # A streamed response: content type, chunks, bytes and time to the first chunk.
    streamed: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class InvocationHistory:
    """An `InvocationObserver` keeping the last `limit` invocations in memory."""

    def __init__(self, limit: int = MAX_INVOCATIONS) -> None:
        self._lock = threading.Lock()
        self._records: deque[InvocationRecord] = deque(maxlen=limit)

    def record_dropped(self, function_name: str) -> None:
        """A stopped invocation ran nothing: nothing to keep."""

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        if throttled or result is None:
            entry = InvocationRecord(function_name, time.time(), "Throttled")
        else:
            entry = InvocationRecord(
                function_name, time.time(), "Error" if result.failed else "Success",
                error_type=result.error_type,
                request_id=getattr(result.log_record, "request_id", None),
                duration_ms=result.duration_ms, cold=result.cold,
                phases_ms=_timeline(result), trace_id=result.trace_id,
                streamed=asdict(result.streamed) if result.streamed else None,
            )
        with self._lock:
            self._records.append(entry)

    def recent(self, function_name: str | None = None) -> list[InvocationRecord]:
        """Newest first."""
        with self._lock:
            records = list(self._records)
        return [r for r in reversed(records)
                if function_name is None or r.function_name == function_name]


def _timeline(result: InvocationResult) -> dict[str, float]:
    """The service's phases, with the invoke phase split into the handler's own run and
    the rest (handing the request over and the answer back)."""
    phases = result.phases_ms
    invoke = phases.get("invoke", result.duration_ms)
    return {
        "launch": phases.get("launch", 0.0),
        "init": phases.get("init", 0.0),
        "run": result.duration_ms,
        "response": max(0.0, invoke - result.duration_ms),
    }
