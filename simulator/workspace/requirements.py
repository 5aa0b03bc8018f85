"""A code folder's `requirements.txt`, installed with pip into a folder of its own that is
put on the function's Python path; installed again only when the file's content (or the
platform it is for) changes. Installed for the function's runtime, not for the machine the
simulator runs on: its Python version and architecture choose the wheels, as `sam build`
and AWS's own packaging instructions do, so what works here also works once deployed."""

from __future__ import annotations

import hashlib
import logging
import platform
import re
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from simulator.executors.platforms import MACHINE_ALIASES, MACHINES

log = logging.getLogger(__name__)

PIP_TIMEOUT_SECONDS = 300.0
# The runtimes on Amazon Linux 2023 (glibc 2.34) take wheels built for it as well as the
# manylinux2014 ones the older Amazon Linux 2 runtimes are limited to.
AMAZON_LINUX_2_PYTHONS = ("3.8", "3.9", "3.10", "3.11")


class DependencyError(Exception):
    """pip could not install the requirements; the message has pip's last lines."""


@dataclass(frozen=True)
class TargetPlatform:
    """The interpreter and machine a function's dependencies must run on."""

    python_version: str  # "3.13"
    architecture: str  # Lambda's name: x86_64 or arm64

    @classmethod
    def of(cls, runtime: str, architecture: str, native: bool = False) -> TargetPlatform | None:
        """The platform of a `pythonX.Y` runtime; None for the others (nothing to install).
        `native`: the function runs on this machine's architecture, whatever it declares."""
        match = re.fullmatch(r"python(\d+\.\d+)", runtime)
        if match is None:
            return None
        return cls(match.group(1), host_architecture() if native else architecture)

    def pip_options(self) -> list[str]:
        machine = MACHINES.get(self.architecture, self.architecture)
        platforms = [f"manylinux2014_{machine}"]
        if self.python_version not in AMAZON_LINUX_2_PYTHONS:
            platforms += [f"manylinux_2_28_{machine}", f"manylinux_2_34_{machine}"]
        tag = self.python_version.replace(".", "")
        options = ["--python-version", self.python_version, "--implementation", "cp",
                   "--abi", f"cp{tag}", "--abi", "abi3", "--abi", "none",
                   "--only-binary=:all:"]
        for name in platforms:
            options += ["--platform", name]
        return options


def install_requirements(requirements: Path, cache_root: Path,
                         target: TargetPlatform | None = None,
                         timeout: float = PIP_TIMEOUT_SECONDS) -> Path:
    """The folder holding the installed requirements (a `python/` tree, as in a layer).
    Without a target, pip installs for the interpreter running the simulator."""
    options = target.pip_options() if target is not None else []
    digest = hashlib.sha256(requirements.read_bytes() + " ".join(options).encode()
                            ).hexdigest()[:16]
    target_dir = cache_root / digest
    if (target_dir / ".complete").exists():
        return target_dir
    # Each install stages apart: a hot reload and a template load may install the same file
    # at once, and neither may pull the other's tree from under it.
    staging = cache_root / f".staging-{digest}-{uuid.uuid4().hex[:8]}"
    log.info("installing %s", requirements)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "--no-input", "--target", str(staging / "python"), *options,
             "-r", str(requirements)],
            capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        shutil.rmtree(staging, ignore_errors=True)
        raise DependencyError(f"pip could not install {requirements}: it did not finish "
                              f"within {expired.timeout:g} seconds") from None
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-5:])
        raise DependencyError(f"pip could not install {requirements}:\n{tail}")
    (staging / ".complete").touch()
    if (target_dir / ".complete").exists():  # the other install finished first
        shutil.rmtree(staging, ignore_errors=True)
        return target_dir
    shutil.rmtree(target_dir, ignore_errors=True)  # an install a stop cut short
    try:
        staging.rename(target_dir)
    except OSError:  # the other install renamed its tree in the meantime
        shutil.rmtree(staging, ignore_errors=True)
    return target_dir


def host_architecture() -> str:
    """This machine's architecture, by Lambda's name for it."""
    machine = MACHINE_ALIASES.get(platform.machine().lower(), platform.machine())
    return next((name for name, kernel in MACHINES.items() if kernel == machine), machine)
