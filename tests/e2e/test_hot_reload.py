"""The edit-save-invoke loop: a template's function folder is watched; a saved change is live
for the next invoke, warm; editor noise reloads nothing; the template itself is followed."""

from __future__ import annotations

import json
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import lambda_client, running_server

TEMPLATE = """
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.11
    Timeout: 10
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello
      CodeUri: hello/
      Handler: app.handler
"""

EXTRA = """
  Second:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: second
      CodeUri: hello/
      Handler: app.handler
"""


def handler_source(version: int) -> str:
    return f"def handler(event, context):\n    return {{'version': {version}}}\n"


def write_project(root: Path, template: str = TEMPLATE) -> Path:
    (root / "hello").mkdir(parents=True)
    (root / "hello" / "app.py").write_text(handler_source(1))
    (root / "template.yaml").write_text(textwrap.dedent(template))
    return root / "template.yaml"


def invoke(client: Any, name: str) -> tuple[Any, bool]:
    response = client.invoke(FunctionName=name)
    timing = response["ResponseMetadata"]["HTTPHeaders"]["server-timing"]
    return json.loads(response["Payload"].read()), 'desc="cold"' in timing


@pytest.fixture(params=["process", "docker"])
def project_server(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "docker":
        require_docker()
    template = write_project(tmp_path / "project")
    with running_server(tmp_path / "state", request.param, docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        server.simulator.load_template(template)
        yield server, tmp_path / "project"


def test_saved_change_is_served_warm(project_server: tuple[SimulatorServer, Path]) -> None:
    server, project = project_server
    client = lambda_client(server.url)
    assert invoke(client, "hello")[0] == {"version": 1}
    timings = []
    for version in (2, 3, 4):
        saved = time.monotonic()
        (project / "hello" / "app.py").write_text(handler_source(version))
        deadline = saved + 20
        while time.monotonic() < deadline:
            body, cold = invoke(client, "hello")
            if body == {"version": version}:
                break
            time.sleep(0.01)
        timings.append(time.monotonic() - saved)
        assert body == {"version": version}
        assert not cold, "the first invoke after a save should find a pre-warmed environment"
    print(f"save → new code served: {', '.join(f'{t * 1000:.0f} ms' for t in timings)}")


def test_editor_noise_reloads_nothing(project_server: tuple[SimulatorServer, Path]) -> None:
    server, project = project_server
    generation = server.simulator.registry.get("hello").generation
    (project / "hello" / ".app.py.swp").write_bytes(b"swap")
    (project / "hello" / "app.py~").write_text("backup")
    (project / "hello" / "app.py").write_text(handler_source(1))  # same content, new mtime
    (project / "hello" / "__pycache__").mkdir(exist_ok=True)
    (project / "hello" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"x")
    time.sleep(1.0)
    assert server.simulator.registry.get("hello").generation == generation


def test_template_changes_add_and_remove_functions(
        project_server: tuple[SimulatorServer, Path]) -> None:
    server, project = project_server
    client = lambda_client(server.url)
    template = project / "template.yaml"
    template.write_text(textwrap.dedent(TEMPLATE) + EXTRA)
    deadline = time.time() + 10
    while time.time() < deadline and server.simulator.registry.get("second") is None:
        time.sleep(0.05)
    assert invoke(client, "second")[0] == {"version": 1}
    template.write_text(textwrap.dedent(TEMPLATE).replace("Timeout: 10", "Timeout: 20"))
    deadline = time.time() + 10
    while time.time() < deadline and server.simulator.registry.get("second") is not None:
        time.sleep(0.05)
    assert server.simulator.registry.get("second") is None
    assert client.get_function_configuration(FunctionName="hello")["Timeout"] == 20


def tiny_wheel(folder: Path) -> Path:
    """A hand-made wheel, so installing requirements needs no package index."""
    wheel = folder / "tinydep-1.0-py3-none-any.whl"
    info = "tinydep-1.0.dist-info"
    files = {
        "tinydep.py": "GREETING = 'from a dependency'\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n",
    }
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr(f"{info}/RECORD", "".join(f"{name},,\n" for name in files)
                         + f"{info}/RECORD,,\n")
    return wheel


def test_requirements_are_installed_on_the_path(tmp_path: Path) -> None:
    template = write_project(tmp_path / "project")
    wheel = tiny_wheel(tmp_path)
    (tmp_path / "project" / "hello" / "requirements.txt").write_text(f"{wheel}\n")
    (tmp_path / "project" / "hello" / "app.py").write_text(
        "import tinydep\ndef handler(event, context):\n    return tinydep.GREETING\n")
    with running_server(tmp_path / "state", "process") as server:
        server.simulator.load_template(template)
        client = lambda_client(server.url)
        assert invoke(client, "hello")[0] == "from a dependency"



def test_requirements_that_cannot_be_installed_fail_the_function_as_aws_does(
        tmp_path: Path) -> None:
    template = write_project(tmp_path / "project")
    (tmp_path / "project" / "hello" / "requirements.txt").write_text(
        "--no-index\nno-such-package-for-lambda-sim==1.0\n")
    with running_server(tmp_path / "state", "process") as server:
        server.simulator.load_template(template)
        client = lambda_client(server.url)

        configuration = client.get_function_configuration(FunctionName="hello")
        with pytest.raises(client.exceptions.ResourceConflictException) as refused:
            client.invoke(FunctionName="hello", Payload=b"{}")

    assert (configuration["State"], configuration["StateReasonCode"]) == (
        "Failed", "DependencyError")
    assert "no-such-package-for-lambda-sim" in configuration["StateReason"]
    assert "following state: Failed" in refused.value.response["Error"]["Message"]
