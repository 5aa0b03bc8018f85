"""Runs each environment's runtime as a local subprocess: the embedded default when no Docker
engine answers. Same bootstrap, same Runtime API, same timeouts and crash handling; the code
runs from the function's unpacked folder and each environment gets a /tmp of its own.
Python runs on the host's python of the runtime's version (forked from a zygote of it, see
`forkserver`), Node.js on the host's `node`, and a custom runtime is the function's own
`bootstrap`."""

from __future__ import annotations

import functools
import logging
import os
import queue
import resource
import shutil
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import (
    Executor,
    ExitCallback,
    ExitStatus,
    LaunchSpec,
    OutputCallback,
    RunningRuntime,
)
from simulator.executors.forkserver import ForkServer, forkable
from simulator.executors.platforms import host_problem
from simulator.executors.process_cleanup import MarkedRuntime, RuntimeRecords, mark
from simulator.executors.runtime_files import (
    bootstrap_path,
    custom_entrypoint_path,
    node_launcher_path,
)

log = logging.getLogger(__name__)

# Headroom over MemorySize for the interpreter's own address space, so that the limit bites
# on what the handler allocates rather than on Python starting up.
ADDRESS_SPACE_HEADROOM_MB = 256
READ_CHUNK = 65536


class ProcessRuntime(MarkedRuntime):
    """A runtime started as a process of its own (not forked from the zygote)."""

    def __init__(self, process: subprocess.Popen[bytes], tmp_dir: Path,
                 environment_id: str) -> None:
        super().__init__(process.pid, tmp_dir, environment_id)
        self.process = process


