"""What the Docker executor promises about its containers: labels, least privilege, standby
containers that serve one function each, clean-up on shutdown and of orphans left by a
crashed run."""

from __future__ import annotations

import json
import stat
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docker
import psutil
import pytest

from simulator.executors.docker import STATE_DIR_LABEL
from simulator.executors.runtime_files import image_name
from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import create_function, eventually, lambda_client, running_server

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


def environment_rows(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/_simulator/environments", timeout=10) as answer:
        return json.load(answer)["environments"]  # type: ignore[no-any-return]


def environment_containers(engine: docker.DockerClient, url: str,
                           function_name: str) -> list[Any]:
    """The containers running a function's environments, as the simulator reports them."""
    return [engine.containers.get(row["runtime"].split()[1]) for row in environment_rows(url)
            if row["function"] == function_name]


def assert_locked_down(container: Any, memory_mb: int) -> None:
    attrs = container.attrs
    host = attrs["HostConfig"]
    assert attrs["Config"]["User"] not in ("", "0", "root")
    assert host["CapDrop"] == ["ALL"]
    assert host["Privileged"] is False
    assert host["Memory"] == memory_mb * 1024 * 1024
    assert host["PidsLimit"] and host["PidsLimit"] > 0
    assert "no-new-privileges" in host["SecurityOpt"]
    assert list(attrs["NetworkSettings"]["Networks"]) == ["lambda-sim-test"]
    assert "/var/task" in {m["Destination"] for m in attrs["Mounts"]}
    assert all(m["RW"] is False for m in attrs["Mounts"])
    assert not any("docker.sock" in m["Source"] for m in attrs["Mounts"])


def test_containers_are_labelled_and_locked_down(engine: docker.DockerClient,
                                                 tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True, standby=0) as server:
        client = lambda_client(server.url)
        name = create_function(client, HANDLER, MemorySize=192)
        assert client.invoke(FunctionName=name)["StatusCode"] == 200
        (container,) = containers_of(engine, state_dir)
        assert container.name.startswith(f"lambda-sim-{name}-")
        assert container.labels["lambda-sim.function"] == name
        assert environment_containers(engine, server.url, name) == [container]
        assert_locked_down(container, 192)
        mounts = {m["Destination"]: m["RW"] for m in container.attrs["Mounts"]}
        assert mounts == {"/var/task": False, "/var/lambda-sim": False}  # code, output pipe
        (pipe_folder,) = (state_dir / "pipes").iterdir()
        assert [entry.name for entry in pipe_folder.iterdir()] == ["output"]
        assert stat.S_ISFIFO((pipe_folder / "output").stat().st_mode)
    assert containers_of(engine, state_dir) == []
    assert not any((state_dir / "pipes").iterdir()), "the ended container's pipe is left"


SHOW_ENVIRONMENT = """
import os

def handler(event, context):
    return {"files": sorted(os.listdir("/var/task")), "opt": sorted(os.listdir("/opt")),
            "mine": os.environ.get("MINE"), "standby": os.environ.get("LAMBDA_SIM_STANDBY"),
            "name": os.environ["AWS_LAMBDA_FUNCTION_NAME"], "tz": os.environ["TZ"]}
"""


def test_cold_starts_claim_standby_containers_that_serve_one_function(
        engine: docker.DockerClient, tmp_path: Path) -> None:
    """Creating a function starts a standby container for it (two functions deployed and not
    yet warm: two); each first invoke claims one (its init is only the handler's import), and
    once both are warm one standby waits again. A claimed container sees its own function's
    code and variables and nothing of the others'."""
    state_dir = tmp_path / "state"
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        client = lambda_client(server.url)
        first = create_function(client, {"app.py": SHOW_ENVIRONMENT, "first.txt": "1"},
                                MemorySize=160, Environment={"Variables": {"MINE": "one"}})
        second = create_function(client, {"app.py": SHOW_ENVIRONMENT, "second.txt": "2"},
                                 MemorySize=160, Environment={"Variables": {"MINE": "two"}})

        def standby() -> list[str]:
            """Running, unclaimed standby containers' ids (listed without inspecting each:
            they come and go while the test looks)."""
            rows = engine.api.containers(filters={
                "label": f"{STATE_DIR_LABEL}={state_dir.resolve()}", "status": "running"})
            claimed = {row["runtime"].split()[1] for row in environment_rows(server.url)}
            return [row["Id"] for row in rows if row["Id"][:12] not in claimed
                    and "lambda-sim.standby" in (row.get("Labels") or {})]

        assert eventually(lambda: len(standby()) == 2, timeout=30)
        waiting = set(standby())
        answers = {}
        for name in (first, second):
            reply = client.invoke(FunctionName=name, LogType="Tail")
            answers[name] = json.loads(reply["Payload"].read())
        (claimed,) = environment_containers(engine, server.url, first)
        (other,) = environment_containers(engine, server.url, second)
        assert {claimed.id, other.id} == waiting
        slot_id = claimed.labels["lambda-sim.standby"]  # made as a standby ...

        def renamed() -> bool:  # ... and named for its function once claimed
            claimed.reload()
            return bool(claimed.name.startswith(f"lambda-sim-{first}-"))

        assert eventually(renamed, timeout=10), claimed.name
        assert_locked_down(claimed, 160)
        assert answers[first] == {"files": ["app.py", "first.txt"], "opt": [], "mine": "one",
                                  "standby": None, "name": first, "tz": ":UTC"}
        assert answers[second]["files"] == ["app.py", "second.txt"]
        assert answers[second]["mine"] == "two"
        assert eventually(lambda: len(standby()) == 1, timeout=30), \
            f"no standby took its place: {standby()}"
        slot = state_dir / "standby" / slot_id
        assert (slot / "task" / "first.txt").read_text() == "1"
        claimed.kill()
        assert eventually(lambda: not slot.exists(), timeout=10), \
            "the ended container's folder is still there"
        reply = client.invoke(FunctionName=first)
        assert json.loads(reply["Payload"].read())["mine"] == "one"
    assert containers_of(engine, state_dir) == []


def test_no_standby_containers_when_turned_off(engine: docker.DockerClient,
                                               tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True, standby=0) as server:
        client = lambda_client(server.url)
        name = create_function(client, HANDLER)
        assert client.invoke(FunctionName=name)["StatusCode"] == 200
        assert [c.name for c in containers_of(engine, state_dir)
                if not c.name.startswith(f"lambda-sim-{name}-")] == []


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


SLOW_HANDLER = """
import time

def handler(event, context):
    time.sleep(0.3)
    return "ok"
"""


def test_a_server_at_rest_keeps_no_sockets_for_the_containers_it_ran(
        engine: docker.DockerClient, tmp_path: Path) -> None:
    """Each container holds engine connections while it lives (its output, its wait); once
    every environment is reaped, the server is back to the descriptors it had before the
    burst, however many containers the burst took."""
    process = psutil.Process()
    with running_server(tmp_path / "state", "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True, standby=0, idle_timeout=1.0) as server:
        names = [create_function(lambda_client(server.url), SLOW_HANDLER) for _ in range(3)]

        def burst(invokes: int) -> None:
            client = lambda_client(server.url, max_pool_connections=invokes)
            with ThreadPoolExecutor(invokes) as pool:
                replies = list(pool.map(lambda i: client.invoke(FunctionName=names[i % 3]),
                                        range(invokes)))
            client.close()
            assert {reply["StatusCode"] for reply in replies} == {200}
            assert eventually(lambda: environment_rows(server.url) == [], timeout=30)

        burst(1)
        before = process.num_fds()
        burst(9)
        assert eventually(lambda: process.num_fds() <= before + 2, timeout=10), \
            f"{process.num_fds()} descriptors open at rest, {before} before the burst"
