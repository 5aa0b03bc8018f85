"""The tags of resources other than functions (event source mappings), persisted in SQLite in
the state folder beside what they tag; a function's tags are part of its configuration."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from simulator.state_db import Schema, open_database

SCHEMA = Schema("resource tags", steps=[[
    "CREATE TABLE IF NOT EXISTS resource_tags (arn TEXT PRIMARY KEY, tags TEXT NOT NULL)",
]])


class ResourceTagStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._tags: dict[str, dict[str, str]] = {
            arn: json.loads(tags)
            for arn, tags in self._db.execute("SELECT arn, tags FROM resource_tags")
        }

    def tags(self, arn: str) -> dict[str, str]:
        return dict(self._tags.get(arn, {}))

    def put(self, arn: str, tags: dict[str, str]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO resource_tags (arn, tags) VALUES (?, ?)",
                             (arn, json.dumps(tags)))
            self._tags[arn] = dict(tags)

    def forget(self, arn: str) -> None:
        """The resource was deleted: its tags go with it."""
        with self._lock:
            self._db.execute("DELETE FROM resource_tags WHERE arn = ?", (arn,))
            self._tags.pop(arn, None)

    def close(self) -> None:
        self._db.close()
