"""Bodies kept by content: one whole file per distinct body, found by its SHA-256, listed
without the temporary files of a write under way, and forgotten without minding one gone."""

from __future__ import annotations

import hashlib
from pathlib import Path

from simulator.service_state.bodies import BodyStore


def test_a_body_is_kept_under_its_digest_and_read_back(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path / "bodies")
    digest = bodies.keep(b"hello")
    assert digest == hashlib.sha256(b"hello").hexdigest()
    assert bodies.path_of(digest) == tmp_path / "bodies" / digest[:2] / digest
    assert bodies.read(digest) == b"hello"


def test_the_same_bytes_are_kept_once(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    first = bodies.keep(b"same")
    written = bodies.path_of(first).stat().st_mtime_ns
    assert bodies.keep(b"same") == first
    assert bodies.path_of(first).stat().st_mtime_ns == written
    assert bodies.digests() == {first}
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first]


def test_temporary_files_are_not_listed_as_bodies(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    kept = bodies.keep(b"whole")
    (tmp_path / kept[:2] / f".{kept}.1.2").write_bytes(b"wh")
    assert bodies.digests() == {kept}


def test_forgotten_bodies_are_removed_and_missing_ones_ignored(tmp_path: Path) -> None:
    bodies = BodyStore(tmp_path)
    gone, kept = bodies.keep(b"gone"), bodies.keep(b"kept")
    bodies.forget([gone, hashlib.sha256(b"never kept").hexdigest()])
    assert bodies.digests() == {kept}
    assert not bodies.path_of(gone).exists()
