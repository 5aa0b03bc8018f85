"""Functions on a Docker engine on another machine: a second engine in a network namespace of
the test's own, reached over TCP through a veth pair, as a remote host is reached.

Its containers share that namespace's network (`host` network mode there: the engine runs
with no bridge), so they reach the simulator at the host end of the veth, which is the
address the simulator finds on the route to the engine. Code and layers cannot be
bind-mounted from here: they ship through the engine's API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import pytest

from simulator.executors.runtime_files import image_name
from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import (
    create_function,
    invoke_ok,
    lambda_client,
    make_zip,
    running_server,
    s3_client,
    unique_name,
)

RUNTIME = "python3.11"
ENGINE_PORT = 2375
ENGINE_READY_SECONDS = 60.0
TOOLS = ("ip", "nsenter", "dockerd", "docker")
# vfs copies an image's whole file system for each container made from it; fuse-overlayfs,
# where the machine has it, does not.
STORAGE_DRIVER = "fuse-overlayfs" if shutil.which("fuse-overlayfs") else "vfs"

HANDLER = """
import os
import boto3
STARTED = os.getpid()
def handler(event, context):
    if "bucket" in event:
        boto3.client("s3").put_object(Bucket=event["bucket"], Key="remote.txt",
                                      Body=f"version {VERSION}".encode())
    opt = open("/opt/note.txt").read() if os.path.exists("/opt/note.txt") else None
    return {"version": VERSION, "pid": STARTED, "opt": opt,
            "task_writable": os.access("/var/task", os.W_OK)}
