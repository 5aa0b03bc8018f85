"""Resource-based policies, persisted in SQLite in the state folder: a function's own, each
published version's and each alias's (separate policies, as on AWS), and each layer
version's. A policy with no statement left is no policy at all."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.models import new_revision_id
from simulator.state_db import Schema, open_database

SCHEMA = Schema("resource-based policies", steps=[[
    "CREATE TABLE IF NOT EXISTS function_policies (name TEXT, qualifier TEXT, "
    "revision_id TEXT NOT NULL, statements TEXT NOT NULL, PRIMARY KEY (name, qualifier))",
    "CREATE TABLE IF NOT EXISTS layer_policies (name TEXT, version INTEGER, "
    "revision_id TEXT NOT NULL, statements TEXT NOT NULL, PRIMARY KEY (name, version))",
]])


@dataclass(frozen=True)
class Policy:
    """The statements in the order they were added; every change is a new revision."""

    statements: tuple[dict[str, Any], ...] = ()
    revision_id: str = field(default_factory=new_revision_id)

    def statement(self, statement_id: str) -> dict[str, Any] | None:
        return next((s for s in self.statements if s["Sid"] == statement_id), None)

    def adding(self, statement: dict[str, Any]) -> Policy:
        return Policy(self.statements + (statement,))

    def removing(self, statement_id: str) -> Policy:
        return Policy(tuple(s for s in self.statements if s["Sid"] != statement_id))


class PolicyStore:
    def __init__(self, database: Path) -> None:
        self._db = open_database(database, SCHEMA)
        self._lock = threading.Lock()

    # -- functions: qualifier "" is the function itself, else a version or an alias ------

    def function_policy(self, name: str, qualifier: str) -> Policy | None:
        with self._lock:
            row = self._db.execute(
                "SELECT revision_id, statements FROM function_policies "
                "WHERE name = ? AND qualifier = ?", (name, qualifier)).fetchone()
        return None if row is None else _policy(*row)

    def put_function_policy(self, name: str, qualifier: str, policy: Policy) -> None:
        with self._lock:
            if policy.statements:
                self._db.execute("INSERT OR REPLACE INTO function_policies VALUES (?, ?, ?, ?)",
                                 (name, qualifier, policy.revision_id,
                                  json.dumps(policy.statements)))
            else:
                self._db.execute("DELETE FROM function_policies WHERE name = ? AND "
                                 "qualifier = ?", (name, qualifier))

    def forget_function(self, name: str, qualifier: str | None = None) -> None:
        """The function (qualifier None: with all its versions and aliases) or one version
        was deleted: its policies go with it."""
        with self._lock:
            if qualifier is None:
                self._db.execute("DELETE FROM function_policies WHERE name = ?", (name,))
            else:
                self._db.execute("DELETE FROM function_policies WHERE name = ? AND "
                                 "qualifier = ?", (name, qualifier))

    # -- layer versions ---------------------------------------------------------------------

    def layer_policy(self, name: str, version: int) -> Policy | None:
        with self._lock:
            row = self._db.execute(
                "SELECT revision_id, statements FROM layer_policies "
                "WHERE name = ? AND version = ?", (name, version)).fetchone()
        return None if row is None else _policy(*row)

    def put_layer_policy(self, name: str, version: int, policy: Policy) -> None:
        with self._lock:
            if policy.statements:
                self._db.execute("INSERT OR REPLACE INTO layer_policies VALUES (?, ?, ?, ?)",
                                 (name, version, policy.revision_id,
                                  json.dumps(policy.statements)))
            else:
                self._db.execute("DELETE FROM layer_policies WHERE name = ? AND version = ?",
                                 (name, version))

    def forget_layer_version(self, name: str, version: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM layer_policies WHERE name = ? AND version = ?",
                             (name, version))

    def close(self) -> None:
        self._db.close()


def _policy(revision_id: str, statements: str) -> Policy:
    return Policy(tuple(json.loads(statements)), revision_id)
