"""Fixtures: a simulator per executor, shared by the end-to-end tests of a session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simulator.errors import EnvironmentUnavailable
from simulator.executors.interpreters import node_for, python_for
from simulator.http_server import SimulatorServer
from tests.helpers import lambda_client, running_server

EXECUTORS = ["process", "docker"]

pytest_plugins = ["tests.otlp_collector", "tests.browser"]  # `otlp_collector`, `browser`


def docker_unavailable_reason() -> str | None:
    """Why the Docker executor cannot run here, or None when it can."""
    try:
        import docker

        client = docker.from_env()
        client.ping()
    except Exception as error:  # any failure means: no engine
        return f"no Docker engine: {error}"
    from simulator.executors.runtime_files import image_name

    try:
        client.images.get(image_name("python3.11"))
    except Exception:
        return "runtime image python3.11 not built (lambda-sim images build --offline)"
    return None


def require_docker() -> None:
    """Skip, or fail when LAMBDA_SIM_REQUIRE_DOCKER=1 (CI), if Docker cannot run."""
    reason = docker_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def require_interpreter(executor_name: str, runtime: str) -> None:
    """Skip when the process executor would refuse `runtime`: this machine has no interpreter
    of its version (Docker's runtime images bring their own)."""
    if executor_name != "process" or runtime.startswith("provided"):
        return
    try:
        (node_for if runtime.startswith("nodejs") else python_for)(runtime)
    except EnvironmentUnavailable as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session", params=EXECUTORS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[SimulatorServer]:
    """A simulator for each executor; tests using it run once with each."""
    if request.param == "docker":
        require_docker()
    state_dir = tmp_path_factory.mktemp(f"state-{request.param}")
    # Shared by the whole session: an environment idle for a minute goes, so the engine never
    # holds the containers of every test since the start (a hundred and more).
    with running_server(state_dir, request.param, docker_network="lambda-sim-test",
                        docker_network_internal=True, async_retry_delay=0.2,
                        idle_timeout=60.0) as running:
        yield running


@pytest.fixture
def client(server: SimulatorServer) -> Any:
    return lambda_client(server.url)


@pytest.fixture
def executor_name(server: SimulatorServer) -> str:
    return server.simulator.executor.name


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture(scope="module")
def process_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    """A process-executor simulator shared by one module's tests (no Docker needed)."""
    with running_server(tmp_path_factory.mktemp("state-module"), "process") as running:
        yield running
