"""Function logs as CloudWatch keeps them: a log group per function (`/aws/lambda/<name>`),
a stream per execution environment. Held in memory, bounded (events per stream, streams per
group, streams and bytes in all: the least recently written stream gives way first); the
console shows each line.

Every event gets a store-wide sequence number: API paging tokens point at it, and the
persistence layer uses it as the row id, so order survives a restart."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from simulator.environments.log_names import log_group_name

MAX_EVENTS_PER_STREAM = 10_000
# Every environment started opens a stream, so without these a long-running server's memory
# grows with the number of cold starts. The archive on disk keeps its own, larger bounds.
MAX_STREAMS_PER_GROUP = 50
MAX_STREAMS = 500
# What all events may hold, their messages and an estimate of each event's own overhead. Over
# it, the least recently written streams lose their oldest events until 90% of it is used.
# About 30,000 lines of ordinary length; older ones stay in the archive on disk.
MAX_STORED_BYTES = 8 * 2**20
EVENT_OVERHEAD_BYTES = 200
DAY_MS = 86_400_000




def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class LogEvent:
    timestamp_ms: int
    message: str
    seq: int = 0


@dataclass
class LogStream:
    name: str
    created_ms: int = field(default_factory=now_ms)
    events: deque[LogEvent] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS_PER_STREAM))
    stored_bytes: int = 0
    last_ingestion_ms: int = 0

    def add(self, event: LogEvent) -> None:
        if len(self.events) == self.events.maxlen:
            self.stored_bytes -= len(self.events[0].message)
        self.events.append(event)
        self.stored_bytes += len(event.message)
        self.last_ingestion_ms = max(self.last_ingestion_ms, event.timestamp_ms)


@dataclass
class LogGroup:
    name: str
    created_ms: int = field(default_factory=now_ms)
    retention_days: int | None = None
    streams: dict[str, LogStream] = field(default_factory=dict)


@dataclass(frozen=True)
class GroupInfo:
    name: str
    created_ms: int
    retention_days: int | None
    stored_bytes: int


@dataclass(frozen=True)
class StreamInfo:
    name: str
    created_ms: int
    first_event_ms: int | None
    last_event_ms: int | None
    last_ingestion_ms: int
    stored_bytes: int


AppendListener = Callable[[LogGroup, LogStream, LogEvent], None]


class LogStore:
    """Every function's log groups and streams; thread-safe, append-only but for retention.
    Listeners (`on_append`, then those added with `listen`) see each new event; they must not
    block, since appends happen on the invoke path."""

    def __init__(self, on_append: AppendListener | None = None,
                 max_streams_per_group: int = MAX_STREAMS_PER_GROUP,
                 max_streams: int = MAX_STREAMS,
                 max_stored_bytes: int = MAX_STORED_BYTES) -> None:
        self._lock = threading.Lock()
        self._groups: dict[str, LogGroup] = {}
        self._sequence = itertools.count(1)
        self._listeners: list[AppendListener] = [on_append] if on_append else []
        self._max_streams_per_group = max_streams_per_group
        self._max_streams = max_streams
        self._max_stored_bytes = max_stored_bytes
        self._added_since_check = 0

    def append(self, function_name: str, stream_name: str, message: str) -> None:
        group_name = log_group_name(function_name)
        with self._lock:
            event = LogEvent(now_ms(), message, next(self._sequence))
            group = self._groups.get(group_name)
            if group is None:
                group = self._groups[group_name] = LogGroup(group_name)
            stream = self._stream(group, stream_name, event.timestamp_ms)
            self._add(stream, event)
        for listener in self._listeners:
            listener(group, stream, event)

    def listen(self, listener: AppendListener) -> None:
        self._listeners.append(listener)

    def restore(self, group: LogGroup, events: Iterable[tuple[str, int, LogEvent]]) -> None:
        """Bring back a persisted group: `events` are (stream name, stream creation, event)
        in sequence order. Later appends continue the sequence."""
        with self._lock:
            restored = self._groups.setdefault(group.name, group)
            last = 0
            for stream_name, created_ms, event in events:
                self._add(self._stream(restored, stream_name, created_ms), event)
                last = max(last, event.seq)
            self._sequence = itertools.count(max(last + 1, next(self._sequence)))

    def _add(self, stream: LogStream, event: LogEvent) -> None:
        """Add, and check the byte budget each time a twentieth of it has come in (a check
        sums over every stream)."""
        stream.add(event)
        self._added_since_check += len(event.message) + EVENT_OVERHEAD_BYTES
        if self._added_since_check * 20 < self._max_stored_bytes:
            return
        self._added_since_check = 0
        held = sum(_held_bytes(s) for g in self._groups.values() for s in g.streams.values())
        if held <= self._max_stored_bytes:
            return
        target = self._max_stored_bytes * 9 // 10
        while held > target:
            found = _least_recent(self._groups.values())
            if found is None:
                return
            group, oldest = found
            while oldest.events and held > target:
                dropped = oldest.events.popleft()
                oldest.stored_bytes -= len(dropped.message)
                held -= len(dropped.message) + EVENT_OVERHEAD_BYTES
            if not oldest.events:
                del group.streams[oldest.name]

    def _stream(self, group: LogGroup, name: str, created_ms: int) -> LogStream:
        """The group's stream of that name, made (room first) when it is new."""
        stream = group.streams.get(name)
        if stream is None:
            if len(group.streams) >= self._max_streams_per_group:
                _drop_least_recent([group])
            if sum(len(g.streams) for g in self._groups.values()) >= self._max_streams:
                _drop_least_recent(self._groups.values())
            stream = group.streams[name] = LogStream(name, created_ms)
        return stream

    def streams(self, function_name: str) -> list[LogStream]:
        with self._lock:
            group = self._groups.get(log_group_name(function_name))
            return list(group.streams.values()) if group else []

    def events(self, function_name: str) -> list[LogEvent]:
        """All of a function's events across its streams, oldest first."""
        return [event for _, event in self.group_events(log_group_name(function_name))]

    def group_events(self, group_name: str, stream_names: set[str] | None = None
                     ) -> list[tuple[str, LogEvent]]:
        """(stream name, event) of a group, in time order (ties by sequence)."""
        with self._lock:
            group = self._groups.get(group_name)
            merged = [] if group is None else [
                (stream.name, event) for stream in group.streams.values()
                if stream_names is None or stream.name in stream_names
                for event in stream.events
            ]
        return sorted(merged, key=lambda item: (item[1].timestamp_ms, item[1].seq))

    def stream_events(self, group_name: str, stream_name: str) -> list[LogEvent] | None:
        """A stream's events in arrival order; None when the stream does not exist."""
        with self._lock:
            group = self._groups.get(group_name)
            stream = group.streams.get(stream_name) if group else None
            return None if stream is None else list(stream.events)

    def describe_groups(self) -> list[GroupInfo]:
        with self._lock:
            return [GroupInfo(g.name, g.created_ms, g.retention_days,
                              sum(s.stored_bytes for s in g.streams.values()))
                    for g in self._groups.values()]

    def describe_streams(self, group_name: str) -> list[StreamInfo] | None:
        """The group's streams; None when the group does not exist."""
        with self._lock:
            group = self._groups.get(group_name)
            if group is None:
                return None
            return [StreamInfo(
                s.name, s.created_ms,
                s.events[0].timestamp_ms if s.events else None,
                s.events[-1].timestamp_ms if s.events else None,
                s.last_ingestion_ms, s.stored_bytes,
            ) for s in group.streams.values()]

    def set_retention(self, group_name: str, days: int | None) -> bool:
        """Keep the group's events `days` days (None: forever); False if no such group."""
        with self._lock:
            group = self._groups.get(group_name)
            if group is None:
                return False
            group.retention_days = days
        self.expire()
        return True

    def expire(self) -> None:
        """Drop events older than their group's retention, as CloudWatch does (lazily)."""
        with self._lock:
            for group in self._groups.values():
                if group.retention_days is None:
                    continue
                cutoff = now_ms() - group.retention_days * DAY_MS
                for stream in group.streams.values():
                    while stream.events and stream.events[0].timestamp_ms < cutoff:
                        stream.stored_bytes -= len(stream.events.popleft().message)

    def drop_group(self, function_name: str) -> None:
        with self._lock:
            self._groups.pop(log_group_name(function_name), None)


def _least_recent(groups: Iterable[LogGroup]) -> tuple[LogGroup, LogStream] | None:
    """The stream written to longest ago among `groups` (by sequence number, which unlike
    the clock never ties), with its group."""
    candidates = [(stream.events[-1].seq if stream.events else 0, group, stream)
                  for group in groups for stream in group.streams.values()]
    if not candidates:
        return None
    _, group, stream = min(candidates, key=lambda item: item[0])
    return group, stream


def _drop_least_recent(groups: Iterable[LogGroup]) -> None:
    found = _least_recent(groups)
    if found is not None:
        group, stream = found
        del group.streams[stream.name]


def _held_bytes(stream: LogStream) -> int:
    return stream.stored_bytes + EVENT_OVERHEAD_BYTES * len(stream.events)
