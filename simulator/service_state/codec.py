"""moto's objects to bytes and back. moto's backends are plain Python objects and pickle,
but for three kinds of member: locks and conditions (made anew on loading); S3 object bodies
(in the record up to `INLINE_BODY_BYTES`, larger ones kept as content-addressed files, the
record naming only the digest); and the collections a record leaves out because they are
saved as records of their own (a bucket's keys, a queue's messages), written as a reference
and loaded empty, to be filled afterwards."""

from __future__ import annotations

import io
import pickle
import tempfile
import threading
import weakref
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any

from simulator.service_state.bodies import BodyStore

_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()), threading.Condition,
               threading.Event, threading.Semaphore)
INLINE_BODY_BYTES = 16 * 1024
# Key objects of the JOSE library moto signs tokens with.
JOSE_MODULES = ("joserfc.",)
_loading_bodies: ContextVar[BodyStore] = ContextVar("_loading_bodies")
# A key's body is hashed once while the key lives: moto replaces a key on each write.
_known_digests: weakref.WeakKeyDictionary[Any, tuple[int, str]] = weakref.WeakKeyDictionary()


def _fake_key_type() -> type:
    from moto.s3.models import FakeKey

    return FakeKey


def imported_jose_key(key_type: Any, data: dict[str, Any]) -> Any:
    """A signing key (a Cognito user pool's) from its JWK form: its native object has no
    pickled form."""
    return key_type.import_key(data)


class StatePickler(pickle.Pickler):
    """`externals` maps the id of each object left out to the reference written instead."""

    def __init__(self, file: io.BytesIO, bodies: BodyStore,
                 externals: dict[int, Hashable] | None = None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._bodies = bodies
        self._externals = externals or {}
        self._fake_key = _fake_key_type()
        self.digests: set[str] = set()

    def persistent_id(self, obj: Any) -> Hashable | None:
        return self._externals.get(id(obj)) if self._externals else None

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPES):
            return _new_lock, (type(obj).__name__,)
        if type(obj).__module__.startswith(JOSE_MODULES) and hasattr(obj, "as_dict"):
            return imported_jose_key, (type(obj), obj.as_dict(private=True))
        if isinstance(obj, self._fake_key):
            key: Any = obj
            state = {name: value for name, value in key.__dict__.items()
                     if name not in ("_value_buffer", "lock")}
            if key.contentsize <= INLINE_BODY_BYTES:
                return restored_key, (state, key.value, "")
            digest = self._digest_of(key)
            self.digests.add(digest)
            return restored_key, (state, b"", digest)
        return NotImplemented

    def _digest_of(self, key: Any) -> str:
        known = _known_digests.get(key)
        if known is not None and known[0] == key.contentsize:
            return known[1]
        digest = self._bodies.keep(key.value)
        _known_digests[key] = (key.contentsize, digest)
        return digest


def dumps(obj: Any, bodies: BodyStore, externals: dict[int, Hashable] | None = None
          ) -> tuple[bytes, set[str]]:
    """The bytes, and the digests of the bodies they name."""
    buffer = io.BytesIO()
    pickler = StatePickler(buffer, bodies, externals)
    pickler.dump(obj)
    return buffer.getvalue(), pickler.digests


def loads(data: bytes, bodies: BodyStore,
          external: Callable[[Hashable], Any] | None = None) -> Any:
    """`external` gives the object that stands for each reference (an empty collection)."""
    unpickler = pickle.Unpickler(io.BytesIO(data))
    if external is not None:
        unpickler.persistent_load = external  # type: ignore[method-assign]
    token = _loading_bodies.set(bodies)
    try:
        return unpickler.load()
    finally:
        _loading_bodies.reset(token)


def _new_lock(kind: str) -> Any:
    return {"lock": threading.Lock, "RLock": threading.RLock, "Condition": threading.Condition,
            "Event": threading.Event, "Semaphore": threading.Semaphore}[kind]()


def restored_key(state: dict[str, Any], body: bytes, digest: str) -> Any:
    """A moto S3 key with its body, given or read back from its file."""
    key_type: Any = _fake_key_type()
    key = key_type.__new__(key_type)
    key.__dict__.update(state)
    buffer = tempfile.SpooledTemporaryFile(max_size=key._max_buffer_size)
    buffer.write(_loading_bodies.get().read(digest) if digest else body)
    key._value_buffer = buffer
    key.lock = threading.Lock()
    if digest:
        _known_digests[key] = (key.contentsize, digest)
    return key
