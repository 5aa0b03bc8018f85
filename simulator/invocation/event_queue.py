"""A persistent queue of asynchronous invocations: every accepted event is written to SQLite
before the caller gets its 202, worked off by a few threads, retried after a delay when asked,
and re-delivered after a restart. Memory holds only each event's id and due time: payloads,
and the deliveries an event still owes its destinations, stay in the database until needed."""

from __future__ import annotations

import heapq
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.state_db import Schema, open_database

SCHEMA = Schema("queued asynchronous invocations", steps=[
    ["CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, function_name TEXT, "
     "payload BLOB, enqueued_at REAL, attempts INTEGER, due_at REAL)"],
    ["ALTER TABLE events ADD COLUMN trace_header TEXT"],
    ["ALTER TABLE events ADD COLUMN deliveries TEXT",
     "ALTER TABLE events ADD COLUMN system_retries INTEGER DEFAULT 0"],
    ["ALTER TABLE events ADD COLUMN tenant_id TEXT"],
])
COLUMNS = ("function_name, payload, id, enqueued_at, attempts, due_at, trace_header, "
           "deliveries, system_retries, tenant_id")

log = logging.getLogger(__name__)


@dataclass
class QueuedEvent:
    function_name: str
    payload: bytes
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    enqueued_at: float = field(default_factory=time.time)
    attempts: int = 0
    due_at: float = 0.0
    trace_header: str | None = None
    # What the finished invocation still owes its destinations and dead-letter queue, each a
    # JSON object; while any is left, the event is retried as deliveries, not run again.
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    system_retries: int = 0  # tries lost to throttles and system errors, for their backoff
    tenant_id: str | None = None  # the tenant a tenant-isolated function runs the event for

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> QueuedEvent:
        """An event as `COLUMNS` reads it back."""
        (function_name, payload, event_id, enqueued_at, attempts, due_at, trace_header,
         deliveries, system_retries, tenant_id) = row
        return cls(function_name, payload, event_id, enqueued_at, attempts, due_at,
                   trace_header, json.loads(deliveries) if deliveries else [],
                   system_retries or 0, tenant_id)


# Returns None when the event is finished, or seconds to wait before the next attempt.
ProcessEvent = Callable[[QueuedEvent], "float | None"]


class AsyncQueue:
    def __init__(self, database: Path, process: ProcessEvent, workers: int) -> None:
        self._db = open_database(database, SCHEMA)
        self._process = process
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int, str]] = []  # (due at, order accepted, event id)
        self._sequence = 0
        self._closed = False
        with self._lock:
            for event_id, due_at in self._db.execute("SELECT id, due_at FROM events"):
                self._schedule(event_id, due_at)
        if self._heap:
            log.info("re-delivering %d queued asynchronous events", len(self._heap))
        self._threads = [
            threading.Thread(target=self._work, name=f"async-{i}", daemon=True)
            for i in range(workers)
        ]
        for thread in self._threads:
            thread.start()

    def put(self, event: QueuedEvent) -> None:
        with self._lock:
            self._db.execute(
                f"INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (event.function_name, event.payload, event.id, event.enqueued_at,
                 event.attempts, event.due_at, event.trace_header,
                 json.dumps(event.deliveries) if event.deliveries else None,
                 event.system_retries, event.tenant_id),
            )
            self._schedule(event.id, event.due_at)

    def pending(self) -> int:
        with self._lock:
            return len(self._heap)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        deadline = time.monotonic() + 2
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            self._db.close()

    def _schedule(self, event_id: str, due_at: float) -> None:
        """Lock held."""
        self._sequence += 1
        heapq.heappush(self._heap, (due_at, self._sequence, event_id))
        self._lock.notify()

    def _next(self) -> QueuedEvent | None:
        with self._lock:
            while not self._closed:
                if self._heap:
                    wait = self._heap[0][0] - time.time()
                    if wait <= 0:
                        event_id = heapq.heappop(self._heap)[2]
                        row = self._db.execute(f"SELECT {COLUMNS} FROM events WHERE id = ?",
                                               (event_id,)).fetchone()
                        if row is not None:
                            return QueuedEvent.from_row(row)
                        continue
                    self._lock.wait(wait)
                else:
                    self._lock.wait()
            return None

    def _work(self) -> None:
        while (event := self._next()) is not None:
            try:
                delay = self._process(event)
            except Exception:
                log.exception("asynchronous event %s for %s failed", event.id, event.function_name)
                delay = None
            with self._lock:
                if self._closed:
                    return
                if delay is None:
                    self._db.execute("DELETE FROM events WHERE id = ?", (event.id,))
                else:
                    event.due_at = time.time() + delay
                    self._db.execute(
                        "UPDATE events SET attempts = ?, due_at = ?, deliveries = ?, "
                        "system_retries = ? WHERE id = ?",
                        (event.attempts, event.due_at,
                         json.dumps(event.deliveries) if event.deliveries else None,
                         event.system_retries, event.id))
                    self._schedule(event.id, event.due_at)
