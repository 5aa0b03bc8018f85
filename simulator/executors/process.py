"""Runs each environment's runtime as a local subprocess: the embedded default when no Docker
engine answers. Same bootstrap, same Runtime API, same timeouts and crash handling; the code
runs from the function's unpacked folder and each environment gets a /tmp of its own (a
private mount, see `private_tmp`, or else a folder named by TMPDIR). Python runs on the host's
Python of the runtime's version (forked from a zygote of it, see `forkserver`), Node.js on a
host `node` of the runtime's major version (see `interpreters`), and a custom runtime is the
function's own `bootstrap`."""

from __future__ import annotations

import importlib.util
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
from simulator.executors.interpreters import node_for, python_for
from simulator.executors.platforms import host_problem
from simulator.executors.private_tmp import launcher_arguments
from simulator.executors.process_cleanup import MarkedRuntime, RuntimeRecords, mark
from simulator.executors.runtime_files import (
    RUNTIME_IMAGES_DIR,
    bootstrap_path,
    custom_entrypoint_path,
    node_launcher_path,
    python_sdk_folder,
)

log = logging.getLogger(__name__)

# Headroom over MemorySize for the interpreter's own address space, so that the limit bites
# on what the handler allocates rather than on Python starting up.
ADDRESS_SPACE_HEADROOM_MB = 256
READ_CHUNK = 65536
PRIVATE_TMP_LAUNCHER = Path(__file__).with_name("private_tmp.py")
PRIVATE_TMP_CHECK_TIMEOUT_SECONDS = 30.0
EXEC_WRAPPER_VARIABLE = "AWS_LAMBDA_EXEC_WRAPPER"


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
        self._state_dir = state_dir
        self._python_sdk: Path | None = None  # made at the first Python launch
        self.writes_end_marker = command is None
        self._runtimes: set[MarkedRuntime] = set()
        self._lock = threading.Lock()
        self._fork_servers: dict[str, ForkServer] = {}
        self.private_tmp = False  # whether each environment's /tmp is a private mount

    def start(self) -> None:
        """Also kills the runtimes a killed server (same state folder) left running, and
        finds out whether environments can have a private /tmp here."""
        killed = self._records.kill_leftovers()
        if killed:
            log.info("killed %d process(es) left running by a previous run", killed)
        shutil.rmtree(self._tmp_root, ignore_errors=True)
        self._tmp_root.mkdir(parents=True, exist_ok=True)
        problem = private_tmp_problem(self._tmp_root)
        self.private_tmp = problem is None
        if problem is not None:
            log.warning("functions cannot have a private /tmp here (%s): each environment's "
                        "TMPDIR names a folder of its own instead, but /tmp itself is shared",
                        problem)

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
        if self._python_sdk is None and spec.runtime.startswith("python"):
            self._python_sdk = python_sdk_folder(self._state_dir)
        command, runtime_variables = launch_command(spec, self._command, self._python_sdk)
        tmp_dir = self._tmp_root / spec.environment_id
        tmp_dir.mkdir(parents=True)
        variables = {
            **spec.variables,
            **local_exec_wrapper(spec),
            "LAMBDA_TASK_ROOT": str(spec.code_dir),
            **({} if self.private_tmp else {"TMPDIR": str(tmp_dir)}),
            **runtime_variables,
            **mark(spec.environment_id),
        }
        if self._forks(spec):
            return self._launch_forked(spec, variables, tmp_dir, on_output, on_exit)
        if self.private_tmp:
            command = [sys.executable, "-I", "-S", str(PRIVATE_TMP_LAUNCHER),
                       *launcher_arguments(str(tmp_dir), kept_paths(spec, command, variables),
                                           command)]
        process = subprocess.Popen(
            command,
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
                server = self._fork_servers[python] = ForkServer(python, search_path(python))
        ended: queue.Queue[int] = queue.Queue(maxsize=1)
        address_space = (spec.memory_mb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024
        private_tmp = tmp_dir if self.private_tmp else None
        keep = kept_paths(spec, [python], variables) if private_tmp else []
        try:
            pid, output = server.fork(variables, spec.code_dir, address_space, ended.put,
                                      private_tmp, keep)
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


def launch_command(spec: LaunchSpec, command: Sequence[str] | None = None,
                   python_sdk: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """The command that starts the runtime's bootstrap, and the variables it needs. A given
    `command` replaces the bootstrap and brings its own interpreter: none is looked for.
    `python_sdk` goes last on a Python function's path, where AWS's runtimes have the SDK:
    after the function's code and layers, which may bring their own."""
    if is_node(spec.runtime):
        node = node_for(spec.runtime) if command is None else shutil.which("node")
        variables = {"PATH": search_path(node), "NODE_PATH": os.pathsep.join(node_path(spec))}
        return list(command or ["/bin/sh", str(node_launcher_path())]), variables
    if spec.runtime.startswith("provided"):
        folders = [spec.code_dir] + ([spec.opt_dir] if spec.opt_dir is not None else [])
        bootstrap = ["/bin/sh", str(custom_entrypoint_path()), *map(str, folders)]
        return list(command or bootstrap), {"PATH": search_path(None)}
    python = sys.executable if command is not None else python_for(spec.runtime)
    paths = python_path(spec) + ([str(python_sdk)] if python_sdk is not None else [])
    bootstrap = [python, "-u", str(bootstrap_path())]
    if spec.debug_port is not None and command is None:
        paths.append(debugpy_home())  # beside the simulator: the runtime's Python runs it
        bootstrap = [python, "-u", "-m", "debugpy", "--listen", f"127.0.0.1:{spec.debug_port}",
                     "--wait-for-client", str(bootstrap_path())]
    return list(command or bootstrap), {
        "PATH": search_path(python),
        "PYTHONPATH": os.pathsep.join(paths),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def debugpy_home() -> str:
    """The folder holding the simulator's debugpy package."""
    found = importlib.util.find_spec("debugpy")
    if found is None or found.origin is None:
        raise EnvironmentUnavailable("debugging needs debugpy: pip install debugpy")
    return str(Path(found.origin).parent.parent)


def kept_paths(spec: LaunchSpec, command: Sequence[str], variables: dict[str, str]
               ) -> list[str]:
    """What a runtime reads by its path, should the state folder or an interpreter be under
    /tmp: its code and layers, the runtime's own files, the interpreter's installation, and
    the folders its PATH, PYTHONPATH and NODE_PATH name."""
    paths = [str(spec.code_dir), str(RUNTIME_IMAGES_DIR)]
    if spec.opt_dir is not None:
        paths.append(str(spec.opt_dir))
    program = shutil.which(command[0], path=variables.get("PATH")) if command else None
    if program is not None:
        paths += [str(Path(program).parent.parent), str(Path(program).resolve().parent.parent)]
    for name in ("PATH", "PYTHONPATH", "NODE_PATH"):
        paths += [entry for entry in variables.get(name, "").split(os.pathsep) if entry]
    wrapper = variables.get(EXEC_WRAPPER_VARIABLE)
    if wrapper and os.path.isabs(wrapper):
        paths.append(str(Path(wrapper).parent))
    return paths


def local_exec_wrapper(spec: LaunchSpec) -> dict[str, str]:
    """`AWS_LAMBDA_EXEC_WRAPPER` names a program by its path in a Lambda environment (under
    /opt from a layer, under /var/task from the code): here, the same file in the folders
    that stand for those."""
    wrapper = spec.variables.get(EXEC_WRAPPER_VARIABLE)
    if not wrapper:
        return {}
    for aws_folder, local in (("/opt", spec.opt_dir), ("/var/task", spec.code_dir)):
        if local is not None and wrapper.startswith(aws_folder + "/"):
            return {EXEC_WRAPPER_VARIABLE: str(local / wrapper.removeprefix(aws_folder + "/"))}
    return {}


def private_tmp_problem(folder: Path) -> str | None:
    """Why a runtime cannot have a private /tmp here, or None when it can: tried once, in a
    process of its own."""
    probe = folder / ".private-tmp-check"
    probe.mkdir(exist_ok=True)
    try:
        checked = subprocess.run(
            [sys.executable, "-I", "-S", str(PRIVATE_TMP_LAUNCHER), "--check", str(probe)],
            capture_output=True, text=True, errors="replace", stdin=subprocess.DEVNULL,
            timeout=PRIVATE_TMP_CHECK_TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    if checked.returncode == 0:
        return None
    return checked.stderr.strip().splitlines()[-1] if checked.stderr.strip() \
        else f"exit status {checked.returncode}"


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