class ProcessExecutor(Executor):
    """`command` replaces the bundled bootstrap (e.g. to run the official runtime client)."""

    name = "process"

    def __init__(self, state_dir: Path, command: Sequence[str] | None = None) -> None:
        self._tmp_root = state_dir / "tmp"
        self._records = RuntimeRecords(state_dir / "runtimes")
        self._command = list(command) if command else None
        self.writes_end_marker = command is None
        self._runtimes: set[MarkedRuntime] = set()
        self._lock = threading.Lock()
        self._fork_servers: dict[str, ForkServer] = {}

    def start(self) -> None:
        """Also kills the runtimes a killed server (same state folder) left running."""
        killed = self._records.kill_leftovers()
        if killed:
            log.info("killed %d process(es) left running by a previous run", killed)
        shutil.rmtree(self._tmp_root, ignore_errors=True)
        self._tmp_root.mkdir(parents=True, exist_ok=True)

    def runtime_api_host(self) -> str:
        return "127.0.0.1"

    def launch(
        self, spec: LaunchSpec, on_output: OutputCallback, on_exit: ExitCallback
    ) -> RunningRuntime:
        if spec.image:
            raise EnvironmentUnavailable(
                f"The process executor cannot run container images (PackageType Image, "
                f"{spec.image}): they need a Docker engine")
        problem = spec.architecture and host_problem(spec.architecture)
        if problem:
            raise EnvironmentUnavailable(problem)
        command, runtime_variables = launch_command(spec)
        tmp_dir = self._tmp_root / spec.environment_id
        tmp_dir.mkdir(parents=True)
        variables = {
            **spec.variables,
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            "TMPDIR": str(tmp_dir),
            **runtime_variables,
            **mark(spec.environment_id),
        }
        if self._forks(spec):
            return self._launch_forked(spec, variables, tmp_dir, on_output, on_exit)
        process = subprocess.Popen(
            self._command or command,
            cwd=spec.code_dir,
            env=variables,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if not is_node(spec.runtime) and spec.debug_port is None:  # both need the room
            limit_address_space(process.pid, spec.memory_mb)
        self._records.add(spec.environment_id, process.pid)  # its own group: pgid = pid
        runtime = ProcessRuntime(process, tmp_dir, spec.environment_id)
        with self._lock:
            self._runtimes.add(runtime)
        reader = threading.Thread(
            target=_pump, args=(process, on_output),
            name=f"output-{spec.environment_id[:8]}", daemon=True,
        )
        reader.start()
        threading.Thread(
            target=self._wait, args=(runtime, reader, on_exit),
            name=f"process-{spec.environment_id[:8]}", daemon=True,
        ).start()
        return runtime

    def _forks(self, spec: LaunchSpec) -> bool:
        """Our Python bootstrap, started the usual way, can be forked from a zygote."""
        return (self._command is None and spec.debug_port is None
                and spec.runtime.startswith("python") and forkable(spec.variables))

    def _launch_forked(self, spec: LaunchSpec, variables: dict[str, str], tmp_dir: Path,
                       on_output: OutputCallback, on_exit: ExitCallback) -> RunningRuntime:
        python = python_for(spec.runtime)
        with self._lock:
            server = self._fork_servers.get(python)
            if server is None:
                server = self._fork_servers[python] = ForkServer(
                    python, search_path(sys.executable))
        ended: queue.Queue[int] = queue.Queue(maxsize=1)
        address_space = (spec.memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
        try:
            pid, output = server.fork(variables, spec.code_dir, address_space, ended.put)
        except EnvironmentUnavailable:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
        self._records.add(spec.environment_id, pid)
        runtime = MarkedRuntime(pid, tmp_dir, spec.environment_id)
        with self._lock:
            self._runtimes.add(runtime)
        reader = threading.Thread(target=_pump_descriptor, args=(output, on_output),
                                  name=f"output-{spec.environment_id[:8]}", daemon=True)
        reader.start()
        threading.Thread(
            target=self._wait_forked, args=(runtime, ended, reader, on_exit),
            name=f"process-{spec.environment_id[:8]}", daemon=True,
        ).start()
        return runtime

    def _wait_forked(self, runtime: MarkedRuntime, ended: queue.Queue[int],
                     reader: threading.Thread, on_exit: ExitCallback) -> None:
        code = ended.get()
        self._finish(runtime, reader)
        on_exit(ExitStatus.from_code(code))

    def _finish(self, runtime: MarkedRuntime, reader: threading.Thread) -> None:
        """Kill whatever the runtime left behind (a forked child would otherwise hold the
        output pipe open), then free its folder."""
        runtime.stop()
        runtime.kill_all()  # again: stop() may have run before a forked child escaped
        reader.join(timeout=2)
        shutil.rmtree(runtime.tmp_dir, ignore_errors=True)
        self._records.remove(runtime.environment_id)
        with self._lock:
            self._runtimes.discard(runtime)

    def _wait(self, runtime: ProcessRuntime, reader: threading.Thread,
              on_exit: ExitCallback) -> None:
        """Report how the runtime ended once it has."""
        code = runtime.process.wait()
        self._finish(runtime, reader)
        on_exit(ExitStatus.from_code(code))

    def shutdown(self) -> None:
        with self._lock:
            runtimes = list(self._runtimes)
        for runtime in runtimes:
            runtime.stop()
        with self._lock:
            servers = list(self._fork_servers.values())
            self._fork_servers.clear()
        for server in servers:
            server.close()


def limit_address_space(pid: int, memory_mb: int) -> None:
    """Bound the process's memory near MemorySize. Not for Node.js: V8 reserves more address
    space at start than any function's memory, so its launcher bounds the heap instead."""
    limit = (memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
    try:
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    except (ProcessLookupError, PermissionError, ValueError):
        log.debug("could not limit the memory of pid %s", pid)


def _pump(process: subprocess.Popen[bytes], on_output: OutputCallback) -> None:
    stream = process.stdout
    assert stream is not None
    with stream:
        _pump_descriptor(stream.fileno(), on_output, close=False)


def _pump_descriptor(descriptor: int, on_output: OutputCallback, close: bool = True) -> None:
    try:
        while chunk := os.read(descriptor, READ_CHUNK):
            on_output(chunk)
    finally:
        if close:
            os.close(descriptor)


def is_node(runtime: str) -> bool:
    return runtime.startswith("nodejs")


def launch_command(spec: LaunchSpec) -> tuple[list[str], dict[str, str]]:
    """The command that starts the runtime's bootstrap, and the variables it needs."""
    if is_node(spec.runtime):
        node = shutil.which("node")
        if node is None:
            raise EnvironmentUnavailable(
                f"The {spec.runtime} runtime needs Node.js, and no `node` is on this machine's "
                "PATH: install Node.js, or run functions in Docker"
            )
        variables = {"PATH": search_path(node), "NODE_PATH": os.pathsep.join(node_path(spec))}
        return ["/bin/sh", str(node_launcher_path())], variables
    if spec.runtime.startswith("provided"):
        folders = [spec.code_dir] + ([spec.opt_dir] if spec.opt_dir is not None else [])
        command = ["/bin/sh", str(custom_entrypoint_path()), *map(str, folders)]
        return command, {"PATH": search_path(None)}
    python = python_for(spec.runtime)
    command = [python, "-u", str(bootstrap_path())]
    if spec.debug_port is not None:
        # debugpy is installed beside the simulator, so that interpreter runs the runtime.
        python = sys.executable
        command = [python, "-u", "-m", "debugpy", "--listen", f"127.0.0.1:{spec.debug_port}",
                   "--wait-for-client", str(bootstrap_path())]
    return command, {
        "PATH": search_path(sys.executable),
        "PYTHONPATH": os.pathsep.join(python_path(spec)),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def search_path(interpreter: str | None) -> str:
    """The system's folders, after the interpreter's own (which may live elsewhere)."""
    folders = [str(Path(interpreter).parent)] if interpreter else []
    return os.pathsep.join(folders + ["/usr/local/bin", "/usr/bin", "/bin"])


def node_path(spec: LaunchSpec) -> list[str]:
    """Where `require` looks, in AWS's order: what Docker would show at /opt/nodejs (layers),
    then the code."""
    paths: list[str] = []
    if spec.opt_dir is not None:
        major = spec.runtime.removeprefix("nodejs").removesuffix(".x")
        nodejs = spec.opt_dir / "nodejs"
        paths += [str(nodejs / f"node{major}" / "node_modules"), str(nodejs / "node_modules")]
    return paths + [str(spec.code_dir)]


def python_path(spec: LaunchSpec) -> list[str]:
    """The code, then what Docker would show at /opt/python (layers, dependencies)."""
    paths = [str(spec.code_dir)]
    if spec.opt_dir is not None:
        version = spec.runtime.removeprefix("python")
        python = spec.opt_dir / "python"
        paths += [str(python / "lib" / f"python{version}" / "site-packages"), str(python)]
    return paths


@functools.cache
def python_for(runtime: str) -> str:
    """The host's interpreter of the runtime's version, else the one running the simulator.
    A candidate must actually start: version managers put shims on PATH that don't. The
    interpreter behind a shim is the one used: a shim adds its own variables (`PYENV_*`) to
    the function's environment and its start-up time to every cold start."""
    candidate = shutil.which(f"python{runtime.removeprefix('python')}")
    if candidate is not None:
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.executable)"],
                               capture_output=True, text=True, timeout=30)
        real = probe.stdout.strip()
        if probe.returncode == 0 and real:
            return real
    return sys.executable

