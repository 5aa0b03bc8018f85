"""A function's recursive loop setting and each of its versions' runtime management setting,
persisted in SQLite in the state folder. Neither changes what runs here; both are kept so
that what a caller set is what it reads back, and both go with the function (or version)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from simulator.state_db import Schema, open_database

SCHEMA = Schema("functions' recursion and runtime management settings", steps=[[
    "CREATE TABLE IF NOT EXISTS recursion (name TEXT PRIMARY KEY, "
    "recursive_loop TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runtime_management (name TEXT, version TEXT, "
    "update_runtime_on TEXT NOT NULL, runtime_version_arn TEXT, PRIMARY KEY (name, version))",
]])


@dataclass(frozen=True)
class RuntimeManagement:
    update_runtime_on: str
    runtime_version_arn: str | None = None


class FunctionSettingsStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()

    def recursive_loop(self, name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT recursive_loop FROM recursion WHERE name = ?",
                                   (name,)).fetchone()
        return None if row is None else str(row[0])

    def put_recursive_loop(self, name: str, recursive_loop: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO recursion VALUES (?, ?)",
                             (name, recursive_loop))

    def runtime_management(self, name: str, version: str) -> RuntimeManagement | None:
        with self._lock:
            row = self._db.execute(
                "SELECT update_runtime_on, runtime_version_arn FROM runtime_management "
                "WHERE name = ? AND version = ?", (name, version)).fetchone()
        return None if row is None else RuntimeManagement(row[0], row[1])

    def put_runtime_management(self, name: str, version: str,
                               setting: RuntimeManagement) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO runtime_management VALUES (?, ?, ?, ?)",
                             (name, version, setting.update_runtime_on,
                              setting.runtime_version_arn))

    def forget_function(self, name: str, version: str | None = None) -> None:
        """The function (version None: with every version) or one version was deleted."""
        with self._lock:
            if version is None:
                self._db.execute("DELETE FROM recursion WHERE name = ?", (name,))
                self._db.execute("DELETE FROM runtime_management WHERE name = ?", (name,))
            else:
                self._db.execute("DELETE FROM runtime_management WHERE name = ? AND "
                                 "version = ?", (name, version))

    def close(self) -> None:
        self._db.close()
