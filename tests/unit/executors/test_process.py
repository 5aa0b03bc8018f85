"""The process executor: runtimes as local processes that speak the Runtime API, with the
function's folder, variables and a /tmp of their own (a private mount where the machine allows
one, else a folder named by TMPDIR), on an interpreter of the runtime's own version, their
memory bounded near MemorySize and measured,
their end reported as Lambda words it, and nothing left behind by a stop or a killed server.
The Runtime API here is a small local stub that hands out queued events."""

from __future__ import annotations

import json
import os
import platform
import queue
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import EnvironmentUnavailable
from simulator.executors import process
from simulator.executors.base import ExitStatus, LaunchSpec
from simulator.executors.interpreters import python_for
from simulator.executors.process import (
    ProcessExecutor,
    debugpy_home,
    launch_command,
    local_exec_wrapper,
    search_path,
)
from simulator.executors.runtime_files import (
    RUNTIME_IMAGES_DIR,
    bootstrap_path,
    custom_entrypoint_path,
    node_launcher_path,
)

API = "/2018-06-01/runtime"
WAIT = 10.0
RUNTIME = f"python{sys.version_info[0]}.{sys.version_info[1]}"  # sure to have its interpreter


class RuntimeApi:
    """Hands each `/next` the next queued event (410 once closed); keeps what runtimes post."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[str, bytes] | None] = queue.Queue()
        self.posts: queue.Queue[tuple[str, Any]] = queue.Queue()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                try:
                    event = api.events.get(timeout=WAIT)
                except queue.Empty:
                    event = None
                if event is None:
                    api.events.put(None)  # for the next runtime waiting
                    self.answer(410, b"")
                    return
                request_id, body = event
                self.answer(200, body, {
                    "Lambda-Runtime-Aws-Request-Id": request_id,
                    "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30_000),
                    "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:"
                                                           "000000000000:function:fn"})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                api.posts.put((self.path.removeprefix(API), json.loads(body or b"null")))
                self.answer(202, b"")

            def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None
                       ) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()

    def invoke(self, event: Any) -> tuple[str, Any]:
        request_id = uuid.uuid4().hex
        self.events.put((request_id, json.dumps(event).encode()))
        path, body = self.posts.get(timeout=WAIT)
        assert request_id in path or path == "/init/error", path
        return path.removeprefix(f"/invocation/{request_id}"), body

    def close(self) -> None:
        self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


class Runtime:
    """One launch's output and end, as the executor reports them."""

    def __init__(self) -> None:
        self.output = bytearray()
        self.exits: list[ExitStatus] = []
        self.ended = threading.Event()

    def on_output(self, chunk: bytes) -> None:
        self.output += chunk

    def on_exit(self, status: ExitStatus) -> None:
        self.exits.append(status)
        self.ended.set()

    def wait(self) -> ExitStatus:
        assert self.ended.wait(WAIT), "the runtime did not end"
        return self.exits[0]


@pytest.fixture
def api() -> Iterator[RuntimeApi]:
    stub = RuntimeApi()
    yield stub
    stub.close()


@pytest.fixture
def executor(tmp_path: Path) -> Iterator[ProcessExecutor]:
    started = ProcessExecutor(tmp_path / "state")
    started.start()
    yield started
    started.shutdown()


def spec(api: RuntimeApi, code: Path, source: str = "", runtime: str = RUNTIME,
         handler: str = "app.handler", memory_mb: int = 128, **options: Any) -> LaunchSpec:
    code.mkdir(parents=True, exist_ok=True)
    if source:
        name = "index.js" if runtime.startswith("nodejs") else "app.py"
        (code / name).write_text(source)
    variables = {"AWS_LAMBDA_RUNTIME_API": api.address, "_HANDLER": handler,
                 "AWS_LAMBDA_FUNCTION_NAME": "fn", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE":
                 str(memory_mb), **options.pop("variables", {})}
    return LaunchSpec(environment_id=uuid.uuid4().hex, function_name="fn", runtime=runtime,
                      handler=handler, code_dir=code, memory_mb=memory_mb,
                      variables=variables, **options)


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def gone(pid: int) -> bool:
    deadline = time.monotonic() + WAIT
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not alive(pid)


ENVIRONMENT = """
import os, tempfile
print("imported", flush=True)
def handler(event, context):
    print("handling", event["n"])
    with open(os.path.join(tempfile.gettempdir(), "written"), "w") as written:
        written.write("by the handler")
    return {"event": event, "cwd": os.getcwd(), "task_root": os.environ["LAMBDA_TASK_ROOT"],
            "tmp": tempfile.gettempdir(), "mine": os.environ.get("MINE")}
"""

