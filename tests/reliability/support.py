"""What the reliability tests share: finding what an environment left behind (containers,
processes), waiting, a server run as users run it, and a Docker socket that can be cut."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import requests

from simulator.executors.docker import STATE_DIR_LABEL

DOCKER_SOCKET = "/var/run/docker.sock"
TEST_NETWORK = {"docker_network": "lambda-sim-test", "docker_network_internal": True}


def wait_until(condition: Callable[[], Any], timeout: float, interval: float = 0.1) -> Any:
    """Poll until `condition()` is truthy or the time is up; its last value either way."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class Container:
    """A container as the engine lists it (listing does not inspect, so it never races a
    removal)."""

    def __init__(self, summary: dict[str, Any]) -> None:
        self.id: str = summary["Id"]
        self.name: str = summary["Names"][0].lstrip("/")
        self.status: str = summary["State"]
        self.labels: dict[str, str] = summary.get("Labels") or {}

    def kill(self) -> None:
        import docker

        engine = docker.APIClient()
        try:
            engine.kill(self.id)
        finally:
            engine.close()

    def remove(self) -> None:
        import docker

        engine = docker.APIClient()
        try:
            engine.remove_container(self.id, force=True)
        except docker.errors.NotFound:
            pass
        finally:
            engine.close()


def _containers(filters: dict[str, str], all_states: bool = True) -> list[Container]:
    import docker

    engine = docker.APIClient()
    try:
        return [Container(summary) for summary in engine.containers(
            all=all_states, filters=filters)]
    finally:
        engine.close()


def function_containers(function_name: str, all_states: bool = True) -> list[Container]:
    """The containers of one function (function names are unique per test): made for it
    (labelled), or standby containers it claimed (renamed for it)."""
    found = {c.id: c for c in _containers({"label": f"lambda-sim.function={function_name}"},
                                          all_states)}
    claimed = _containers({"name": f"^/lambda-sim-{function_name}-[0-9a-f]{{12}}$"}, all_states)
    found.update((c.id, c) for c in claimed)
    return list(found.values())


def state_dir_containers(state_dir: Path) -> list[Container]:
    return _containers({"label": f"{STATE_DIR_LABEL}={state_dir.resolve()}"})


def function_processes(function_name: str, url: str | None = None) -> list[psutil.Process]:
    """Host processes started for a function: those started with an exec carry the
    function's variables (`/proc/<pid>/environ`); runtimes forked from the simulator's zygote
    show the zygote's, so those of live environments come from the simulator (`url`), with
    what they started. Containers' processes count too."""
    found = {}
    for process in psutil.process_iter():
        try:
            if process.environ().get("AWS_LAMBDA_FUNCTION_NAME") == function_name:
                found[process.pid] = process
        except (psutil.Error, OSError):
            continue
    for pid in environment_pids(url, function_name) if url else []:
        try:
            runtime = psutil.Process(pid)
            for process in [runtime, *runtime.children(recursive=True)]:
                found[process.pid] = process
        except psutil.Error:
            continue
    return list(found.values())


def environment_pids(url: str, function_name: str) -> list[int]:
    """The runtime processes of a function's live environments, as the simulator says."""
    try:
        rows = requests.get(f"{url}/_simulator/environments", timeout=10).json()
    except (requests.RequestException, ValueError):
        return []
    return [int(row["runtime"].split()[1]) for row in rows["environments"]
            if row["function"] == function_name and (row["runtime"] or "").startswith("process")]


def runtimes_left(executor: str, function_name: str, url: str | None = None) -> list[str]:
    """What still runs for a function: its containers (Docker) or processes, described."""
    if executor == "docker":
        return [f"container {c.name} ({c.status})" for c in function_containers(function_name)]
    left = []
    for process in function_processes(function_name, url):
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(f"process {process.pid} {' '.join(process.cmdline())[:60]}")
        except psutil.Error:
            continue
    return left


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess:
    """`lambda-sim serve` in a child process, as users run it; killed or stopped by the test."""

    def __init__(self, state_dir: Path, executor: str, *arguments: str,
                 environment: dict[str, str] | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        variables = {**os.environ, "LAMBDA_SIM_DOCKER_NETWORK": "lambda-sim-test",
                     "LAMBDA_SIM_DOCKER_NETWORK_INTERNAL": "1", **(environment or {})}
        self.output_path = state_dir.parent / f"serve-{self.port}-{time.time_ns()}.log"
        state_dir.parent.mkdir(parents=True, exist_ok=True)
        self._output = open(self.output_path, "wb")  # noqa: SIM115 - closed in stop()/kill()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simulator.cli", "serve", "--port", str(self.port),
             "--state-dir", str(state_dir), "--executor", executor, *arguments],
            env=variables, stdout=self._output, stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60, token: str | None = None) -> ServeProcess:
        def healthy() -> bool:
            try:
                headers = {"X-Lambda-Sim-Token": token} if token else {}
                return requests.get(f"{self.url}/_simulator/health", timeout=2,
                                    headers=headers).ok
            except requests.RequestException:
                return False

        if not wait_until(lambda: healthy() or self.process.poll() is not None, timeout,
                          interval=0.2) or self.process.poll() is not None:
            self.kill()
            raise AssertionError(f"the server did not start:\n{self.output()}")
        return self

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def logs(self, function_name: str, **headers: str) -> list[str]:
        """The function's log lines, through the server's own endpoint."""
        response = requests.get(f"{self.url}/_simulator/logs/{function_name}", timeout=10,
                                headers=headers)
        response.raise_for_status()
        return [event["message"] for event in response.json()["events"]]

    def kill(self) -> None:
        """A crash: SIGKILL, nothing gets to clean up."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        self._output.close()

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._output.close()
        return int(self.process.returncode)


class UnixSocketProxy:
    """A stand-in for the Docker engine's socket: forwards to the real one while running;
    `stop()` refuses new connections and cuts the open ones, as an engine that went away."""

    def __init__(self, path: Path, target: str = DOCKER_SOCKET) -> None:
        self.path = path
        self.target = target
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def docker_host(self) -> str:
        return f"unix://{self.path}"

    def start(self) -> None:
        self.path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(self.path))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True,
                         name="docker-proxy").start()

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        self.path.unlink(missing_ok=True)
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            _close(connection)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            try:
                upstream.connect(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


def _close(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    connection.close()


def aws_error(response: requests.Response) -> tuple[int, str, str]:
    """(status, error code, message) of an AWS-shaped error answer; fails if it is not one."""
    assert "Traceback" not in response.text, response.text[:2000]
    code = response.headers.get("x-amzn-errortype", "")
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    assert code and body.get("__type") == code, (response.status_code, response.text[:500])
    message = body.get("message", body.get("Message"))
    assert isinstance(message, str) and message, body
    return response.status_code, code, message
