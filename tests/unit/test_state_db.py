"""State files carry their schema version: an older file is migrated when opened, a newer one
is refused with a message that says what to do, and a file from before versions were kept is
read as it is."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.functions.registry import FunctionRegistry
from simulator.state_db import Schema, StateFolderError, open_database, schema_version

TWO_STEPS = Schema("things", steps=[
    ["CREATE TABLE IF NOT EXISTS things (name TEXT PRIMARY KEY)"],
    ["ALTER TABLE things ADD COLUMN colour TEXT NOT NULL DEFAULT 'red'"],
])


def test_a_new_file_is_created_at_the_schema_version(tmp_path: Path) -> None:
    db = open_database(tmp_path / "deep" / "things.db", TWO_STEPS)
    assert schema_version(db) == 2
    db.execute("INSERT INTO things (name) VALUES ('a')")
    assert db.execute("SELECT colour FROM things").fetchall() == [("red",)]
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_an_older_file_is_migrated_once_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "things.db"
    old = open_database(path, Schema("things", steps=TWO_STEPS.steps[:1]))
    old.execute("INSERT INTO things (name) VALUES ('kept')")
    old.close()
    db = open_database(path, TWO_STEPS)
    assert schema_version(db) == 2
    assert db.execute("SELECT name, colour FROM things").fetchall() == [("kept", "red")]
    db.close()
    again = open_database(path, TWO_STEPS)  # no step runs twice (ALTER would fail)
    assert schema_version(again) == 2


def test_a_file_from_before_versions_were_kept_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "functions.db"
    legacy = sqlite3.connect(path)
    legacy.execute("CREATE TABLE functions (name TEXT PRIMARY KEY, config TEXT NOT NULL)")
    legacy.commit()
    legacy.close()
    registry = FunctionRegistry(path)
    assert registry.all() == []
    registry.close()
    assert schema_version(sqlite3.connect(path)) == 1


def test_a_file_written_by_a_newer_version_is_refused_not_misread(tmp_path: Path) -> None:
    path = tmp_path / "functions.db"
    newer = sqlite3.connect(path)
    newer.execute("PRAGMA user_version=7")
    newer.close()
    with pytest.raises(StateFolderError) as refused:
        FunctionRegistry(path)
    message = str(refused.value)
    assert "newer Lambda Simulator" in message
    assert "schema version 7" in message and "reads up to 1" in message
    assert "--state-dir" in message


def test_a_failed_step_leaves_the_file_at_its_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "things.db"
    open_database(path, Schema("things", steps=TWO_STEPS.steps[:1])).close()
    broken = Schema("things", steps=[*TWO_STEPS.steps[:1], ["ALTER TABLE nowhere ADD x"]])
    with pytest.raises(sqlite3.OperationalError):
        open_database(path, broken)
    assert schema_version(sqlite3.connect(path)) == 1