# As own-process runtimes: a variable read at an interpreter's start cannot be honoured by a
# runtime forked from the zygote.
OWN_PROCESS = {"PYTHONHASHSEED": "0"}


def needs_private_tmp(executor: ProcessExecutor) -> None:
    if not executor.private_tmp:
        pytest.skip("this machine does not let the simulator make mount namespaces")


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
@pytest.mark.parametrize("private", [True, False], ids=["private-tmp", "tmpdir"])
def test_a_python_function_answers_in_its_folder_with_its_variables_and_tmp(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path,
        variables: dict[str, str], private: bool) -> None:
    if private:
        needs_private_tmp(executor)
    executor.private_tmp = private
    launched = spec(api, tmp_path / "code", ENVIRONMENT, variables={"MINE": "yes", **variables})
    runtime = Runtime()
    handle = executor.launch(launched, runtime.on_output, runtime.on_exit)
    assert handle.handle.startswith("process ")
    path, answer = api.invoke({"n": 1})
    tmp = tmp_path / "state" / "tmp" / launched.environment_id
    assert path == "/response"
    assert answer == {"event": {"n": 1}, "cwd": str(tmp_path / "code"),
                      "task_root": str(tmp_path / "code"),
                      "tmp": "/tmp" if private else str(tmp), "mine": "yes"}
    assert (tmp / "written").read_text() == "by the handler"
    handle.stop()
    runtime.wait()
    text = runtime.output.decode()
    assert text.startswith("imported\nhandling 1\n\x1eLAMBDA_SIM_END ")  # then the request id


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
def test_a_stop_kills_the_runtime_and_frees_its_tmp_and_record(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path,
        variables: dict[str, str]) -> None:
    launched = spec(api, tmp_path / "code", ENVIRONMENT, variables=variables)
    runtime = Runtime()
    handle = executor.launch(launched, runtime.on_output, runtime.on_exit)
    pid = int(handle.handle.removeprefix("process "))
    record = tmp_path / "state" / "runtimes" / launched.environment_id
    assert record.read_text() == str(pid)
    handle.stop()
    handle.stop()  # a second stop is harmless
    assert runtime.wait().describe() == "signal: killed"
    assert gone(pid)
    assert not (tmp_path / "state" / "tmp" / launched.environment_id).exists()
    assert not record.exists()
    assert len(runtime.exits) == 1


TMP_WRITER = """
import os
def handler(event, context):
    seen = sorted(os.listdir("/tmp"))
    with open("/tmp/" + event["name"], "w") as written:
        written.write("written")
    return seen
"""


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
def test_each_environment_starts_with_an_empty_tmp_of_its_own(
        executor: ProcessExecutor, tmp_path: Path, variables: dict[str, str]) -> None:
    """The code here lies under /tmp (pytest's folders), and so may this checkout: /tmp shows
    the way to them, no more."""
    needs_private_tmp(executor)
    read_by_path = [(tmp_path / "code").resolve(), RUNTIME_IMAGES_DIR.resolve()]
    leading = sorted({path.relative_to("/tmp").parts[0] for path in read_by_path
                      if path.is_relative_to("/tmp")})
    name = f"x-{uuid.uuid4().hex}"
    for _ in range(2):  # one after the other, each with its own Runtime API
        api, runtime = RuntimeApi(), Runtime()
        try:
            handle = executor.launch(spec(api, tmp_path / "code", TMP_WRITER,
                                          variables=variables),
                                     runtime.on_output, runtime.on_exit)
            assert api.invoke({"name": name}) == ("/response", leading)
            handle.stop()
            runtime.wait()
        finally:
            api.close()
    assert not Path("/tmp", name).exists()


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
def test_a_runtime_reports_the_peak_memory_of_its_processes(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path,
        variables: dict[str, str]) -> None:
    source = ("import subprocess, sys\n"
              "def handler(event, context):\n"
              "    big = b'1' * (event['mb'] * 1024 * 1024)\n"
              "    child = subprocess.Popen([sys.executable, '-c', 'import time; "
              "b = bytes([1]) * (40 * 1024 * 1024); time.sleep(60)'])\n"
              "    import time; time.sleep(1.5)\n"
              "    return child.pid\n")
    runtime = Runtime()
    handle = executor.launch(spec(api, tmp_path / "code", source, memory_mb=512,
                                  variables=variables), runtime.on_output, runtime.on_exit)
    assert handle.peak_memory_kb() is not None
    path, _ = api.invoke({"mb": 100})
    assert path == "/response"
    peak = handle.peak_memory_kb()
    assert peak is not None and peak > (100 + 40) * 1024  # the runtime's and its child's
    handle.stop()
    runtime.wait()
    assert handle.peak_memory_kb() == peak  # gone, its peak stays


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
def test_a_runtime_that_exits_reports_its_exit_status(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path,
        variables: dict[str, str]) -> None:
    source = "import os\ndef handler(event, context):\n    os._exit(3)\n"
    runtime = Runtime()
    executor.launch(spec(api, tmp_path / "code", source, variables=variables),
                    runtime.on_output, runtime.on_exit)
    api.events.put(("exit", b"{}"))
    assert runtime.wait().describe() == "exit status 3"


