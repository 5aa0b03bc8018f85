"""Function logs on disk (SQLite in the state folder), so they survive a restart.

The invoke path only puts events on a queue: a background thread writes them in batches,
keeps each group to its newest `max_events_per_group` events and applies retention. The queue
is bounded in events and in bytes: when a burst of output outruns the disk, the lines beyond
the bound are left out of the copy on disk (counted and warned about), never out of the
console or the in-memory store, and the server's memory does not grow with the burst."""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator.observability.log_store import (
    DAY_MS,
    LogEvent,
    LogGroup,
    LogStore,
    LogStream,
    now_ms,
)
from simulator.state_db import Schema, open_database

log = logging.getLogger(__name__)

MAX_EVENTS_PER_GROUP = 100_000
MAX_QUEUED = 50_000
MAX_QUEUED_BYTES = 8 * 2**20
BATCH_SIZE = 2_000
FLUSH_INTERVAL = 0.5
# Between batches the writer rests, so a busy server's events gather into a few large
# transactions instead of waking the writer (and committing) for each one.
WRITE_INTERVAL = 0.2
MAINTENANCE_INTERVAL = 60.0

SCHEMA = Schema("function logs", steps=[[
    "CREATE TABLE IF NOT EXISTS log_groups ("
    " name TEXT PRIMARY KEY, created_ms INTEGER NOT NULL, retention_days INTEGER)",
    "CREATE TABLE IF NOT EXISTS log_streams ("
    " group_name TEXT NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL,"
    " PRIMARY KEY (group_name, name))",
    "CREATE TABLE IF NOT EXISTS log_events ("
    " seq INTEGER PRIMARY KEY, group_name TEXT NOT NULL, stream_name TEXT NOT NULL,"
    " timestamp_ms INTEGER NOT NULL, message TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (group_name, seq)",
]])


@dataclass(frozen=True)
class _NewEvent:
    group: str
    group_created_ms: int
    stream: str
    stream_created_ms: int
    event: LogEvent


@dataclass(frozen=True)
class _Retention:
    group: str
    days: int | None


