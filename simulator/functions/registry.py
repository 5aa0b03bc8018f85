"""The functions this simulator knows: held in memory for the invoke path, written through to
SQLite in the state folder so that they survive a restart."""

from __future__ import annotations

import threading
from pathlib import Path

from simulator.models import FunctionConfig
from simulator.state_db import Schema, open_database

SCHEMA = Schema("functions", steps=[
    ["CREATE TABLE IF NOT EXISTS functions (name TEXT PRIMARY KEY, config TEXT NOT NULL)"],
])


class FunctionRegistry:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()
        self._functions: dict[str, FunctionConfig] = {
            name: FunctionConfig.from_json(config)
            for name, config in self._db.execute("SELECT name, config FROM functions")
        }

    def get(self, name: str) -> FunctionConfig | None:
        return self._functions.get(name)

    def all(self) -> list[FunctionConfig]:
        """Sorted by name, the order ListFunctions pages through."""
        return sorted(self._functions.values(), key=lambda function: function.name)

    def put(self, function: FunctionConfig) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO functions (name, config) VALUES (?, ?)",
                (function.name, function.to_json()),
            )
            self._functions[function.name] = function

    def add(self, function: FunctionConfig) -> bool:
        """Insert unless the name is taken; False if it was."""
        with self._lock:
            if function.name in self._functions:
                return False
            self._db.execute(
                "INSERT INTO functions (name, config) VALUES (?, ?)",
                (function.name, function.to_json()),
            )
            self._functions[function.name] = function
            return True

    def remove(self, name: str) -> FunctionConfig | None:
        with self._lock:
            self._db.execute("DELETE FROM functions WHERE name = ?", (name,))
            return self._functions.pop(name, None)

    def close(self) -> None:
        self._db.close()

