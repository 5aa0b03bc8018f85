"""Function logs as CloudWatch keeps them: a log group per function (`/aws/lambda/<name>`),
a stream per execution environment. Held in memory, bounded; the console shows each line."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

log = logging.getLogger("simulator.functions")

MAX_EVENTS_PER_STREAM = 10_000


def log_group_name(function_name: str) -> str:
    return f"/aws/lambda/{function_name}"


def new_log_stream_name(environment_id: str, version: str = "$LATEST") -> str:
    """AWS's stream naming: `YYYY/MM/DD/[$LATEST]<32 hex>`."""
    day = datetime.now(tz=UTC).strftime("%Y/%m/%d")
    return f"{day}/[{version}]{environment_id}"


@dataclass
class LogEvent:
    timestamp_ms: int
    message: str


@dataclass
class LogStream:
    name: str
    created_ms: int = field(default_factory=lambda: int(time.time() * 1000))
    events: deque[LogEvent] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS_PER_STREAM))


class LogStore:
    """Every function's log groups and streams; thread-safe, append-only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._groups: dict[str, dict[str, LogStream]] = {}

    def append(self, function_name: str, stream_name: str, message: str) -> None:
        event = LogEvent(int(time.time() * 1000), message)
        group = log_group_name(function_name)
        with self._lock:
            streams = self._groups.setdefault(group, {})
            stream = streams.get(stream_name)
            if stream is None:
                stream = streams[stream_name] = LogStream(stream_name)
            stream.events.append(event)
        log.info("[%s] %s", function_name, message.rstrip("\n"))

    def streams(self, function_name: str) -> list[LogStream]:
        with self._lock:
            return list(self._groups.get(log_group_name(function_name), {}).values())

    def events(self, function_name: str) -> list[LogEvent]:
        """All of a function's events across its streams, oldest first."""
        merged = [event for stream in self.streams(function_name) for event in stream.events]
        return sorted(merged, key=lambda event: event.timestamp_ms)

    def drop_group(self, function_name: str) -> None:
        with self._lock:
            self._groups.pop(log_group_name(function_name), None)