class LogArchive:
    """Writes what a `LogStore` receives; `restore_into` reads it back at start."""

    def __init__(self, path: Path, max_events_per_group: int = MAX_EVENTS_PER_GROUP) -> None:
        self._path = path
        self._db = open_database(path, SCHEMA, synchronous="NORMAL")
        self._max_events = max_events_per_group
        # None wakes the writer at close, so that closing never waits out FLUSH_INTERVAL.
        self._queue: queue.Queue[_NewEvent | _Retention | None] = queue.Queue(MAX_QUEUED)
        self._counts: dict[str, int] = dict(self._db.execute(
            "SELECT group_name, COUNT(*) FROM log_events GROUP BY group_name").fetchall())
        self._store: LogStore | None = None
        self._dropped = 0
        self._queued_bytes = 0
        self._queued_lock = threading.Lock()
        self._closed = threading.Event()
        self._writer = threading.Thread(target=self._write_forever, name="log-archive",
                                        daemon=True)

    def restore_into(self, store: LogStore) -> None:
        """Load every persisted group into `store` and start writing; call once, before
        the store receives events."""
        self._store = store
        self._apply_retention()
        for name, created_ms, retention_days in self._db.execute(
                "SELECT name, created_ms, retention_days FROM log_groups").fetchall():
            streams = dict(self._db.execute(
                "SELECT name, created_ms FROM log_streams WHERE group_name = ?", (name,)))
            rows = self._db.execute(
                "SELECT stream_name, seq, timestamp_ms, message FROM log_events "
                "WHERE group_name = ? ORDER BY seq", (name,))
            store.restore(LogGroup(name, created_ms, retention_days),
                          ((stream, streams.get(stream, ts), LogEvent(ts, message, seq))
                           for stream, seq, ts, message in rows))
        self._writer.start()

    def record(self, group: LogGroup, stream: LogStream, event: LogEvent) -> None:
        """Queue one event (the `LogStore` listener); never blocks the caller."""
        size = len(event.message)
        with self._queued_lock:
            room = self._queued_bytes + size <= MAX_QUEUED_BYTES
            if room:
                try:
                    self._queue.put_nowait(_NewEvent(group.name, group.created_ms,
                                                     stream.name, stream.created_ms, event))
                    self._queued_bytes += size
                except queue.Full:
                    room = False
            if not room:
                self._dropped += 1
                if self._dropped % 10_000 == 1:
                    log.warning("log persistence is behind: %d events not written",
                                self._dropped)

    def set_retention(self, group_name: str, days: int | None) -> None:
        self._queue.put(_Retention(group_name, days))

    def close(self) -> None:
        """Write what is queued, then stop."""
        self._closed.set()
        try:
            self._queue.put_nowait(None)
        except queue.Full:  # the writer is busy and sees the close after this batch
            pass
        if self._writer.is_alive():
            self._writer.join(timeout=10)
        self._db.close()

    # -- the writer thread ------------------------------------------------------------------

    def _write_forever(self) -> None:
        next_maintenance = time.monotonic() + MAINTENANCE_INTERVAL
        while True:
            closing = self._closed.is_set()
            batch = self._take_batch()
            if batch:
                self._guarded(self._write, batch)
                if not closing:
                    self._closed.wait(WRITE_INTERVAL)
            if time.monotonic() >= next_maintenance:
                self._guarded(self._apply_retention)
                next_maintenance = time.monotonic() + MAINTENANCE_INTERVAL
            if closing and self._queue.empty():
                return

    def _take_batch(self) -> list[_NewEvent | _Retention]:
        try:
            first = self._queue.get(timeout=FLUSH_INTERVAL)
        except queue.Empty:
            return []
        batch = [] if first is None else [first]
        while len(batch) < BATCH_SIZE:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                batch.append(item)
        taken = sum(len(item.event.message) for item in batch if isinstance(item, _NewEvent))
        with self._queued_lock:
            self._queued_bytes -= taken
        return batch

    def _guarded(self, work: Callable[..., None], *args: Any) -> None:
        """A failed write is logged and the thread goes on: losing a batch of log lines
        must not stop later ones from being kept."""
        try:
            work(*args)
        except sqlite3.Error:
            log.exception("could not write function logs to %s", self._path)

    def _write(self, batch: list[_NewEvent | _Retention]) -> None:
        events = [item for item in batch if isinstance(item, _NewEvent)]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR IGNORE INTO log_groups (name, created_ms) VALUES (?, ?)",
                {(e.group, e.group_created_ms) for e in events})
            self._db.executemany(
                "INSERT OR IGNORE INTO log_streams (group_name, name, created_ms) "
                "VALUES (?, ?, ?)", {(e.group, e.stream, e.stream_created_ms) for e in events})
            self._db.executemany(
                "INSERT OR IGNORE INTO log_events VALUES (?, ?, ?, ?, ?)",
                [(e.event.seq, e.group, e.stream, e.event.timestamp_ms, e.event.message)
                 for e in events])
            for item in batch:
                if isinstance(item, _Retention):
                    self._db.execute("UPDATE log_groups SET retention_days = ? WHERE name = ?",
                                     (item.days, item.group))
        for event in events:
            self._counts[event.group] = self._counts.get(event.group, 0) + 1
        for group, count in self._counts.items():
            if count > self._max_events * 1.1:
                self._trim(group)
        if any(isinstance(item, _Retention) for item in batch):
            self._apply_retention()

    def _trim(self, group: str) -> None:
        """Keep the group's newest events; a 10% margin keeps this off every batch."""
        self._db.execute(
            "DELETE FROM log_events WHERE group_name = ? AND seq <= (SELECT seq FROM "
            "log_events WHERE group_name = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)",
            (group, group, self._max_events))
        self._counts[group] = self._max_events

    def _apply_retention(self) -> None:
        for group, days in self._db.execute(
                "SELECT name, retention_days FROM log_groups WHERE retention_days IS NOT NULL"
        ).fetchall():
            deleted = self._db.execute(
                "DELETE FROM log_events WHERE group_name = ? AND timestamp_ms < ?",
                (group, now_ms() - days * DAY_MS)).rowcount
            self._counts[group] = max(0, self._counts.get(group, 0) - deleted)
        if self._store is not None:
            self._store.expire()
