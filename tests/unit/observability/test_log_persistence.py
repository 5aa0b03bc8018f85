"""The log archive on disk: restoring after a restart, and a burst the disk cannot keep up
with."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.observability import log_persistence
from simulator.observability.log_persistence import LogArchive
from simulator.observability.log_store import LogStore


def test_archive_restores_logs_and_keeps_the_newest(tmp_path: Path) -> None:
    archive = LogArchive(tmp_path / "logs.db", max_events_per_group=10)
    store = LogStore(on_append=archive.record)
    archive.restore_into(store)
    for index in range(25):
        store.append("fn", "stream", f"line {index}\n")
    archive.set_retention("/aws/lambda/fn", 30)
    archive.close()

    restored_archive = LogArchive(tmp_path / "logs.db", max_events_per_group=10)
    restored = LogStore(on_append=restored_archive.record)
    restored_archive.restore_into(restored)
    lines = [e.message for e in restored.events("fn")]
    assert lines[-1] == "line 24\n"
    assert 10 <= len(lines) <= 11  # trimmed to the cap, with its 10% margin
    [group] = restored.describe_groups()
    assert group.retention_days == 30
    restored.append("fn", "stream", "after restart\n")
    assert restored.events("fn")[-1].seq > restored.events("fn")[-2].seq
    restored_archive.close()


def test_a_burst_the_disk_cannot_keep_up_with_is_bounded_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What does not fit the archive's queue is left out of the copy on disk; the in-memory
    store and the order of what is written are untouched."""
    monkeypatch.setattr(log_persistence, "MAX_QUEUED_BYTES", 100 * 1024)
    archive = LogArchive(tmp_path / "logs.db")
    store = LogStore(on_append=archive.record)
    for index in range(300):  # the writer is not started yet: nothing leaves the queue
        store.append("fn", "stream", f"line {index:03d} {'x' * 1000}\n")
    archive.restore_into(LogStore())
    archive.close()

    assert len(store.events("fn")) == 300
    restored_archive = LogArchive(tmp_path / "logs.db")
    restored = LogStore()
    restored_archive.restore_into(restored)
    written = [int(e.message.split()[1]) for e in restored.events("fn")]
    assert written == list(range(len(written)))
    assert len(written) == 100 * 1024 // len(store.events("fn")[0].message)
    restored_archive.close()
