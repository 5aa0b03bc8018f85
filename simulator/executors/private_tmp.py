"""A /tmp of its own for each process environment, as every AWS execution environment has: the
environment's runtime runs in a mount namespace of its own, where the environment's folder is
mounted over /tmp. What the runtime writes to /tmp is in that folder, which the executor
removes when the environment ends; no other environment sees it.

Linux only, and only where a mount namespace may be made (root, or CAP_SYS_ADMIN); `check`
tells. Stdlib only: the zygote (a runtime's own Python) loads this file by its path, and the
process executor runs it as the launcher of a runtime it starts as a process of its own:
`python private_tmp.py FOLDER [--keep PATH]... -- COMMAND...` enters the namespace, then execs
COMMAND; `python private_tmp.py --check FOLDER` exits 0 if it can."""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Sequence

CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
TMP = "/tmp"
CANNOT_START = 126  # as a shell's exit status for a command it found but could not run


def enter(folder: str, keep: Sequence[str] = ()) -> None:
    """Move this process (single-threaded: a fork, or a launcher) into a new mount namespace
    whose /tmp is `folder`. Folders in `keep` under /tmp (the function's code, when the state
    folder is there) stay reachable at their own paths: each is mounted at its place inside
    `folder` first, so /tmp holds the folders on their way and nothing else of the host's."""
    libc = ctypes.CDLL(None, use_errno=True)
    if not hasattr(libc, "unshare") or not hasattr(libc, "mount"):
        raise OSError(errno.ENOSYS, "this system has no mount namespaces")
    _checked(libc.unshare(CLONE_NEWNS), "unshare the mount namespace")
    # Mounts made from now on stay in this namespace, never propagate to the host's.
    _checked(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    for path in reachable(keep):
        target = os.path.join(folder, os.path.relpath(path, TMP))
        os.makedirs(target, exist_ok=True)
        _checked(libc.mount(path.encode(), target.encode(), None, MS_BIND, None),
                 f"mount {path}")
    _checked(libc.mount(folder.encode(), TMP.encode(), None, MS_BIND | MS_REC, None),
             f"mount {folder} over {TMP}")


def reachable(keep: Sequence[str]) -> list[str]:
    """The folders of `keep` that the new /tmp would hide, outermost only."""
    tmp = os.path.realpath(TMP)
    inside = sorted({real for real in map(os.path.realpath, keep)
                     if real != tmp and real.startswith(tmp + os.sep) and os.path.isdir(real)})
    outermost: list[str] = []
    for path in inside:
        if not any(path.startswith(kept + os.sep) for kept in outermost):
            outermost.append(path)
    return outermost


def launcher_arguments(folder: str, keep: Sequence[str], command: Sequence[str]) -> list[str]:
    """What follows `python private_tmp.py` to start `command` with `folder` as its /tmp."""
    arguments = [folder]
    for path in keep:
        arguments += ["--keep", path]
    return [*arguments, "--", *command]


def _checked(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise OSError(number, f"could not {what}: {os.strerror(number)}")


def _check(folder: str) -> bool:
    """Whether this process could enter a namespace where /tmp is `folder`."""
    try:
        before = os.stat(folder)
        enter(folder)
    except OSError as error:
        print(error.strerror, file=sys.stderr)
        return False
    after = os.stat(TMP)
    return (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def _parse(arguments: list[str]) -> tuple[str, list[str], list[str]]:
    folder, keep = arguments[0], []
    rest = arguments[1:]
    while rest and rest[0] == "--keep":
        keep.append(rest[1])
        rest = rest[2:]
    if not rest or rest[0] != "--" or len(rest) < 2:
        raise SystemExit("usage: private_tmp.py FOLDER [--keep PATH]... -- COMMAND...")
    return folder, keep, rest[1:]


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--check"]:
        sys.exit(0 if _check(arguments[1]) else 1)
    folder, keep, command = _parse(arguments)
    try:
        enter(folder, keep)
    except OSError as error:
        print(f"The environment's private /tmp failed: {error.strerror}", file=sys.stderr)
        sys.exit(CANNOT_START)
    try:
        os.chdir(os.getcwd())  # the same folder, now through this namespace's mounts
    except OSError:
        pass  # not under /tmp, or not kept: the folder it was started in stays its own
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
