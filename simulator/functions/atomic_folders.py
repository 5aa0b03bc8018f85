"""Folders that environments mount appear whole or not at all."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path


def build_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Fill a staging folder beside `target`, then rename it into place. Callers name
    `target` by what it holds, so one that exists (perhaps built by a concurrent caller) is
    already right and kept."""
    if target.is_dir():
        return target
    staging = target.parent / f".staging-{uuid.uuid4().hex}"
    try:
        fill(staging)
        staging.rename(target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
