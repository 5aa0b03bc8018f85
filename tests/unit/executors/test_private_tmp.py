"""A private /tmp: the launcher enters a mount namespace where the environment's folder is
/tmp, keeps the runtime's own folders reachable where they were, then runs the runtime; where
no namespace may be made, the check says why. The real thing needs a machine that allows
mount namespaces (root here); those tests skip elsewhere."""

from __future__ import annotations

import ctypes
import errno
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from simulator.executors import private_tmp
from simulator.executors.private_tmp import launcher_arguments, reachable

LAUNCHER = Path(private_tmp.__file__)
CLONE_NEWUSER = 0x10000000


def launch(*arguments: str, cwd: Path | None = None,
           preexec_fn: Callable[[], None] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", "-S", str(LAUNCHER), *arguments], cwd=cwd,
                          preexec_fn=preexec_fn, capture_output=True, text=True, timeout=30)


@pytest.fixture
def permitted(tmp_path: Path) -> None:
    probe = tmp_path / "probe"
    probe.mkdir()
    checked = launch("--check", str(probe))
    if checked.returncode != 0:
        pytest.skip(f"no mount namespaces here: {checked.stderr.strip()}")


def test_only_folders_under_tmp_are_kept_and_only_the_outermost(tmp_path: Path) -> None:
    inner = tmp_path / "code" / "lib"
    inner.mkdir(parents=True)
    (tmp_path / "file").write_text("")
    kept = reachable([str(inner), str(tmp_path / "code"), "/usr", "/tmp", str(tmp_path / "file"),
                      str(tmp_path / "missing")])
    if str(tmp_path.resolve()).startswith("/tmp/"):
        assert kept == [str((tmp_path / "code").resolve())]
    else:
        assert kept == []


def test_the_launcher_runs_the_command_with_the_folder_as_its_tmp(
        permitted: None, tmp_path: Path) -> None:
    folder, code = tmp_path / "environment", tmp_path / "code"
    folder.mkdir()
    code.mkdir()
    (code / "data").write_text("the function's own file")
    name = f"x-{uuid.uuid4().hex}"
    script = f"ls -A /tmp; cat data; echo written > /tmp/{name}"
    ran = launch(*launcher_arguments(str(folder), [str(code)], ["/bin/sh", "-c", script]),
                 cwd=code)
    leading = list(code.resolve().relative_to("/tmp").parts[:1]) \
        if code.resolve().is_relative_to("/tmp") else []
    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout.splitlines() == [*leading, "the function's own file"]
    assert (folder / name).read_text() == "written\n"
    assert not Path("/tmp", name).exists()


def test_the_check_passes_where_namespaces_may_be_made(permitted: None, tmp_path: Path) -> None:
    assert launch("--check", str(tmp_path)).returncode == 0


def test_where_no_namespace_may_be_made_the_check_fails_with_the_reason(
        tmp_path: Path) -> None:
    """As an unprivileged process would: one in a user namespace of its own, without the
    right to make mount namespaces of the machine's."""
    libc = ctypes.CDLL(None, use_errno=True)

    def unprivileged() -> None:
        if libc.unshare(CLONE_NEWUSER) != 0:
            raise OSError(ctypes.get_errno(), "no user namespaces")

    try:
        checked = launch("--check", str(tmp_path), preexec_fn=unprivileged)
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop the right here: {error}")
    assert checked.returncode == 1
    assert checked.stderr.strip() == ("could not unshare the mount namespace: "
                                      "Operation not permitted")


def test_a_launch_whose_tmp_cannot_be_made_does_not_run_the_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refused(folder: str, keep: object = ()) -> None:
        raise OSError(errno.EPERM, "could not unshare the mount namespace: "
                                   "Operation not permitted")

    monkeypatch.setattr(private_tmp, "enter", refused)
    monkeypatch.setattr(os, "execvp", lambda *_: pytest.fail("the command ran"))
    with pytest.raises(SystemExit) as ended:
        private_tmp.main(launcher_arguments(str(tmp_path), [], ["/bin/true"]))
    assert ended.value.code == private_tmp.CANNOT_START
    assert capsys.readouterr().err == ("The environment's private /tmp failed: could not "
                                       "unshare the mount namespace: Operation not permitted\n")
