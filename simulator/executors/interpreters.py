"""The host's interpreter of a runtime's own version, for the process executor: `python3.12`
for python3.12, a `node` of major 20 for nodejs20.x. Candidates are found by name on the PATH
and their real version is asked once (a version manager's shim may stand for another version,
or for none); an interpreter of another version is never used instead. When none fits, the
launch is refused with what is missing and how to get it."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
from dataclasses import dataclass

from simulator.errors import EnvironmentUnavailable

PROBE_TIMEOUT_SECONDS = 30.0
PYTHON_PROBE = "import sys; print(sys.executable); print('%d.%d' % sys.version_info[:2])"


@dataclass(frozen=True)
class Probe:
    """What a candidate said it is: the program behind it and its version, or why not."""

    executable: str | None
    version: str | None
    problem: str | None = None


def python_for(runtime: str, search_path: str | None = None) -> str:
    """The interpreter (behind any shim) that runs `runtime` (python3.X), from `search_path`
    (the PATH by default); the simulator's own when it is of that version. Raises
    EnvironmentUnavailable naming the missing interpreter and the fix."""
    version = runtime.removeprefix("python")
    name = f"python{version}"
    candidate = shutil.which(name, path=search_path)
    probe = probe_python(candidate) if candidate is not None else None
    if probe is not None and probe.version == version and probe.executable:
        return probe.executable
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        return sys.executable
    if probe is None:
        found = f"no `{name}` is on this machine's PATH"
    elif probe.problem is not None:
        found = (f"the `{name}` on this machine's PATH ({candidate}) does not start "
                 f"({probe.problem})")
    else:
        found = f"the `{name}` on this machine's PATH ({candidate}) is Python {probe.version}"
    raise EnvironmentUnavailable(
        f"The {runtime} runtime needs Python {version}, and {found}: install Python {version} "
        f"as `{name}` on the PATH, or run functions in Docker")


def node_for(runtime: str, search_path: str | None = None) -> str:
    """The `node` on `search_path` (the PATH by default) if its major version is the
    runtime's (nodejs20.x: 20). Raises EnvironmentUnavailable naming what is missing and the
    fix."""
    major = runtime.removeprefix("nodejs").removesuffix(".x")
    candidate = shutil.which("node", path=search_path)
    probe = probe_node(candidate) if candidate is not None else None
    if probe is not None and probe.version is not None \
            and probe.version.lstrip("v").split(".")[0] == major:
        return str(candidate)
    if probe is None:
        found = "no `node` is on this machine's PATH"
    elif probe.problem is not None:
        found = f"the `node` on this machine's PATH ({candidate}) does not start ({probe.problem})"
    else:
        found = f"the `node` on this machine's PATH ({candidate}) is Node.js {probe.version}"
    raise EnvironmentUnavailable(
        f"The {runtime} runtime needs Node.js {major}, and {found}: install Node.js {major} "
        "as `node` on the PATH, or run functions in Docker")


@functools.cache
def probe_python(candidate: str) -> Probe:
    """Asked once per program: a shim answers for the interpreter it would run now."""
    return _probe([candidate, "-c", PYTHON_PROBE], python=True)


@functools.cache
def probe_node(candidate: str) -> Probe:
    return _probe([candidate, "--version"], python=False)


def forget_probes() -> None:
    """Ask again: an interpreter was installed or removed meanwhile."""
    probe_python.cache_clear()
    probe_node.cache_clear()


def _probe(command: list[str], python: bool) -> Probe:
    try:
        answer = subprocess.run(command, capture_output=True, text=True, errors="replace",
                                timeout=PROBE_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return Probe(None, None, str(error))
    lines = [line.strip() for line in answer.stdout.splitlines() if line.strip()]
    if answer.returncode != 0 or len(lines) != (2 if python else 1):
        said = (answer.stderr.strip() or answer.stdout.strip()).splitlines()
        return Probe(None, None, said[0] if said else f"exit status {answer.returncode}")
    if python:
        return Probe(lines[0], lines[1])
    return Probe(command[0], lines[0])
