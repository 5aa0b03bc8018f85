"""Every store's SQLite file in the state folder, opened one way: WAL journaling, and a
schema version kept in the file (SQLite's `user_version`). A file of an older version is
migrated step by step when it is opened; a file written by a newer version is refused with
`StateFolderError`, never read as if it were ours.

A file from before versions were kept reads as version 0. Each store's first step creates
its tables with `IF NOT EXISTS`, so such a file passes through it unchanged."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class StateFolderError(Exception):
    """A state folder this version cannot use; the message says why and what to do."""


@dataclass(frozen=True)
class Schema:
    """`steps[n]` takes a file from version n to n + 1; the schema's version is their count."""

    holds: str  # what the file holds, as a message names it
    steps: Sequence[Sequence[str]]

    @property
    def version(self) -> int:
        return len(self.steps)


def open_database(path: Path, schema: Schema, synchronous: str | None = None
                  ) -> sqlite3.Connection:
    """A connection any thread may use, in autocommit mode, at `schema`'s version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        if synchronous is not None:
            connection.execute(f"PRAGMA synchronous={synchronous}")
        _migrate(connection, path, schema)
    except BaseException:
        connection.close()
        raise
    return connection


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _migrate(connection: sqlite3.Connection, path: Path, schema: Schema) -> None:
    found = schema_version(connection)
    if found > schema.version:
        raise StateFolderError(
            f"{path} holds {schema.holds} written by a newer Lambda Simulator (schema "
            f"version {found}; this one reads up to {schema.version}): run a newer version, "
            "or start with another --state-dir")
    for version in range(found, schema.version):
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in schema.steps[version]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version={version + 1}")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