@pytest.mark.parametrize("variables", [{}, OWN_PROCESS], ids=["forked", "own-process"])
def test_allocating_far_beyond_memory_size_is_an_out_of_memory_kill(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path,
        variables: dict[str, str]) -> None:
    source = "def handler(event, context):\n    return len(bytearray(1024 * 1024 * 1024))\n"
    runtime = Runtime()
    executor.launch(spec(api, tmp_path / "code", source, memory_mb=128, variables=variables),
                    runtime.on_output, runtime.on_exit)
    path, error = api.invoke({})
    assert path == "/error"
    assert error["errorType"] == "Runtime.OutOfMemory"
    assert runtime.wait().describe() == "signal: killed"


def test_an_interpreter_variable_is_honoured_by_a_runtime_of_its_own(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path) -> None:
    source = "def handler(event, context):\n    return hash('lambda')\n"
    runtime = Runtime()
    executor.launch(spec(api, tmp_path / "code", source, variables={"PYTHONHASHSEED": "0"}),
                    runtime.on_output, runtime.on_exit)
    _, answer = api.invoke({})
    seeded = subprocess.run([python_for(RUNTIME), "-c", "print(hash('lambda'))"],
                            env={"PYTHONHASHSEED": "0"}, capture_output=True, text=True,
                            check=True, timeout=30)
    assert answer == int(seeded.stdout)


def hosts_node_runtime() -> str:
    """The nodejs<N>.x runtime of the machine's `node`."""
    node = process.shutil.which("node")
    if node is None:
        pytest.skip("no node on this machine")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True,
                             timeout=30).stdout
    return f"nodejs{version.strip().lstrip('v').split('.')[0]}.x"


def test_a_node_function_answers_through_the_runtime_api(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path) -> None:
    source = "exports.handler = async (event) => ({ doubled: event.n * 2 });\n"
    runtime = Runtime()
    handle = executor.launch(spec(api, tmp_path / "code", source, runtime=hosts_node_runtime(),
                                  handler="index.handler"),
                             runtime.on_output, runtime.on_exit)
    assert api.invoke({"n": 21}) == ("/response", {"doubled": 42})
    handle.stop()
    assert runtime.wait().describe() == "signal: killed"


@pytest.mark.parametrize("runtime_kind", ["python", "node"])
def test_an_exec_wrapper_starts_the_runtime(executor: ProcessExecutor, api: RuntimeApi,
                                            tmp_path: Path, runtime_kind: str) -> None:
    wrapper = tmp_path / "wrapper"
    wrapper.write_text('#!/bin/sh\nexport WRAPPED_BY=wrapper\nexec "$@"\n')
    wrapper.chmod(0o755)
    node = runtime_kind == "node"
    source = ("exports.handler = async () => process.env.WRAPPED_BY;\n" if node else
              "import os\n\ndef handler(event, context):\n    return os.environ['WRAPPED_BY']\n")
    runtime = Runtime()
    handle = executor.launch(
        spec(api, tmp_path / "code", source, runtime=hosts_node_runtime() if node else RUNTIME,
             handler="index.handler" if node else "app.handler",
             variables={"AWS_LAMBDA_EXEC_WRAPPER": str(wrapper)}),
        runtime.on_output, runtime.on_exit)
    assert api.invoke({}) == ("/response", "wrapper")
    handle.stop()
    runtime.wait()