"""


@dataclass
class RemoteEngine:
    url: str
    host_address: str  # the simulator's end of the link
    image_move_seconds: float


def _missing_prerequisite() -> str | None:
    if os.geteuid() != 0:
        return "a second Docker engine in a network namespace needs root"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return f"missing {', '.join(missing)}" if missing else None


def _skip_or_fail(reason: str) -> None:
    """As the Docker tests do: CI (LAMBDA_SIM_REQUIRE_DOCKER=1) fails rather than skips."""
    if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def _quietly(*command: str) -> None:
    """A clean-up step: what is already gone is fine."""
    subprocess.run(command, capture_output=True, timeout=60)


def _unmount_under(folder: Path) -> None:
    """What the engine mounted in its folders and left (its namespaces' files, its data
    root's own mount), deepest first, so that the folders can go."""
    with open("/proc/self/mounts") as mounts:
        points = [line.split()[1] for line in mounts]
    for point in sorted((p for p in points if p.startswith(f"{folder}/")), reverse=True):
        _quietly("umount", "--lazy", point)


def _wait_for_engine(url: str, daemon: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + ENGINE_READY_SECONDS
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            raise RuntimeError(f"the second engine ended: {log.read_text()[-2000:]}")
        try:
            docker.DockerClient(base_url=url, timeout=5).ping()
            return
        except Exception:  # not listening yet
            time.sleep(0.2)
    raise RuntimeError(f"the second engine did not answer: {log.read_text()[-2000:]}")


def _move_image(url: str) -> float:
    started = time.monotonic()
    save = subprocess.Popen(["docker", "save", image_name(RUNTIME)], stdout=subprocess.PIPE)
    try:
        subprocess.run(["docker", "-H", url, "load", "-q"], stdin=save.stdout, check=True,
                       capture_output=True, timeout=300)
    finally:
        assert save.stdout is not None
        save.stdout.close()
        save.wait(timeout=60)
    return time.monotonic() - started


@pytest.fixture(scope="module")
def remote_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemoteEngine]:
    """A Docker engine of its own (own data root and storage, no bridge) in a network
    namespace of its own, with the Python runtime image moved in. Everything it made goes
    when the module ends, whatever happened."""
    reason = _missing_prerequisite()
    if reason is not None:
        _skip_or_fail(reason)
    require_docker()  # the image to move in comes from the machine's engine
    tag = f"lsim{os.getpid() % 100000}"
    subnet = 10 + os.getpid() % 240
    host_address, engine_address = f"10.213.{subnet}.1", f"10.213.{subnet}.2"
    folder = tmp_path_factory.mktemp("engine")
    config = folder / "daemon.json"
    config.write_text("{}")
    log = folder / "dockerd.log"
    url = f"tcp://{engine_address}:{ENGINE_PORT}"
    daemon: subprocess.Popen[bytes] | None = None
    try:
        _run("ip", "netns", "add", tag)
        _run("ip", "link", "add", f"{tag}h", "type", "veth", "peer", "name", f"{tag}n")
        _run("ip", "link", "set", f"{tag}n", "netns", tag)
        _run("ip", "addr", "add", f"{host_address}/30", "dev", f"{tag}h")
        _run("ip", "link", "set", f"{tag}h", "up")
        inside = ("nsenter", f"--net=/var/run/netns/{tag}")
        _run(*inside, "ip", "addr", "add", f"{engine_address}/30", "dev", f"{tag}n")
        _run(*inside, "ip", "link", "set", f"{tag}n", "up")
        _run(*inside, "ip", "link", "set", "lo", "up")
        with log.open("wb") as output:
            daemon = subprocess.Popen(
                [*inside, "dockerd", "--config-file", str(config),
                 "--data-root", str(folder / "data"), "--exec-root", str(folder / "exec"),
                 "--pidfile", str(folder / "dockerd.pid"),
                 "-H", f"unix://{folder / 'docker.sock'}", "-H", url,
                 "--bridge", "none", "--iptables=false", "--storage-driver", STORAGE_DRIVER],
                stdout=output, stderr=subprocess.STDOUT)
        _wait_for_engine(url, daemon, log)
        seconds = _move_image(url)
        yield RemoteEngine(url, host_address, seconds)
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait(timeout=10)
        _quietly("ip", "link", "del", f"{tag}h")
        _quietly("ip", "netns", "del", tag)
        _unmount_under(folder)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def remote_server(remote_engine: RemoteEngine, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("state-remote"), "docker",
                        docker_host=remote_engine.url, docker_network="host",
                        idle_timeout=120.0) as server:
        yield server


def test_the_simulator_ships_code_to_a_remote_engine_and_listens_on_the_link(
        remote_server: SimulatorServer, remote_engine: RemoteEngine) -> None:
    executor = remote_server.simulator.executor
    assert executor.remote
    assert executor.runtime_api_host() == remote_engine.host_address
    assert remote_server.addresses_beyond_machine() == [remote_engine.host_address]


def test_cold_warm_update_layers_and_s3_on_a_remote_engine(
        remote_server: SimulatorServer, remote_engine: RemoteEngine) -> None:
    """One function throughout: a cold start on the test's engine may copy the whole
    runtime image (with the vfs storage driver), which makes cold starts slow there."""
    client = lambda_client(remote_server.url)
    layer = client.publish_layer_version(
        LayerName=unique_name("note"), Content={"ZipFile": make_zip({"note.txt": "layered"})},
        CompatibleRuntimes=[RUNTIME])
    name = create_function(client, "VERSION = 1\n" + HANDLER, Timeout=60,
                           Layers=[layer["LayerVersionArn"]])
    started = time.monotonic()
    cold = invoke_ok(client, name)
    cold_seconds = time.monotonic() - started
    started = time.monotonic()
    warm = invoke_ok(client, name)
    warm_seconds = time.monotonic() - started
    assert (cold["version"], cold["opt"], cold["task_writable"]) == (1, "layered", False)
    assert warm["pid"] == cold["pid"]  # the same environment, kept warm

    client.update_function_code(FunctionName=name, ZipFile=make_zip(
        {"app.py": "VERSION = 2\n" + HANDLER}))
    client.get_waiter("function_updated_v2").wait(FunctionName=name)
    bucket = unique_name("remote")
    s3 = s3_client(remote_server.url)
    s3.create_bucket(Bucket=bucket)
    updated = invoke_ok(client, name, Payload=json.dumps({"bucket": bucket}))
    assert (updated["version"], updated["opt"]) == (2, "layered")
    assert s3.get_object(Bucket=bucket, Key="remote.txt")["Body"].read() == b"version 2"
    print(f"remote engine ({STORAGE_DRIVER}): image moved in "
          f"{remote_engine.image_move_seconds:.1f} s, cold invoke {cold_seconds:.2f} s, "
          f"warm {warm_seconds * 1000:.0f} ms")
