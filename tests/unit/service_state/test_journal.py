"""The journal's files: the last record of a unit wins, a torn tail is dropped, a base stands
for the segments it folds, and a folder of another format is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.service_state.journal import Journal, ServiceStateError, encode


def test_the_last_record_of_a_unit_wins_and_none_removes_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "5.2.1")
    journal.append(encode(("a",), b"1") + encode(("b",), b"1"))
    journal.append(encode(("a",), b"2") + encode(("b",), None))
    journal.close()
    assert Journal(tmp_path, "5.2.1").load() == {("a",): b"2"}


def test_a_record_torn_by_a_kill_ends_its_segment(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "5.2.1")
    journal.append(encode(("a",), b"kept"))
    journal.append(encode(("b",), b"torn")[:-3])
    journal.close()
    reopened = Journal(tmp_path, "5.2.1")
    assert reopened.load() == {("a",): b"kept"}
    reopened.rotate()  # never appends after the torn record
    reopened.append(encode(("c",), b"after"))
    assert reopened.load() == {("a",): b"kept", ("c",): b"after"}


def test_a_base_stands_for_the_segments_it_folds(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "5.2.1")
    journal.append(encode(("old",), b"1"))
    finished = journal.rotate()
    journal.append(encode(("new",), b"2"))
    journal.write_base([encode(("folded",), b"3")], finished)
    assert journal.segments() == [finished + 1]
    assert journal.load() == {("folded",): b"3", ("new",): b"2"}


def test_a_folder_of_another_format_is_refused(tmp_path: Path) -> None:
    (tmp_path / "FORMAT").write_text(json.dumps({"format": 99, "moto": "5.2"}))
    with pytest.raises(ServiceStateError, match="format 99 .*--ephemeral"):
        Journal(tmp_path, "5.2.1")


def test_state_saved_with_another_moto_is_refused(tmp_path: Path) -> None:
    Journal(tmp_path, "5.2.1").close()
    with pytest.raises(ServiceStateError, match="moto 5.2; this version reads .* moto 5.3"):
        Journal(tmp_path, "5.3.0")


def test_records_without_a_format_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "journal-00000001").write_bytes(encode(("a",), b"1"))
    with pytest.raises(ServiceStateError, match="no FORMAT file"):
        Journal(tmp_path, "5.2.1")
