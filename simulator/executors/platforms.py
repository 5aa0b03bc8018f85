"""Whether a function's architecture (x86_64 or arm64) can run here, and if not, why.

A local image has one architecture. It runs natively on an engine of that architecture, or on
another one that has the kernel's binfmt_misc emulation (qemu) registered for it."""

from __future__ import annotations

import platform
from pathlib import Path

# Lambda's architecture names → the kernel's (uname -m, binfmt_misc) and Docker's names.
MACHINES = {"x86_64": "x86_64", "arm64": "aarch64"}
DOCKER_NAMES = {"x86_64": "amd64", "arm64": "arm64"}
MACHINE_ALIASES = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "aarch64",
                   "aarch64": "aarch64"}
BINFMT_DIR = Path("/proc/sys/fs/binfmt_misc")


def emulates(machine: str, binfmt_dir: Path = BINFMT_DIR) -> bool:
    """True when the kernel runs `machine` binaries through a registered, enabled emulator."""
    entry = binfmt_dir / f"qemu-{machine}"
    try:
        return entry.read_text().splitlines()[0].strip() == "enabled"
    except (OSError, IndexError):
        return False


def host_machine() -> str:
    """This host's machine, as the kernel names it."""
    return MACHINE_ALIASES.get(platform.machine().lower(), platform.machine())


def host_problem(architecture: str) -> str | None:
    """Why a function of `architecture` cannot run as a process on this host, or None."""
    machine = host_machine()
    if machine == MACHINES[architecture]:
        return None
    return (f"The function's architecture is {architecture}, but this host is {machine} and "
            "the process executor cannot emulate another architecture: run the simulator "
            f"with Docker on an engine that can run {MACHINES[architecture]} images")


def image_problem(architecture: str, image: str, image_architecture: str,
                  engine_machine: str, emulated: bool) -> str | None:
    """Why the engine cannot run `image` for a function of `architecture`, or None."""
    wanted = DOCKER_NAMES[architecture]
    if image_architecture != wanted:
        return (f"The function's architecture is {architecture}, but the image {image} is "
                f"built for linux/{image_architecture}: build a linux/{wanted} variant of it "
                f"(docker build --platform linux/{wanted})")
    engine = MACHINE_ALIASES.get(engine_machine.lower(), engine_machine)
    if engine == MACHINES[architecture] or emulated:
        return None
    return (f"The function's architecture is {architecture}, but the Docker engine runs on "
            f"{engine} and has no emulation for {MACHINES[architecture]} registered "
            f"(binfmt_misc qemu-{MACHINES[architecture]}): register one, e.g. docker run "
            f"--privileged --rm tonistiigi/binfmt --install {architecture}")
