"""A function folder's `requirements.txt`, installed with pip into a folder of its own that is
put on the function's Python path; installed again only when the file's content changes."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)


class DependencyError(Exception):
    """pip could not install the requirements; the message has pip's last lines."""


def install_requirements(requirements: Path, cache_root: Path) -> Path:
    """The folder holding the installed requirements (a `python/` tree, as in a layer)."""
    digest = hashlib.sha256(requirements.read_bytes()).hexdigest()[:16]
    target = cache_root / digest
    if (target / ".complete").exists():
        return target
    staging = cache_root / f".staging-{digest}"
    shutil.rmtree(staging, ignore_errors=True)
    log.info("installing %s", requirements)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-input", "--target", str(staging / "python"), "-r", str(requirements)],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise DependencyError(f"pip could not install {requirements}:\n{tail}")
    (staging / ".complete").touch()
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target
