"""Which unexpected errors the API words as a full disk rather than as a bug."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from simulator.app import is_disk_full


def sqlite_full_error() -> sqlite3.Error:
    """What SQLite raises when its file cannot grow: a database capped at two pages."""
    database = sqlite3.connect(":memory:")
    database.execute("PRAGMA max_page_count=2")
    database.execute("CREATE TABLE t (x)")
    with pytest.raises(sqlite3.Error) as raised:
        database.execute("INSERT INTO t VALUES (zeroblob(100000))")
    return raised.value


def test_sqlite_and_os_out_of_space_errors_are_a_full_disk() -> None:
    assert is_disk_full(sqlite_full_error())
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))


def test_other_errors_are_not() -> None:
    assert not is_disk_full(sqlite3.OperationalError("database is locked"))
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(ValueError("disk is full"))
