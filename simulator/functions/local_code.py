"""Code on this machine that a template served or deployed from it names by path (a SAM
`CodeUri` or `ContentUri`, a function's `Code` string): the template goes through the stack
engine like any other, with each path standing in as an object of a bucket no S3 holds, and
the Lambda API takes the folder itself rather than a copy, so that an edit is a hot reload.

Only paths registered here by the server itself are served: a CreateFunction naming that
bucket from anywhere else gets S3's answer for a bucket that does not exist."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

LOCAL_CODE_BUCKET = "lambda-sim-local-code"
MAX_PATHS = 10_000


class LocalCode:
    def __init__(self) -> None:
        self._paths: dict[str, Path] = {}
        self._lock = threading.Lock()

    def register(self, path: Path) -> str:
        """The S3 key that stands for `path` (a folder or a .zip file), the same on every
        load so that an unchanged path is no change to the stack."""
        path = path.resolve()
        key = f"{hashlib.sha256(str(path).encode()).hexdigest()[:16]}/{path.name or 'root'}"
        with self._lock:
            if key not in self._paths and len(self._paths) >= MAX_PATHS:
                self._paths.pop(next(iter(self._paths)))
            self._paths[key] = path
        return key

    def path(self, code: dict[str, Any]) -> Path | None:
        """The registered path a `Code`/`Content` member names, if it names one."""
        if code.get("S3Bucket") != LOCAL_CODE_BUCKET:
            return None
        with self._lock:
            return self._paths.get(str(code.get("S3Key", "")))

    def is_local(self, path: str | Path) -> bool:
        """Whether `path` is one of the registered ones (a function's code folder, say)."""
        resolved = Path(path).resolve()
        with self._lock:
            return resolved in self._paths.values()
