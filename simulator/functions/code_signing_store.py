"""Code signing configurations and the functions that use them, persisted in SQLite in the
state folder. A configuration is kept as the JSON AWS answers with; a function uses at most
one, and the link goes with the function."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from simulator.state_db import Schema, open_database

SCHEMA = Schema("code signing configurations", steps=[[
    "CREATE TABLE IF NOT EXISTS code_signing_configs (arn TEXT PRIMARY KEY, "
    "config TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS function_code_signing (name TEXT PRIMARY KEY, "
    "arn TEXT NOT NULL)",
]])


class CodeSigningStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()

    # -- configurations ---------------------------------------------------------------------

    def config(self, arn: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute("SELECT config FROM code_signing_configs WHERE arn = ?",
                                   (arn,)).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def configs(self) -> list[dict[str, Any]]:
        """Sorted by ARN, the order the list operation pages through."""
        with self._lock:
            rows = self._db.execute(
                "SELECT config FROM code_signing_configs ORDER BY arn").fetchall()
        return [dict(json.loads(config)) for (config,) in rows]

    def put_config(self, config: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO code_signing_configs VALUES (?, ?)",
                             (config["CodeSigningConfigArn"], json.dumps(config)))

    def delete_config(self, arn: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM code_signing_configs WHERE arn = ?", (arn,))

    # -- which function uses which ----------------------------------------------------------

    def attach(self, function_name: str, arn: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO function_code_signing VALUES (?, ?)",
                             (function_name, arn))

    def detach(self, function_name: str) -> None:
        """The function no longer uses a configuration (or was deleted)."""
        with self._lock:
            self._db.execute("DELETE FROM function_code_signing WHERE name = ?",
                             (function_name,))

    def config_arn_of(self, function_name: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT arn FROM function_code_signing WHERE name = ?",
                                   (function_name,)).fetchone()
        return None if row is None else str(row[0])

    def functions_using(self, arn: str) -> list[str]:
        """The names of the functions that use the configuration, sorted."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name FROM function_code_signing WHERE arn = ? ORDER BY name",
                (arn,)).fetchall()
        return [name for (name,) in rows]

    def close(self) -> None:
        self._db.close()