def test_an_exec_wrapper_under_opt_or_var_task_is_found_in_the_folders_standing_for_them(
        api: RuntimeApi, tmp_path: Path) -> None:
    def wrapper(path: str) -> dict[str, str]:
        return local_exec_wrapper(spec(api, tmp_path / "code", opt_dir=tmp_path / "opt",
                                       variables={"AWS_LAMBDA_EXEC_WRAPPER": path}))

    assert wrapper("/opt/otel-instrument") == {
        "AWS_LAMBDA_EXEC_WRAPPER": str(tmp_path / "opt" / "otel-instrument")}
    assert wrapper("/var/task/bin/wrap") == {
        "AWS_LAMBDA_EXEC_WRAPPER": str(tmp_path / "code" / "bin" / "wrap")}
    assert wrapper("/usr/local/bin/wrap") == {}


def test_a_custom_runtime_runs_the_functions_own_bootstrap(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path) -> None:
    code, layers = tmp_path / "code", tmp_path / "opt"
    layers.mkdir()
    (layers / "bootstrap").write_text('#!/bin/sh\necho "layer bootstrap for $_HANDLER"\n'
                                      "exit 7\n")
    (layers / "bootstrap").chmod(0o755)
    runtime = Runtime()
    executor.launch(spec(api, code, runtime="provided.al2023", handler="my.handler",
                         opt_dir=layers), runtime.on_output, runtime.on_exit)
    assert runtime.wait().describe() == "exit status 7"
    assert runtime.output.decode() == "layer bootstrap for my.handler\n"


def test_another_command_replaces_the_bootstrap_and_writes_no_end_marker(
        api: RuntimeApi, tmp_path: Path) -> None:
    command = [sys.executable, "-c",
               "import os; print(os.environ['AWS_LAMBDA_RUNTIME_API'], os.getcwd(), flush=True)"]
    custom = ProcessExecutor(tmp_path / "state", command=command)
    custom.start()
    try:
        assert custom.writes_end_marker is False
        runtime = Runtime()
        custom.launch(spec(api, tmp_path / "code"), runtime.on_output, runtime.on_exit)
        assert runtime.wait().describe() == "exit status 0"
        assert runtime.output.decode() == f"{api.address} {tmp_path / 'code'}\n"
    finally:
        custom.shutdown()
    assert ProcessExecutor(tmp_path / "other").writes_end_marker is True


def test_shutdown_stops_every_runtime(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path) -> None:
    runtimes = [Runtime(), Runtime()]
    for number, (runtime, variables) in enumerate(zip(runtimes, [{}, OWN_PROCESS],
                                                      strict=True)):
        executor.launch(spec(api, tmp_path / f"code{number}", ENVIRONMENT, variables=variables),
                        runtime.on_output, runtime.on_exit)
    executor.shutdown()
    assert [runtime.wait().describe() for runtime in runtimes] == ["signal: killed"] * 2


def test_a_restart_kills_the_runtimes_a_killed_server_left(
        api: RuntimeApi, tmp_path: Path) -> None:
    # A runtime of its own: forked ones end with their zygote, which ends with the server.
    crashed = ProcessExecutor(tmp_path / "state")
    crashed.start()
    try:
        handle = crashed.launch(spec(api, tmp_path / "code", ENVIRONMENT, variables=OWN_PROCESS),
                                lambda _: None, lambda _: None)
        pid = int(handle.handle.removeprefix("process "))
        (tmp_path / "state" / "tmp" / "stale-file").write_text("from the last run")
        ProcessExecutor(tmp_path / "state").start()  # the next server, same state folder
        assert gone(pid)
        assert list((tmp_path / "state" / "tmp").iterdir()) == []
    finally:
        crashed.shutdown()


def test_container_images_need_docker(executor: ProcessExecutor, api: RuntimeApi,
                                      tmp_path: Path) -> None:
    launched = spec(api, tmp_path / "code", image="registry.example/app:1")
    with pytest.raises(EnvironmentUnavailable) as raised:
        executor.launch(launched, lambda _: None, lambda _: None)
    assert str(raised.value) == ("The process executor cannot run container images "
                                 "(PackageType Image, registry.example/app:1): they need a "
                                 "Docker engine")
    assert not (tmp_path / "state" / "tmp" / launched.environment_id).exists()


def test_another_architecture_than_the_hosts_is_refused(
        executor: ProcessExecutor, api: RuntimeApi, tmp_path: Path) -> None:
    foreign = "arm64" if platform.machine().lower() in ("x86_64", "amd64") else "x86_64"
    with pytest.raises(EnvironmentUnavailable) as raised:
        executor.launch(spec(api, tmp_path / "code", architecture=foreign),
                        lambda _: None, lambda _: None)
    assert str(raised.value).startswith(f"The function's architecture is {foreign}, but this "
                                        "host is ")


# -- the command and its variables ------------------------------------------------------------


