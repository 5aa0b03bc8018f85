"""Removing containers: while the Docker engine is away, and while the simulator stops;
standby starts put off until invokes pause."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from docker.errors import APIError, NotFound
from requests.exceptions import ConnectionError as EngineUnreachable

from simulator.executors import docker as docker_executor
from simulator.executors.base import LaunchSpec
from simulator.executors.docker import ContainerRuntime, DockerExecutor, OutputSink
from simulator.executors.engine_location import route_address
from simulator.executors.output_pipe import OUTPUT_VARIABLE, OutputPipe
from simulator.executors.standby import CONTROL_MOUNT, StandbyProfile
from tests.unit.executors.test_code_volumes import Engine


class FlakyEngine:
    """Refuses the first `failures` removals as an unreachable engine does; then answers as
    for a container that is `gone` already, or `going` (another removal is under way)."""

    def __init__(self, failures: int, gone: bool = False, going: bool = False) -> None:
        self.failures = failures
        self.gone = gone
        self.going = going
        self.calls = 0

    def remove_container(self, container_id: str, force: bool) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise EngineUnreachable("engine unreachable")
        if self.gone:
            raise NotFound("no such container")
        if self.going:
            raise APIError("conflict", response=Conflict(),
                           explanation="removal of container c0ffee is already in progress")


class Conflict:
    status_code = 409


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker_executor, "REMOVAL_RETRY_FIRST_DELAY", 0.01)
    monkeypatch.setattr(docker_executor, "REMOVAL_RETRY_MAX_DELAY", 0.05)


class Forgotten(list[str]):
    """What the executor was told it may forget; `done` once it was."""

    def __init__(self) -> None:
        super().__init__()
        self.done = threading.Event()

    def __call__(self, container_id: str) -> None:
        self.append(container_id)
        self.done.set()


def runtime(engine: FlakyEngine) -> tuple[ContainerRuntime, Forgotten]:
    forgotten = Forgotten()
    api: Any = engine
    return ContainerRuntime(api, "c0ffee", OutputSink(), on_removed=forgotten), forgotten


def test_a_removal_the_engine_refused_is_retried_until_it_is_done() -> None:
    engine = FlakyEngine(failures=4)
    container, forgotten = runtime(engine)

    container.stop()
    assert forgotten == [], "forgotten while the container still runs"
    container.stop()  # a second stop during the outage starts no second retry loop

    assert forgotten.done.wait(5)
    assert engine.calls == 5
    assert forgotten == ["c0ffee"]
    container.stop()
    assert engine.calls == 5


@pytest.mark.parametrize(("gone", "going"), [(False, False), (True, False), (False, True)],
                         ids=["removed", "already-gone", "already-going"])
def test_a_removal_that_works_at_once_is_not_retried(gone: bool, going: bool) -> None:
    engine = FlakyEngine(failures=0, gone=gone, going=going)
    container, forgotten = runtime(engine)

    container.stop()
    container.stop()

    assert engine.calls == 1
    assert forgotten == ["c0ffee"]


class OutputStream(list[bytes]):
    """An attached output stream with nothing in it."""

    closed = False

    def close(self) -> None:
        self.closed = True


class SlowCreatingEngine:
    """Creates a container only when told to; records what it removes."""

    adapters: dict[str, Any] = {}  # no connection kept for reuse

    def __init__(self) -> None:
        self.creating = threading.Event()
        self.create = threading.Event()
        self.removed: list[str] = []
        self.output = OutputStream()

    def create_container(self, **config: Any) -> dict[str, str]:
        self.creating.set()
        self.create.wait(5)
        return {"Id": "late0ffee"}

    def attach(self, container_id: str, **options: Any) -> OutputStream:
        return self.output

    def start(self, container_id: str) -> None:
        pass

    def remove_container(self, container_id: str, force: bool) -> None:
        self.removed.append(container_id)


def test_shutdown_waits_for_a_container_start_under_way_to_remove_what_it_made(
        tmp_path: Any) -> None:
    """A container created while the simulator stops is removed before shutdown returns:
    nothing is left behind for whoever lists containers next."""
    engine = SlowCreatingEngine()
    executor = docker_executor.DockerExecutor(tmp_path, network="none")
    executor._client = type("Client", (), {"api": engine})()  # type: ignore[assignment]
    failures: list[Exception] = []

    def start() -> None:
        try:
            executor._start_container({"name": "lambda-sim-f-1"}, OutputSink())
        except docker_executor.EnvironmentUnavailable as error:
            failures.append(error)

    starting = threading.Thread(target=start)
    starting.start()
    assert engine.creating.wait(5)
    stopping = threading.Thread(target=executor.shutdown)
    stopping.start()
    stopping.join(0.2)
    assert stopping.is_alive(), "shutdown returned while a container was being created"
    engine.create.set()
    stopping.join(5)
    starting.join(5)
    assert not stopping.is_alive()
    assert engine.removed == ["late0ffee"]
    assert engine.output.closed, "the container's output stream was left open"
    assert [str(error) for error in failures] == ["The simulator is stopping."]


class QuietEngine(Engine):
    """An engine with no containers left from before; host configs as given."""

    adapters: dict[str, Any] = {}

    def containers(self, **filters: Any) -> list[dict[str, Any]]:
        return []

    def inspect_container(self, name: str) -> dict[str, Any]:
        raise NotFound("not a container of this engine's")  # when the test runs in one


class Client:
    def __init__(self, api: QuietEngine) -> None:
        self.api = api

    def ping(self) -> bool:
        return True


def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine_url: str,
            **options: Any) -> tuple[DockerExecutor, QuietEngine]:
    engine = QuietEngine()
    monkeypatch.setattr(docker_executor.docker, "from_env", lambda **_: Client(engine))
    executor = DockerExecutor(tmp_path / "state", network="host", engine=engine_url,
                              **options)
    executor.start()
    return executor, engine


def spec(tmp_path: Path) -> LaunchSpec:
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "app.py").write_text("def handler(e, c): return 1\n")
    return LaunchSpec("e" * 12, "fn", "python3.11", "app.handler", code, 128, {},
                      opt_dir=code)


def test_a_remote_engine_gets_shipped_code_and_calls_back_on_the_route_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executor, engine = started(tmp_path, monkeypatch, "tcp://192.0.2.10:2376")

    config = executor._function_container(spec(tmp_path), "lambda-sim/python3.11:latest")

    assert executor.remote
    assert executor.runtime_api_host() == route_address("192.0.2.10")
    assert not executor._uses_standby(spec(tmp_path))
    mounts = {m["Target"]: m for m in config["host_config"]["mounts"]}
    assert {m["Type"] for m in mounts.values()} == {"volume"}
    assert mounts["/var/task"]["Source"] in engine.made and mounts["/var/task"]["ReadOnly"]
    executor.shutdown()
    assert engine.made == {}  # its volumes go with it


def test_a_local_engine_bind_mounts_the_code(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    executor, engine = started(tmp_path, monkeypatch, "unix:///var/run/docker.sock")

    config = executor._function_container(spec(tmp_path), "lambda-sim/python3.11:latest")

    assert not executor.remote and executor.runtime_api_host() == "127.0.0.1"
    [task, _] = config["host_config"]["mounts"]
    assert (task["Type"], task["Source"]) == ("bind", str(tmp_path / "code"))
    assert engine.made == {}


def test_the_advertised_address_wins_over_the_route(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    executor, _ = started(tmp_path, monkeypatch, "ssh://me@192.0.2.10",
                          advertise_host="198.51.100.7")
    assert executor.remote and executor.runtime_api_host() == "198.51.100.7"


def test_a_local_engine_gives_our_runtimes_an_output_pipe_past_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executor, _ = started(tmp_path, monkeypatch, "unix:///var/run/docker.sock")
    folder = tmp_path / "pipe"
    folder.mkdir()
    pipe = OutputPipe(folder)

    config = executor._function_container(spec(tmp_path), "lambda-sim/python3.11:latest", pipe)
    pipe.close()

    control = [m for m in config["host_config"]["mounts"] if m["Target"] == CONTROL_MOUNT]
    assert [(m["Source"], m["ReadOnly"]) for m in control] == [(str(folder), True)]
    assert config["environment"][OUTPUT_VARIABLE] == f"{CONTROL_MOUNT}/output"


def test_an_image_function_or_a_remote_engine_gets_no_output_pipe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    for engine_url, image in (("unix:///var/run/docker.sock", "my-image:1"),
                              ("tcp://192.0.2.10:2376", None)):
        executor, _ = started(tmp_path / engine_url[:3], monkeypatch, engine_url)
        monkeypatch.setattr(executor, "_start_container",
                            lambda config, sink, networks, pipe: made.append(pipe))
        launch = replace(spec(tmp_path), image=image)
        executor._start_function_container(launch, "lambda-sim/python3.11:latest", OutputSink())
    assert made == [None, None]


class OutagedEngine:
    """An engine whose container watch breaks `breaks` times (unreachable) before the
    container ends with `code`; or that forgets the container when `forgets`."""

    adapters: dict[str, Any] = {}

    def __init__(self, breaks: int, code: int = 3) -> None:
        self.breaks = breaks
        self.code = code
        self.watches = 0

    def wait(self, container_id: str, timeout: Any) -> dict[str, int]:
        self.watches += 1
        if self.watches <= self.breaks:
            raise EngineUnreachable("engine unreachable")
        return {"StatusCode": self.code}

    def inspect_container(self, container_id: str) -> dict[str, Any]:
        return {"State": {"OOMKilled": False}}

    def remove_container(self, container_id: str, force: bool) -> None:
        pass


def watched(tmp_path: Path, engine: OutagedEngine,
            before: Any = None) -> tuple[DockerExecutor, ContainerRuntime, list[Any]]:
    executor = DockerExecutor(tmp_path, network="none")
    executor._client = type("Client", (), {"api": engine})()  # type: ignore[assignment]
    ended: list[Any] = []
    runtime = ContainerRuntime(engine, "c0ffee", OutputSink(on_exit=ended.append),  # type: ignore[arg-type]
                               on_removed=lambda container_id: None)
    if before is not None:
        before(executor, runtime)
    executor._wait(runtime)
    return executor, runtime, ended


def test_a_broken_watch_is_not_the_containers_end(tmp_path: Path) -> None:
    """An engine out of reach for a while: the container ran on and is watched again; its
    end, when it comes, is its own."""
    engine = OutagedEngine(breaks=2, code=3)

    _, _, ended = watched(tmp_path, engine)

    assert engine.watches == 3
    assert [status.exit_code for status in ended] == [3]


def test_a_watch_broken_while_the_simulator_stops_ends_the_container(tmp_path: Path) -> None:
    engine = OutagedEngine(breaks=100)

    _, _, ended = watched(tmp_path, engine,
                          before=lambda executor, runtime: executor._closed.set())

    assert engine.watches == 1
    assert [status.signal_number for status in ended] == [9]


def test_a_standby_start_waits_for_invokes_to_pause(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker_executor, "INVOKE_LULL_SECONDS", 0.1)
    executor = DockerExecutor(tmp_path, network="none")
    starts: list[float] = []
    monkeypatch.setattr(executor, "_start_standby",
                        lambda profile: starts.append(time.monotonic()))
    executor.note_invoke()
    began = time.monotonic()

    executor._start_standby_after_lull(StandbyProfile("image", 128, 512))

    assert len(starts) == 1 and starts[0] - began >= 0.08


def test_a_standby_start_put_off_while_the_simulator_stops_is_given_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker_executor, "INVOKE_LULL_SECONDS", 10.0)
    executor = DockerExecutor(tmp_path, network="none", standby=1)
    profile = StandbyProfile("image", 128, 512)
    assert executor._standby.to_start(profile)[0] == 1
    monkeypatch.setattr(executor, "_start_standby", lambda profile: pytest.fail("started"))
    executor.note_invoke()
    threading.Timer(0.1, executor.shutdown).start()
    began = time.monotonic()

    executor._start_standby_after_lull(profile)

    assert time.monotonic() - began < 5.0
    assert executor._standby.to_start(profile)[0] == 1, "the start was not counted as ended"
