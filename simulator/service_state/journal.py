"""The saved state on disk: a compacted `base` and the numbered journal segments written
since, each a run of records `(unit, bytes | None)` where None says the unit is gone. Reading
takes the base, then every later segment in order, the last record of a unit winning.

A record goes to the OS with one `write` on a file opened for appending, so that it survives
a kill of the process the moment the call returns; nothing is fsynced, so a power loss may
lose what the OS had not yet flushed. A record torn by a kill mid-write (its length or check
does not match) ends its segment: it was never acknowledged."""

from __future__ import annotations

import json
import logging
import os
import pickle
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from simulator.state_db import StateFolderError

log = logging.getLogger(__name__)

FORMAT = 1
HEADER = struct.Struct("<II")
SEGMENT_PREFIX = "journal-"
GENERATION = ("generation",)
Unit = tuple[str, ...]
Record = tuple[Unit, bytes | None]


class ServiceStateError(StateFolderError):
    """A saved service state this version cannot read."""


def encode(unit: Unit, data: bytes | None) -> bytes:
    payload = pickle.dumps((unit, data), protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def read_records(path: Path) -> Iterator[Record]:
    content = path.read_bytes()
    offset = 0
    while offset + HEADER.size <= len(content):
        length, check = HEADER.unpack_from(content, offset)
        payload = content[offset + HEADER.size:offset + HEADER.size + length]
        if len(payload) != length or zlib.crc32(payload) != check:
            break
        unit, data = pickle.loads(payload)
        yield unit, data
        offset += HEADER.size + length
    if offset != len(content):
        log.warning("%s ends with %d bytes of a record that was never finished", path,
                    len(content) - offset)


class Journal:
    """The files of one state folder; `append` is the only call on a request's path."""

    def __init__(self, folder: Path, moto_version: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._check_format(moto_version)
        self._fd = -1
        self.written = 0  # bytes in the segment being written
        self.segment = max(self.segments(), default=self.base_generation())

    def _check_format(self, moto_version: str) -> None:
        marker = self.folder / "FORMAT"
        wanted = {"format": FORMAT, "moto": _minor(moto_version)}
        if not marker.exists():
            if self.segments() or (self.folder / "base").exists():
                raise ServiceStateError(f"the saved AWS service state in {self.folder} has no "
                                        "FORMAT file: move it away, or start with --ephemeral")
            marker.write_text(json.dumps(wanted))
            return
        found = json.loads(marker.read_text())
        if found != wanted:
            raise ServiceStateError(
                f"the saved AWS service state in {self.folder} is format {found.get('format')} "
                f"from moto {found.get('moto')}; this version reads format {FORMAT} from moto "
                f"{wanted['moto']}: move it away, or start with --ephemeral")

    def segments(self) -> list[int]:
        return sorted(int(path.name[len(SEGMENT_PREFIX):])
                      for path in self.folder.glob(f"{SEGMENT_PREFIX}*")
                      if path.name[len(SEGMENT_PREFIX):].isdigit())

    def segment_path(self, number: int) -> Path:
        return self.folder / f"{SEGMENT_PREFIX}{number:08d}"

    def base_generation(self) -> int:
        """The last segment the base holds, its first record (0: no base)."""
        path = self.folder / "base"
        if not path.exists():
            return 0
        for unit, data in read_records(path):
            if unit == GENERATION and data is not None:
                return int(data)
        return 0

    def load(self) -> dict[Unit, bytes]:
        units: dict[Unit, bytes] = {}
        generation = self.base_generation()
        sources = [self.folder / "base"] if (self.folder / "base").exists() else []
        sources += [self.segment_path(n) for n in self.segments() if n > generation]
        for path in sources:
            for unit, data in read_records(path):
                if data is None:
                    units.pop(unit, None)
                elif unit != GENERATION:
                    units[unit] = data
        return units

    def rotate(self) -> int:
        """Start the next segment (never appending after a record a kill may have torn);
        the number of the one finished."""
        finished = self.segment
        if self._fd >= 0:
            os.close(self._fd)
        self.segment += 1
        self.written = 0
        self._fd = os.open(self.segment_path(self.segment),
                           os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return finished

    def append(self, records: bytes) -> None:
        if self._fd < 0:
            self.rotate()
        self.written += len(records)
        view = memoryview(records)
        while view:
            view = view[os.write(self._fd, view):]

    def write_base(self, records: Iterable[bytes], generation: int) -> int:
        """A new base standing for the segments up to `generation` (taken from the live
        state at any moment after that segment was finished: a unit changed since has a
        later record), then those segments removed; its size."""
        temporary = self.folder / "base.new"
        with temporary.open("wb") as out:
            out.write(encode(GENERATION, str(generation).encode()))
            for record in records:
                out.write(record)
            size = out.tell()
        os.replace(temporary, self.folder / "base")
        for number in self.segments():
            if number <= generation:
                self.segment_path(number).unlink()
        return size

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])
