"""Stacks, their events and their change sets, kept in `stacks.db` in the state folder so
they outlive a restart. A stack is one JSON document (its template, parameters, resources,
outputs); events are appended and read newest first, as DescribeStackEvents lists them."""

from __future__ import annotations

import dataclasses
import datetime
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.state_db import Schema, open_database

SCHEMA = Schema("CloudFormation stacks", [[
    "CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
    "deleted INTEGER NOT NULL DEFAULT 0, document TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS stacks_by_name ON stacks (name, deleted)",
    "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "stack_id TEXT NOT NULL, document TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_by_stack ON events (stack_id, seq)",
    "CREATE TABLE IF NOT EXISTS change_sets (change_set_id TEXT PRIMARY KEY, "
    "stack_id TEXT NOT NULL, name TEXT NOT NULL, document TEXT NOT NULL)",
]])


def now() -> str:
    """The current time as AWS writes it (ISO-8601, UTC, milliseconds)."""
    moment = datetime.datetime.now(datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class ResourceRecord:
    """One resource of a stack as it stands: `properties` are the resolved ones it was last
    provisioned with."""

    logical_id: str
    resource_type: str
    status: str
    physical_id: str | None = None
    status_reason: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    updated: str = field(default_factory=now)


@dataclass
class StackRecord:
    stack_id: str
    name: str
    status: str
    region: str
    template_body: str
    template: dict[str, Any]  # as deployed: transforms applied
    created: str = field(default_factory=now)
    updated: str | None = None
    deleted: str | None = None
    status_reason: str | None = None
    description: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    resolved_parameters: dict[str, str] = field(default_factory=dict)
    outputs: list[dict[str, str]] = field(default_factory=list)
    tags: list[dict[str, str]] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)
    notification_arns: list[str] = field(default_factory=list)
    disable_rollback: bool = False
    termination_protection: bool = False
    role_arn: str | None = None
    timeout_minutes: int | None = None
    change_set_id: str | None = None
    imports: list[str] = field(default_factory=list)  # export names its template imports
    resources: dict[str, ResourceRecord] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> StackRecord:
        data = json.loads(text)
        data["resources"] = {key: ResourceRecord(**value)
                             for key, value in data.get("resources", {}).items()}
        return cls(**data)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))


class StackStore:
    """Thread-safe: the API's threads and the deploy workers share it."""

    def __init__(self, path: Path) -> None:
        self._db = open_database(path, SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def save(self, stack: StackRecord) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO stacks (stack_id, name, deleted, document) "
                "VALUES (?, ?, ?, ?)",
                (stack.stack_id, stack.name, int(stack.deleted is not None), stack.to_json()))

    def get(self, stack_id: str) -> StackRecord | None:
        with self._lock:
            row = self._db.execute("SELECT document FROM stacks WHERE stack_id = ?",
                                   (stack_id,)).fetchone()
        return None if row is None else StackRecord.from_json(row[0])

    def live(self, name: str) -> StackRecord | None:
        """The stack of that name that is not deleted, if any."""
        with self._lock:
            row = self._db.execute("SELECT document FROM stacks WHERE name = ? AND deleted = 0",
                                   (name,)).fetchone()
        return None if row is None else StackRecord.from_json(row[0])

    def all(self, include_deleted: bool = False) -> list[StackRecord]:
        query = "SELECT document FROM stacks" + ("" if include_deleted else " WHERE deleted = 0")
        with self._lock:
            rows = self._db.execute(query + " ORDER BY rowid").fetchall()
        return [StackRecord.from_json(row[0]) for row in rows]

    def add_event(self, stack_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT INTO events (stack_id, document) VALUES (?, ?)",
                             (stack_id, json.dumps(event)))

    def events(self, stack_id: str) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            rows = self._db.execute("SELECT document FROM events WHERE stack_id = ? "
                                    "ORDER BY seq DESC", (stack_id,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def save_change_set(self, change_set: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO change_sets (change_set_id, stack_id, name, document) "
                "VALUES (?, ?, ?, ?)", (change_set["ChangeSetId"], change_set["StackId"],
                                        change_set["ChangeSetName"], json.dumps(change_set)))

    def change_set(self, change_set_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT document FROM change_sets WHERE change_set_id = ?",
                                   (change_set_id,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def change_sets(self, stack_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT document FROM change_sets WHERE stack_id = ? "
                                    "ORDER BY rowid", (stack_id,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def delete_change_set(self, change_set_id: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM change_sets WHERE change_set_id = ?", (change_set_id,))
