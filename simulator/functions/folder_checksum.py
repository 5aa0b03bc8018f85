"""Code that lives in a local folder rather than an uploaded zip: its checksum (what decides
whether a file event is a real change) and its size, ignoring what editors and Python leave
behind."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

IGNORED_NAMES = frozenset({"__pycache__", ".git", ".DS_Store", "4913", ".idea", ".vscode",
                           ".pytest_cache", ".mypy_cache", ".aws-sam", ".lambda-sim"})
IGNORED_SUFFIXES = (".pyc", ".pyo", ".swp", ".swx", ".swo", "~", ".tmp", ".crdownload")
IGNORED_PREFIXES = (".#", "#", ".~")


def is_ignored(path: Path) -> bool:
    """Editor swap/backup files, bytecode and tool folders never count as a change. `path` is
    taken inside the watched folder: the folder itself may well sit under `.aws-sam/`."""
    if any(part in IGNORED_NAMES for part in path.parts):
        return True
    name = path.name
    return name.endswith(IGNORED_SUFFIXES) or name.startswith(IGNORED_PREFIXES)


def folder_digest(folder: Path) -> tuple[str, int]:
    """(base64 sha256 over every file's relative path and content, total bytes)."""
    digest = hashlib.sha256()
    total = 0
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(d for d in directories if d not in IGNORED_NAMES)
        for name in sorted(files):
            path = Path(root) / name
            if is_ignored(path.relative_to(folder)) or not path.is_file():
                continue
            data = path.read_bytes()
            total += len(data)
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(data).digest())
    return base64.b64encode(digest.digest()).decode(), total


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
