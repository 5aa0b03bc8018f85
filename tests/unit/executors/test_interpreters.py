"""A runtime's interpreter on the host: found by name, its real version asked once, and never
one of another version in its place; when none fits, the refusal names what is missing and how
to get it. The candidates here are small scripts that say what a real interpreter (or a
version manager's shim) would."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.errors import EnvironmentUnavailable
from simulator.executors.interpreters import forget_probes, node_for, python_for

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


@pytest.fixture(autouse=True)
def fresh_probes() -> Iterator[None]:
    forget_probes()
    yield
    forget_probes()


def script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


def counting_python(folder: Path, name: str, executable: str, version: str) -> Path:
    """A candidate that answers as an interpreter of `version` at `executable` would, and
    notes each time it is asked."""
    return script(folder, name, f'echo asked >> "{folder}/asked"\n'
                                f'echo "{executable}"\necho "{version}"')


def test_the_interpreter_behind_a_shim_is_used_and_asked_only_once(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    counting_python(bin_dir, "python3.99", "/opt/python-3.99/bin/python3.99", "3.99")
    assert python_for("python3.99", str(bin_dir)) == "/opt/python-3.99/bin/python3.99"
    assert python_for("python3.99", str(bin_dir)) == "/opt/python-3.99/bin/python3.99"
    assert (bin_dir / "asked").read_text() == "asked\n"


def test_a_real_interpreter_of_the_runtimes_version_runs_it(tmp_path: Path) -> None:
    script(tmp_path, f"python{RUNNING}", f'exec "{sys.executable}" "$@"')
    assert python_for(f"python{RUNNING}", str(tmp_path)) == sys.executable


def test_a_candidate_of_another_version_is_refused_not_used(tmp_path: Path) -> None:
    candidate = counting_python(tmp_path, "python3.98", "/usr/bin/python3.11", "3.11")
    with pytest.raises(EnvironmentUnavailable) as refused:
        python_for("python3.98", str(tmp_path))
    assert str(refused.value) == (
        f"The python3.98 runtime needs Python 3.98, and the `python3.98` on this machine's "
        f"PATH ({candidate}) is Python 3.11: install Python 3.98 as `python3.98` on the PATH, "
        "or run functions in Docker")


def test_a_shim_with_no_interpreter_behind_it_is_refused_with_what_it_said(
        tmp_path: Path) -> None:
    candidate = script(tmp_path, "python3.97", 'echo "python3.97: command not found" >&2\n'
                                                "exit 127")
    with pytest.raises(EnvironmentUnavailable) as refused:
        python_for("python3.97", str(tmp_path))
    assert str(refused.value) == (
        f"The python3.97 runtime needs Python 3.97, and the `python3.97` on this machine's "
        f"PATH ({candidate}) does not start (python3.97: command not found): install Python "
        "3.97 as `python3.97` on the PATH, or run functions in Docker")


def test_no_interpreter_of_the_version_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentUnavailable) as refused:
        python_for("python3.96", str(tmp_path))
    assert str(refused.value) == (
        "The python3.96 runtime needs Python 3.96, and no `python3.96` is on this machine's "
        "PATH: install Python 3.96 as `python3.96` on the PATH, or run functions in Docker")


def test_the_simulators_own_interpreter_runs_its_own_version(tmp_path: Path) -> None:
    assert python_for(f"python{RUNNING}", str(tmp_path)) == sys.executable


def test_node_of_the_runtimes_major_version_runs_it(tmp_path: Path) -> None:
    node = script(tmp_path, "node", 'echo asked >> "$0.asked"\necho v20.11.1')
    assert node_for("nodejs20.x", str(tmp_path)) == str(node)
    assert node_for("nodejs20.x", str(tmp_path)) == str(node)
    assert Path(f"{node}.asked").read_text() == "asked\n"


def test_node_of_another_major_version_is_refused(tmp_path: Path) -> None:
    node = script(tmp_path, "node", "echo v20.11.1")
    with pytest.raises(EnvironmentUnavailable) as refused:
        node_for("nodejs18.x", str(tmp_path))
    assert str(refused.value) == (
        f"The nodejs18.x runtime needs Node.js 18, and the `node` on this machine's PATH "
        f"({node}) is Node.js v20.11.1: install Node.js 18 as `node` on the PATH, or run "
        "functions in Docker")


def test_no_node_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentUnavailable) as refused:
        node_for("nodejs22.x", str(tmp_path))
    assert str(refused.value) == (
        "The nodejs22.x runtime needs Node.js 22, and no `node` is on this machine's PATH: "
        "install Node.js 22 as `node` on the PATH, or run functions in Docker")
