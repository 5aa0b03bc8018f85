"""The journal folded into a base, in the background, once it has grown to twice the base:
restoring then reads each unit about once, and the disk holds about twice the state.

The segment being written is finished first (under the journal's lock, a moment); the base is
then pickled from moto's live state without holding any lock, which is sound because every
unit changed after that moment has a record in a later segment, read after the base. Bodies
no record names any more are removed last."""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Hashable, Iterator
from typing import Any

from simulator.service_state import codec, units
from simulator.service_state.bodies import BodyStore
from simulator.service_state.journal import Journal, encode

log = logging.getLogger(__name__)

COMPACT_AT_LEAST = 64 * 1024 * 1024
PICKLE_ATTEMPTS = 5


class Unsaveable(Exception):
    """A service's objects hold something that cannot be saved (a function of moto's own,
    say): that service's state is kept in memory only."""


def pickled(value: Any, bodies: BodyStore, externals: dict[int, Hashable] | None = None
            ) -> tuple[bytes, set[str]]:
    """Pickled while other requests may change it: a change in the middle is tried again
    (the changing request's own record follows it anyway)."""
    attempt = 1
    while True:
        try:
            return codec.dumps(value, bodies, externals)
        except (AttributeError, TypeError, pickle.PicklingError) as error:
            raise Unsaveable(str(error)) from error
        except RuntimeError as error:
            if attempt >= PICKLE_ATTEMPTS:
                raise
            attempt += 1
            log.debug("state changed while being saved (%s); saving again", error)


class Compactor:
    def __init__(self, journal: Journal, bodies: BodyStore, lock: threading.Lock,
                 at_least: int = COMPACT_AT_LEAST) -> None:
        self._journal = journal
        self._bodies = bodies
        self._lock = lock  # the journal's
        self._at_least = at_least
        base = journal.folder / "base"
        self._base_size = base.stat().st_size if base.exists() else 0
        self._since_rotation: set[str] = set()  # bodies named by the segment being written
        self._thread: threading.Thread | None = None

    def referenced(self, digests: set[str]) -> None:
        """Bodies named by a record just written (under the journal's lock)."""
        self._since_rotation |= digests

    def due(self) -> bool:
        return self._journal.written > max(self._at_least, 2 * self._base_size)

    def maybe_start(self) -> None:
        if self._thread is None and self.due():
            self._thread = threading.Thread(target=self._run, name="service-state-compaction",
                                            daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self.compact()
        except Exception:
            log.exception("compacting the saved AWS service state failed; the journal is kept "
                          "and read whole at the next start")
        finally:
            self._thread = None

    def compact(self) -> None:
        with self._lock:
            generation = self._journal.rotate()
            self._since_rotation = set()
        named: set[str] = set()
        self._base_size = self._journal.write_base(self._records(named), generation)
        with self._lock:
            unnamed = self._bodies.digests() - named - self._since_rotation
            self._bodies.forget(unnamed)
        log.debug("service state compacted: %d bytes, %d bodies removed", self._base_size,
                  len(unnamed))

    def _records(self, named: set[str]) -> Iterator[bytes]:
        for backend_dict in units.live_backend_dicts():
            for unit, value, externals in units.live_units(backend_dict):
                try:
                    data, digests = pickled(value, self._bodies, externals)
                except Unsaveable:
                    continue  # in memory only; said once when its service was first saved
                named |= digests
                yield encode(unit, data)

    def close(self) -> None:
        thread = self._thread
        if thread is not None:
            thread.join()
