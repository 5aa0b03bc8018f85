"""The functions this simulator knows: held in memory for the invoke path, written through to
SQLite in the state folder so that they survive a restart."""

from __future__ import annotations

import threading
from bisect import bisect_left, insort
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
        # Kept sorted as names come and go, so that a page of ListFunctions never sorts them
        # all again: with thousands of functions, paging through would cost the square.
        self._names = sorted(self._functions)

    def get(self, name: str) -> FunctionConfig | None:
        return self._functions.get(name)

    def all(self) -> list[FunctionConfig]:
        """Sorted by name, the order ListFunctions pages through."""
        with self._lock:
            return [self._functions[name] for name in self._names]

    def from_name(self, first: str, count: int) -> list[FunctionConfig]:
        """Up to `count` functions in name order, from the first whose name is `first` or
        sorts after it: a page of ListFunctions, in time of the page rather than of all."""
        with self._lock:
            start = bisect_left(self._names, first)
            return [self._functions[name] for name in self._names[start:start + count]]

    def put(self, function: FunctionConfig) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO functions (name, config) VALUES (?, ?)",
                (function.name, function.to_json()),
            )
            self._store(function)

    def add(self, function: FunctionConfig) -> bool:
        """Insert unless the name is taken; False if it was."""
        with self._lock:
            if function.name in self._functions:
                return False
            self._db.execute(
                "INSERT INTO functions (name, config) VALUES (?, ?)",
                (function.name, function.to_json()),
            )
            self._store(function)
            return True

    def remove(self, name: str) -> FunctionConfig | None:
        with self._lock:
            self._db.execute("DELETE FROM functions WHERE name = ?", (name,))
            removed = self._functions.pop(name, None)
            if removed is not None:
                del self._names[bisect_left(self._names, name)]
            return removed

    def close(self) -> None:
        self._db.close()

    def _store(self, function: FunctionConfig) -> None:
        """In memory, the lock held."""
        if function.name not in self._functions:
            insort(self._names, function.name)
        self._functions[function.name] = function
