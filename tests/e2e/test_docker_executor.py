"""What the Docker executor promises about its containers: names, labels, least privilege,
clean-up on shutdown and of orphans left by a crashed run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from simulator.executors.docker import STATE_DIR_LABEL
from simulator.images import image_name
from simulator.server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import create_function, lambda_client, running_server

HANDLER = """
def handler(event, context):
    return "ok"
"""


@pytest.fixture
def engine() -> Iterator[docker.DockerClient]:
    require_docker()
    client = docker.from_env()
    yield client
    client.close()


def containers_of(engine: docker.DockerClient, state_dir: Path) -> list[Any]:
    return engine.containers.list(all=True,
                                  filters={"label": f"{STATE_DIR_LABEL}={state_dir.resolve()}"})


def test_containers_are_named_labelled_and_locked_down(engine: docker.DockerClient,
                                                       tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        client = lambda_client(server.url)
        name = create_function(client, HANDLER, MemorySize=192)
        assert client.invoke(FunctionName=name)["StatusCode"] == 200
        (container,) = containers_of(engine, state_dir)
        attrs = container.attrs
        assert container.name.startswith(f"lambda-sim-{name}-")
        assert container.labels["lambda-sim.function"] == name
        host = attrs["HostConfig"]
        assert attrs["Config"]["User"] not in ("", "0", "root")
        assert host["CapDrop"] == ["ALL"]
        assert host["Privileged"] is False
        assert host["Memory"] == 192 * 1024 * 1024
        assert host["PidsLimit"] and host["PidsLimit"] > 0
        assert "no-new-privileges" in host["SecurityOpt"]
        assert list(attrs["NetworkSettings"]["Networks"]) == ["lambda-sim-test"]
        (mount,) = attrs["Mounts"]
        assert (mount["Destination"], mount["RW"]) == ("/var/task", False)
        assert not any("docker.sock" in m["Source"] for m in attrs["Mounts"])
    assert containers_of(engine, state_dir) == []


def test_orphans_of_a_crashed_run_are_removed_at_start(engine: docker.DockerClient,
                                                       tmp_path: Path) -> None:
    state_dir = (tmp_path / "state").resolve()
    state_dir.mkdir()
    orphan = engine.containers.create(
        image_name("python3.11"), entrypoint=["sleep", "300"],
        labels={STATE_DIR_LABEL: str(state_dir), "lambda-sim.managed": "true"},
    )
    orphan.start()
    server: SimulatorServer
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        assert server.simulator.executor.name == "docker"
        assert containers_of(engine, state_dir) == []
