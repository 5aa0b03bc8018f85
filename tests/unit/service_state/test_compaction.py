"""Compaction: started once the journal outgrows both the floor and twice the base, folds
moto's live state into a base, keeps the bodies that state or a newer record names, and a
failure leaves the journal as it was. Pickling a value that changes underneath is retried."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from moto.s3.models import s3_backends

from simulator.service_state import codec, compaction, units
from simulator.service_state.bodies import BodyStore
from simulator.service_state.compaction import Compactor, pickled
from simulator.service_state.journal import Journal, encode
from tests.unit.service_state import test_store

account = test_store.account


def compactor_on(folder: Path, at_least: int = 1) -> tuple[Journal, BodyStore, Compactor]:
    journal = Journal(folder, "5.2.1")
    bodies = BodyStore(folder / "bodies")
    return journal, bodies, Compactor(journal, bodies, threading.Lock(), at_least)


def test_pickling_is_retried_while_the_value_changes(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = codec.dumps

    def changing(value: Any, bodies: BodyStore, externals: Any = None) -> tuple[bytes, set[str]]:
        calls.append(value)
        if len(calls) < compaction.PICKLE_ATTEMPTS:
            raise RuntimeError("dictionary changed size during iteration")
        return real(value, bodies, externals)

    monkeypatch.setattr(codec, "dumps", changing)
    data, _ = pickled({"a": 1}, BodyStore(tmp_path))
    assert codec.loads(data, BodyStore(tmp_path)) == {"a": 1}
    assert len(calls) == compaction.PICKLE_ATTEMPTS


def test_pickling_gives_up_after_its_attempts(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def always_changing(*args: Any) -> tuple[bytes, set[str]]:
        calls.append(args)
        raise RuntimeError("set changed size during iteration")

    monkeypatch.setattr(codec, "dumps", always_changing)
    with pytest.raises(RuntimeError, match="changed size"):
        pickled({}, BodyStore(tmp_path))
    assert len(calls) == compaction.PICKLE_ATTEMPTS


def test_due_once_the_journal_outgrows_the_floor_and_twice_the_base(tmp_path: Path) -> None:
    journal, _, compactor = compactor_on(tmp_path, at_least=1000)
    journal.append(encode(("small",), b"x" * 100))
    assert not compactor.due()
    compactor.maybe_start()
    compactor.close()
    assert not (tmp_path / "base").exists()
    journal.append(encode(("large",), b"x" * 1000))
    assert compactor.due()

    compactor.compact()
    base = (tmp_path / "base").stat().st_size
    assert journal.written == 0
    again = Compactor(journal, BodyStore(tmp_path / "bodies"), threading.Lock(), at_least=1)
    journal.append(encode(("half",), b"x" * base))
    assert not again.due()  # a restarted server measures against the base on disk
    journal.append(encode(("more",), b"x" * base))
    assert again.due()
    journal.close()


def test_a_due_compaction_runs_in_the_background_and_folds_the_journal(tmp_path: Path) -> None:
    journal, _, compactor = compactor_on(tmp_path)
    journal.append(encode(("folded away",), b"1"))
    compactor.maybe_start()
    compactor.close()
    assert (tmp_path / "base").exists()
    assert ("folded away",) not in journal.load()
    assert len(journal.segments()) == 1
    journal.close()


def test_bodies_named_by_the_state_or_a_newer_record_are_kept(
        tmp_path: Path, account: str, monkeypatch: pytest.MonkeyPatch) -> None:
    journal, bodies, compactor = compactor_on(tmp_path)
    journal.append(encode(("before",), b"1"))
    s3 = s3_backends[account]["aws"]
    s3.create_bucket("kept-bodies", "us-east-1")
    live = b"L" * (codec.INLINE_BODY_BYTES + 1)
    s3.put_object("kept-bodies", "big", live)
    orphan = bodies.keep(b"no record names this")
    newer = bodies.keep(b"named by a request while the base is written")
    write_base = journal.write_base

    def with_a_request_meanwhile(records: Iterable[bytes], generation: int) -> int:
        compactor.referenced({newer})
        return write_base(records, generation)

    monkeypatch.setattr(journal, "write_base", with_a_request_meanwhile)
    compactor.compact()
    assert bodies.digests() == {hashlib.sha256(live).hexdigest(), newer}
    assert orphan not in bodies.digests()
    saved = journal.load()[units.key_unit(account, "aws", "kept-bodies", "big")]
    assert [v.value for v in codec.loads(saved, bodies)] == [live]
    journal.close()


def test_a_failed_compaction_is_logged_and_keeps_the_journal(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    journal, _, compactor = compactor_on(tmp_path)
    journal.append(encode(("kept",), b"1"))

    def full_disk(records: Iterable[bytes], generation: int) -> int:
        raise OSError("No space left on device")

    monkeypatch.setattr(journal, "write_base", full_disk)
    with caplog.at_level(logging.ERROR, logger=compaction.__name__):
        compactor.maybe_start()
        compactor.close()
    assert "compacting the saved AWS service state failed" in caplog.text
    assert journal.load() == {("kept",): b"1"}
    monkeypatch.undo()
    journal.append(encode(("next",), b"2"))
    compactor.maybe_start()  # a later one is started again
    compactor.close()
    assert (tmp_path / "base").exists()
    journal.close()


def test_what_cannot_be_pickled_is_unsaveable_not_an_error(tmp_path: Path) -> None:
    from simulator.service_state.bodies import BodyStore
    from simulator.service_state.compaction import Unsaveable, pickled

    class HoldsAFunction:
        def __init__(self) -> None:
            self.make = lambda: 1  # moto's SSM backend holds one like it

    with pytest.raises(Unsaveable):
        pickled(HoldsAFunction(), BodyStore(tmp_path / "bodies"))