def bare_spec(runtime: str, code: Path, opt: Path | None = None, **options: Any) -> LaunchSpec:
    return LaunchSpec(environment_id="e", function_name="fn", runtime=runtime, handler="h",
                      code_dir=code, memory_mb=128, variables={}, opt_dir=opt, **options)


def test_python_finds_the_code_first_then_the_layers(tmp_path: Path) -> None:
    command, variables = launch_command(bare_spec(RUNTIME, tmp_path / "code", tmp_path / "opt"))
    assert command == [python_for(RUNTIME), "-u", str(bootstrap_path())]
    assert variables["PYTHONPATH"].split(os.pathsep) == [
        str(tmp_path / "code"), str(tmp_path / f"opt/python/lib/{RUNTIME}/site-packages"),
        str(tmp_path / "opt/python")]
    assert variables["PYTHONDONTWRITEBYTECODE"] == "1"
    assert variables["PATH"] == search_path(python_for(RUNTIME))  # its own `python3`, first


def test_a_python_runtime_of_a_version_this_machine_lacks_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EnvironmentUnavailable) as refused:
        launch_command(bare_spec("python3.95", tmp_path))
    assert str(refused.value).startswith("The python3.95 runtime needs Python 3.95, and no "
                                         "`python3.95` is on this machine's PATH")


def test_a_debugged_python_function_waits_for_the_debugger_on_its_own_interpreter(
        tmp_path: Path) -> None:
    command, variables = launch_command(bare_spec(RUNTIME, tmp_path, debug_port=5678))
    assert command == [python_for(RUNTIME), "-u", "-m", "debugpy", "--listen",
                       "127.0.0.1:5678", "--wait-for-client", str(bootstrap_path())]
    assert variables["PYTHONPATH"].split(os.pathsep)[-1] == debugpy_home()


def test_another_command_brings_its_own_interpreter(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    command, variables = launch_command(bare_spec("python3.95", tmp_path / "code"),
                                        ["my-runtime-client", "app.handler"])
    assert command == ["my-runtime-client", "app.handler"]
    assert variables["PYTHONPATH"].split(os.pathsep)[0] == str(tmp_path / "code")


def fake_node(folder: Path, version: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "node").write_text(f"#!/bin/sh\necho {version}\n")
    (folder / "node").chmod(0o755)


def test_node_finds_the_layers_node_modules_then_the_code(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    fake_node(bin_dir, "v18.20.4")
    monkeypatch.setenv("PATH", str(bin_dir))
    command, variables = launch_command(bare_spec("nodejs18.x", tmp_path / "code",
                                                  tmp_path / "opt"))
    assert command == ["/bin/sh", str(node_launcher_path())]
    assert variables["NODE_PATH"].split(os.pathsep) == [
        str(tmp_path / "opt/nodejs/node18/node_modules"), str(tmp_path / "opt/nodejs/node_modules"),
        str(tmp_path / "code")]
    assert variables["PATH"].split(os.pathsep)[0] == str(bin_dir)  # this node, first


def test_node_without_node_on_the_path_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EnvironmentUnavailable) as raised:
        launch_command(bare_spec("nodejs20.x", tmp_path))
    assert str(raised.value) == ("The nodejs20.x runtime needs Node.js 20, and no `node` is "
                                 "on this machine's PATH: install Node.js 20 as `node` on the "
                                 "PATH, or run functions in Docker")


def test_node_of_another_major_version_is_refused_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_node(tmp_path / "bin", "v20.11.1")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    with pytest.raises(EnvironmentUnavailable) as raised:
        launch_command(bare_spec("nodejs22.x", tmp_path))
    assert "needs Node.js 22, and the `node` on this machine's PATH" in str(raised.value)


def test_a_custom_runtime_looks_in_the_code_then_the_layers(tmp_path: Path) -> None:
    command, variables = launch_command(bare_spec("provided.al2", tmp_path / "code",
                                                  tmp_path / "opt"))
    assert command == ["/bin/sh", str(custom_entrypoint_path()), str(tmp_path / "code"),
                       str(tmp_path / "opt")]
    assert variables == {"PATH": "/usr/local/bin:/usr/bin:/bin"}
    without_layers, _ = launch_command(bare_spec("provided.al2", tmp_path / "code"))
    assert without_layers == command[:3]


def test_the_search_path_puts_the_interpreters_folder_before_the_systems() -> None:
    assert search_path("/opt/py/bin/python3") == "/opt/py/bin:/usr/local/bin:/usr/bin:/bin"
    assert search_path(None) == "/usr/local/bin:/usr/bin:/bin"
