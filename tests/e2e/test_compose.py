"""`docker compose up` as the example's README runs it: the stack built offline, boto3 against
the published port, a saved edit live on a later invoke, a function calling another compose
service by its name, and nothing left behind by `down`.

Runs in a copy of examples/hello-compose under tmp_path, with its own compose project name,
network and host port, so a stack the user has up is left alone. The first build installs the
simulator's dependencies (minutes); later runs reuse Docker's build cache."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.helpers import lambda_client

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hello-compose"
BASE_IMAGE = "lambda-sim/base:bookworm"  # `lambda-sim images build --offline python3.11`
RUNTIME_IMAGE = "lambda-sim/python3.11:latest"
STATE_DIR_LABEL = "lambda-sim.state-dir"
BUILD_TIMEOUT_S = 900

pytestmark = [pytest.mark.docker, pytest.mark.timeout(BUILD_TIMEOUT_S + 300)]


def compose_tool() -> list[str] | None:
    """The v2 plugin when the machine has it, else the standalone docker-compose."""
    if shutil.which("docker") and subprocess.run(
            ["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


def require_stack() -> list[str]:
    """The compose command; skip (or fail when LAMBDA_SIM_REQUIRE_DOCKER=1) without one or
    without the images the offline build and the functions need."""
    tool = compose_tool()
    reason = None if tool else "no compose tool (docker compose or docker-compose)"
    for image in (BASE_IMAGE, RUNTIME_IMAGE):
        if reason is None and subprocess.run(["docker", "image", "inspect", image],
                                             capture_output=True).returncode != 0:
            reason = f"image {image} missing (lambda-sim images build --offline python3.11)"
    if reason is None:
        assert tool is not None
        return tool
    if os.environ.get("LAMBDA_SIM_REQUIRE_DOCKER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def local_ca_certificates() -> str:
    """CAs this machine added itself (Debian keeps them here): behind a proxy that re-signs
    TLS, pip inside the build needs them; elsewhere there are none."""
    if "EXTRA_CA_CERTS" in os.environ:
        return os.environ["EXTRA_CA_CERTS"]
    folder = Path("/usr/local/share/ca-certificates")
    return "".join(p.read_text() for p in sorted(folder.rglob("*.crt"))) if folder.is_dir() else ""


def copy_project(target: Path) -> Path:
    """The example, readable by the functions' unprivileged user (993) whatever the umask."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".lambda-sim", "__pycache__"))
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


def wait_for(what: str, check: Callable[[], Any], timeout: float) -> Any:
    """Poll until `check` returns something truthy; errors count as not yet."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as error:  # not up yet, or not reloaded yet
            last = error
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


def test_compose_up_serves_reloads_and_cleans_up(tmp_path: Path) -> None:
    tool = require_stack()
    tmp_path = tmp_path.resolve()  # the paths the simulator sees and labels containers with
    project = copy_project(tmp_path / "hello-compose")
    name = f"lambda-sim-e2e-{uuid.uuid4().hex[:8]}"
    port = free_port()
    # compose.yaml mounts ${PWD}/${LAMBDA_SIM_PROJECT} at its own path: run from tmp_path.
    environment = {**os.environ, "PWD": str(tmp_path), "LAMBDA_SIM_PROJECT": project.name,
                   "LAMBDA_SIM_PORT": str(port), "LAMBDA_SIM_DOCKER_NETWORK": name,
                   "BASE_IMAGE": BASE_IMAGE, "EXTRA_CA_CERTS": local_ca_certificates()}
    compose = [*tool, "-f", str(ROOT / "compose.yaml"), "-p", name]

    def run(*args: str, timeout: float = 120, check: bool = True) -> str:
        done = subprocess.run([*compose, *args], cwd=tmp_path, env=environment, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert done.returncode == 0 or not check, f"{' '.join(args)} failed:\n{done.stdout}"
        return done.stdout

    def function_containers() -> list[str]:
        return subprocess.run(
            ["docker", "ps", "-a", "-q", "--filter", "label=lambda-sim.managed=true",
             "--filter", f"label={STATE_DIR_LABEL}={project / '.lambda-sim'}"],
            capture_output=True, text=True, check=True).stdout.split()

    started = time.monotonic()
    run("build", timeout=BUILD_TIMEOUT_S)
    built = time.monotonic()
    print(f"build: {built - started:.1f} s")
    endpoint = f"http://127.0.0.1:{port}"
    client = lambda_client(endpoint)
    try:
        run("up", "-d")
        wait_for("the template's two functions", lambda: requests.get(
            f"{endpoint}/_simulator/health", timeout=2).json()["functions"] == 2, timeout=90)

        def hello() -> dict[str, Any]:
            response = client.invoke(FunctionName="hello", Payload=b'{"name": "compose"}')
            assert "FunctionError" not in response, response["Payload"].read()
            return json.loads(response["Payload"].read())  # type: ignore[no-any-return]

        assert hello() == {"message": "Hello, compose!"}

        # A saved edit is what the next invokes run, with no restart.
        app = project / "hello" / "app.py"
        app.write_text(app.read_text().replace('"Hello, ', '"Goodbye, '))
        wait_for("the edited greeting", lambda: hello() == {"message": "Goodbye, compose!"},
                 timeout=30)

        # The function reaches the `echo` service by name, over the shared network.
        response = client.invoke(FunctionName="call-echo", Payload=b'{"ping": 1}')
        assert "FunctionError" not in response, response["Payload"].read()
        answer = json.loads(response["Payload"].read())
        assert answer["status"] == 200
        assert answer["echo"]["service"] == "echo"
        assert json.loads(answer["echo"]["body"]) == {"ping": 1}
        assert function_containers(), "no function container carries the state-dir label"
    finally:
        print(run("logs", "--no-color", "simulator", check=False))  # shown when the test fails
        run("down", "-v", "--timeout", "30")
        print(f"after the build: {time.monotonic() - built:.1f} s")

    # The simulator removed its function containers on the way down, and compose the network.
    assert function_containers() == [], "function containers left behind"
    assert subprocess.run(["docker", "network", "inspect", name],
                          capture_output=True).returncode != 0, f"network {name} left behind"
