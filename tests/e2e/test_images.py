"""The python3.11 runtime image, built offline, runs one invocation against a Runtime API."""

from __future__ import annotations

import json
import os
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import docker
import pytest

from simulator.executors.image_builder import build_images
from simulator.executors.runtime_files import image_name

pytestmark = pytest.mark.docker

NETWORK = "lambda-sim-test-images"
API = "/2018-06-01/runtime"
HANDLER = """\
import os
import sys


def handler(event, context):
    print("hello from", context.function_name)
    return {"event": event, "uid": os.getuid(), "python": sys.version_info[:2]}
"""


@pytest.fixture(scope="module")
def docker_client() -> Iterator[docker.DockerClient]:
    """The engine; without one, skip, or fail when LAMBDA_SIM_REQUIRE_DOCKER=1."""
    try:
        client = docker.from_env()
        client.ping()
    except Exception as exc:  # whatever the cause, there is no usable engine
        if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":
            pytest.fail(f"Docker is required but unavailable: {exc}")
        pytest.skip(f"Docker is unavailable: {exc}")
    yield client
    client.close()


@pytest.fixture
def network(docker_client) -> Iterator:
    """An internal network: containers reach the host through its gateway and nothing else."""
    for stale in docker_client.networks.list(names=[NETWORK]):
        stale.remove()
    created = docker_client.networks.create(NETWORK, driver="bridge", internal=True)
    created.reload()
    yield created
    created.remove()


class OneEventApi:
    """A Runtime API that hands out one event and records what the runtime posts back."""

    def __init__(self, host: str, request_id: str, event: dict) -> None:
        self.events: queue.Queue = queue.Queue()
        self.events.put((request_id, json.dumps(event).encode()))
        self.posts: queue.Queue[tuple[str, bytes]] = queue.Queue()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                event = api.events.get()  # after the one event, wait here until closed
                if event is None:
                    self.answer(410, b"")
                    return
                self.answer(200, event[1], {"Lambda-Runtime-Aws-Request-Id": event[0]})

            def do_POST(self) -> None:
                api.posts.put((self.path, self.rfile.read(int(self.headers["Content-Length"]))))
                self.answer(202, b"")

            def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.address = f"{host}:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


def test_python311_image_builds_offline_and_runs_an_invocation(
    docker_client, network, tmp_path: Path
) -> None:
    first = build_images(docker_client, ["python3.11"], offline=True)
    assert [(o.runtime, o.status) for o in first] in (
        [("python3.11", "built")],
        [("python3.11", "unchanged")],
    )
    again = build_images(docker_client, ["python3.11"], offline=True)
    assert [o.status for o in again] == ["unchanged"]

    task = tmp_path / "task"
    task.mkdir()
    (task / "app.py").write_text(HANDLER)
    task.chmod(0o755)  # the runtime runs as an unprivileged user
    (task / "app.py").chmod(0o644)

    gateway = network.attrs["IPAM"]["Config"][0]["Gateway"]
    api = OneEventApi(gateway, "req-1", {"hello": "world"})
    container = docker_client.containers.run(
        image_name("python3.11"),
        detach=True,
        network=NETWORK,
        volumes={str(task): {"bind": "/var/task", "mode": "ro"}},
        environment={
            "AWS_LAMBDA_RUNTIME_API": api.address,
            "_HANDLER": "app.handler",
            "AWS_LAMBDA_FUNCTION_NAME": "images-test",
        },
    )
    try:
        path, body = api.posts.get(timeout=30)
        logs = container.logs().decode()
    finally:
        container.remove(force=True)
        api.close()

    assert path == f"{API}/invocation/req-1/response"
    assert json.loads(body) == {"event": {"hello": "world"}, "uid": 993, "python": [3, 11]}
    assert logs == "hello from images-test\n\x1eLAMBDA_SIM_END req-1\x1e\n"
