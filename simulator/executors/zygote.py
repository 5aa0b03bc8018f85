"""The fork server's parent process: a Python of the runtime's version that has imported the
bootstrap once and forks a runtime per request, each in its own session.

Run as a script (by the interpreter of the runtime's version, so stdlib only) with the
bootstrap's path and the number of its end of a socket pair. The simulator sends, per runtime,
a request with the runtime's variables, folder and memory limit, and the write end of the
runtime's output pipe as an attached descriptor; the zygote answers with the runtime's pid and
later with how it ended. Messages are JSON, one per packet (a SOCK_SEQPACKET pair). When the
simulator goes away the zygote kills its runtimes and ends."""

from __future__ import annotations

import ctypes
import importlib.util
import json
import os
import resource
import selectors
import signal
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any

MAX_MESSAGE = 1024 * 1024
PRIVATE_TMP = Path(__file__).with_name("private_tmp.py")
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def main() -> None:
    bootstrap_file, channel_fd = sys.argv[1], int(sys.argv[2])
    sys.path[0] = str(Path(bootstrap_file).parent)  # as if the bootstrap were run directly
    bootstrap = _load("bootstrap", Path(bootstrap_file))
    private_tmp = _load("lambda_sim_private_tmp", PRIVATE_TMP)
    _become_subreaper()
    channel = socket.socket(fileno=channel_fd)
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    selector = selectors.DefaultSelector()
    selector.register(channel, selectors.EVENT_READ)
    selector.register(wake_read, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if key.fileobj is channel:
                try:
                    message, fds, _, _ = socket.recv_fds(channel, MAX_MESSAGE, 1)
                except OSError:
                    message, fds = b"", []
                if not message:
                    _end(children)
                try:
                    pid = _fork(bootstrap, private_tmp, json.loads(message), fds[0], channel,
                                [wake_read, wake_write, selector.fileno()])
                except Exception as error:  # this launch fails, not the runtimes running
                    for fd in fds:
                        os.close(fd)
                    _tell(channel, children, {"started": None, "error": str(error)})
                    continue
                children.add(pid)
                _tell(channel, children, {"started": pid})
            else:
                os.read(wake_read, 512)
                _reap(children, channel)


def _load(name: str, path: Path) -> Any:
    """A module by its file. Ours go by a name no function's own module has."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fork(bootstrap: Any, private_tmp: Any, request: dict[str, Any], output_fd: int,
          channel: socket.socket, own_fds: list[int]) -> int:
    pid = os.fork()
    if pid:
        os.close(output_fd)
        return pid
    try:
        channel.close()
        signal.set_wakeup_fd(-1)
        for fd in own_fds:  # the zygote's: a runtime must not hold them
            os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()
        _die_with_parent()
        _become_subreaper()  # its descendants' orphans stay its own while it runs
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        # New streams over the new descriptors: the zygote's knew another file.
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
        setattr(sys, "__stdout__", sys.stdout)  # noqa: B010  (typeshed marks them final)
        setattr(sys, "__stderr__", sys.stderr)  # noqa: B010
        for stream in (sys.stdout, sys.stderr):  # unbuffered, as `python -u` would be
            stream.reconfigure(write_through=True)
        if request.get("private_tmp"):
            private_tmp.enter(request["private_tmp"], request.get("keep", []))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["variables"])
        time.tzset()
        sys.argv = [bootstrap.__file__]
        python_path = [p for p in request["variables"].get("PYTHONPATH", "").split(os.pathsep)
                       if p]
        sys.path[1:1] = python_path
        if request.get("address_space"):
            limit = int(request["address_space"])
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        bootstrap.main()
    except SystemExit as ending:
        if ending.code is not None and not isinstance(ending.code, int):
            print(ending.code, file=sys.stderr)  # as the interpreter does with sys.exit("...")
        code = ending.code if isinstance(ending.code, int) else int(ending.code is not None)
        _flush()
        os._exit(code)
    except BaseException:
        traceback.print_exc()
        _flush()
    os._exit(1)


def _die_with_parent() -> None:
    """A runtime must not outlive its zygote, even one that was killed (Linux only)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _reap(children: set[int], channel: socket.socket) -> None:
    """Report the runtimes that ended, then kill what they left: as the subreaper, the zygote
    inherits every orphan of a runtime that has ended (and reaps it here)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid not in children:
            continue  # an inherited orphan, killed below when its runtime ended
        children.discard(pid)
        _kill_inherited(children)
        code = os.waitstatus_to_exitcode(status)
        _tell(channel, children, {"ended": pid, "code": code})


def _tell(channel: socket.socket, children: set[int], message: dict[str, Any]) -> None:
    """A message to the simulator; a channel it has closed means it is stopping: end too,
    quietly (a traceback at every shutdown says nothing)."""
    try:
        channel.send(json.dumps(message).encode())
    except OSError:
        _end(children)


def _kill_inherited(children: set[int]) -> None:
    for pid in _children_of(os.getpid()) - children:
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass


def _children_of(parent: int) -> set[int]:
    found = set()
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(entry.name))
    return found


def _become_subreaper() -> None:
    """Linux only; elsewhere orphans go to init, as before."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1)
    except (OSError, AttributeError):
        pass


def _end(children: set[int]) -> None:
    """The simulator is gone: so are the runtimes it started, and what they left."""
    for pid in children | _children_of(os.getpid()):
        for kill in (os.killpg, os.kill):  # the group, and the runtime if not yet its leader
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass
    os._exit(0)


if __name__ == "__main__":
    main()
