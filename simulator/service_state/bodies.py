"""S3 object bodies as content-addressed files, so that the records that name an object stay
small however large its body: a body is written once, before the first record that names it,
and shared by every object and version with the same bytes."""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)


class BodyStore:
    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._folder.mkdir(parents=True, exist_ok=True)

    def path_of(self, digest: str) -> Path:
        return self._folder / digest[:2] / digest

    def keep(self, body: bytes) -> str:
        """The body's digest, its file written (through a temporary name, so that a file
        under a digest's name is always whole) unless one is there already."""
        digest = hashlib.sha256(body).hexdigest()
        path = self.path_of(digest)
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            temporary = path.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_bytes(body)
            os.replace(temporary, path)
        return digest

    def read(self, digest: str) -> bytes:
        return self.path_of(digest).read_bytes()

    def digests(self) -> set[str]:
        return {path.name for path in self._folder.glob("??/*") if not path.name.startswith(".")}

    def forget(self, digests: Iterable[str]) -> None:
        for digest in digests:
            try:
                self.path_of(digest).unlink()
            except FileNotFoundError:
                log.debug("body %s was already gone", digest)
