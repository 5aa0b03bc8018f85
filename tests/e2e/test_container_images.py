"""Container-image functions (PackageType Image) on the Docker executor: an image whose runtime
is the official `awslambdaric` from PyPI pulls its work from our Runtime API, unmodified."""

from __future__ import annotations

import base64
import json
import platform
import subprocess
import sys
import textwrap
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.helpers import ROLE, eventually, lambda_client, running_server, unique_name

IMAGE = "lambda-sim-test/awslambdaric-python:3.11"
IMAGE_V2 = "lambda-sim-test/awslambdaric-python:3.11-v2"
IMAGE_AWS_LAYOUT = "lambda-sim-test/awslambdaric-python:3.11-aws-layout"
BASE = "lambda-sim/base:bookworm"  # Debian's Python 3.11, built offline (simulator/images.py)

APP = """
import os

def handler(event, context):
    print("hello from the image")
    return {"version": 1, "cwd": os.getcwd(), "event": event,
            "greeting": os.environ.get("GREETING"), "uid": os.getuid(),
            "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")}
"""
ALT = """
import os

def handler(event, context):
    return {"module": "alt", "cwd": os.getcwd(), "greeting": os.environ.get("GREETING")}
"""
DOCKERFILE = """
FROM {base}
COPY site/ /usr/local/lib/python3.11/dist-packages/
COPY app.py /var/task/
COPY alt.py /var/alt/
WORKDIR /var/task
ENTRYPOINT ["python3", "-m", "awslambdaric"]
CMD ["app.handler"]
"""
DOCKERFILE_V2 = """
FROM {base}
RUN sed -i 's/"version": 1/"version": 2/' /var/task/app.py
"""
# The layout of AWS's base images (public.ecr.aws/lambda/python:3.x): /lambda-entrypoint.sh
# takes the handler from CMD into _HANDLER, then runs /var/runtime/bootstrap.
DOCKERFILE_AWS_LAYOUT = """
FROM {base}
COPY lambda-entrypoint.sh /lambda-entrypoint.sh
COPY bootstrap /var/runtime/bootstrap
RUN chmod 755 /lambda-entrypoint.sh /var/runtime/bootstrap
ENV LAMBDA_TASK_ROOT=/var/task LAMBDA_RUNTIME_DIR=/var/runtime
ENTRYPOINT ["/lambda-entrypoint.sh"]
CMD ["app.handler"]
"""
ENTRYPOINT_SCRIPT = """#!/bin/sh
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
exec /var/runtime/bootstrap
"""
BOOTSTRAP_SCRIPT = """#!/bin/sh
cd "$LAMBDA_TASK_ROOT"
exec python3 -m awslambdaric "$_HANDLER"
"""


def build(engine: docker.DockerClient, context: Path, tag: str, dockerfile: str,
          base: str) -> None:
    (context / "Dockerfile").write_text(textwrap.dedent(dockerfile.format(base=base)))
    try:
        engine.images.build(path=str(context), tag=tag, network_mode="none", rm=True,
                            forcerm=True)
    except docker.errors.BuildError as error:
        log = "".join(str(chunk.get("stream", "")) for chunk in error.build_log)
        pytest.fail(f"building {tag} failed: {error.msg}\n{log}")


@pytest.fixture(scope="module")
def engine() -> Iterator[docker.DockerClient]:
    require_docker()
    client = docker.from_env()
    yield client
    client.close()


@pytest.fixture(scope="module")
def images(engine: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[str, str]:
    """The test image, built from the offline Debian base with awslambdaric installed from
    PyPI (on the host, for the image's Python), and a second version of it."""
    context = tmp_path_factory.mktemp("image")
    machine = {"arm64": "aarch64", "amd64": "x86_64"}.get(platform.machine().lower(),
                                                          platform.machine().lower())
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--target", str(context / "site"),
         "--only-binary=:all:", "--platform", f"manylinux2014_{machine}",
         "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311",
         "awslambdaric"], capture_output=True, text=True)
    if installed.returncode != 0:
        pytest.fail(f"pip could not fetch awslambdaric:\n{installed.stderr[-2000:]}")
    (context / "app.py").write_text(textwrap.dedent(APP))
    (context / "alt.py").write_text(textwrap.dedent(ALT))
    build(engine, context, IMAGE, DOCKERFILE, BASE)
    build(engine, context, IMAGE_V2, DOCKERFILE_V2, IMAGE)
    (context / "lambda-entrypoint.sh").write_text(ENTRYPOINT_SCRIPT)
    (context / "bootstrap").write_text(BOOTSTRAP_SCRIPT)
    build(engine, context, IMAGE_AWS_LAYOUT, DOCKERFILE_AWS_LAYOUT, IMAGE)
    return IMAGE, IMAGE_V2


@pytest.fixture(scope="module")
def docker_server(images: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[SimulatorServer]:
    state_dir = tmp_path_factory.mktemp("state-images")
    with running_server(state_dir, "docker", docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        yield server


@pytest.fixture
def client(docker_server: SimulatorServer) -> Any:
    return lambda_client(docker_server.url)


def function_log(client: Any, name: str) -> str:
    with urllib.request.urlopen(f"{client.meta.endpoint_url}/_simulator/logs/{name}",
                                timeout=10) as answer:
        return "".join(event["message"] for event in json.load(answer)["events"])


def create_image_function(client: Any, image: str, **settings: Any) -> str:
    name = unique_name("img")
    client.create_function(FunctionName=name, Role=ROLE, PackageType="Image",
                           Code={"ImageUri": image}, **settings)
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    return name


def invoke(client: Any, name: str, event: Any = None, **options: Any) -> tuple[Any, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(event or {}), **options)
    return response, json.loads(response["Payload"].read())


def test_an_awslambdaric_image_runs_and_logs_like_aws(client: Any) -> None:
    """The image's runtime writes no end-of-invocation marker, so a line printed just before
    the answer may reach the log after END: it is looked for in the function's log, not in
    this invocation's tail."""
    name = create_image_function(client, IMAGE)

    response, body = invoke(client, name, {"n": 1}, LogType="Tail")

    assert "FunctionError" not in response
    assert body["event"] == {"n": 1}
    assert (body["version"], body["cwd"], body["function"]) == (1, "/var/task", name)
    assert body["uid"] != 0
    tail = base64.b64decode(response["LogResult"]).decode()
    assert eventually(lambda: "hello from the image" in function_log(client, name), timeout=10)
    assert "START RequestId:" in tail and "END RequestId:" in tail
    assert "REPORT RequestId:" in tail and "Init Duration" in tail
    _, warm = invoke(client, name, {"n": 2})
    assert warm["event"] == {"n": 2}


def test_an_image_laid_out_like_aws_base_images_runs_its_cmd_handler(client: Any) -> None:
    name = create_image_function(client, IMAGE_AWS_LAYOUT)

    response, body = invoke(client, name, {"n": 3})

    assert "FunctionError" not in response
    assert (body["event"], body["cwd"]) == ({"n": 3}, "/var/task")


def test_a_handler_that_cannot_be_imported_fails_as_on_aws(client: Any) -> None:
    name = create_image_function(client, IMAGE, ImageConfig={"Command": ["missing.handler"]})

    response, body = invoke(client, name)

    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'missing'" in body["errorMessage"]


def test_get_function_describes_the_image(client: Any, engine: docker.DockerClient) -> None:
    name = create_image_function(client, IMAGE,
                                 ImageConfig={"Command": ["alt.handler"],
                                              "WorkingDirectory": "/var/alt"})

    function = client.get_function(FunctionName=name)

    digest = engine.images.get(IMAGE).id.removeprefix("sha256:")
    assert function["Code"] == {
        "RepositoryType": "ECR", "ImageUri": IMAGE,
        "ResolvedImageUri": f"lambda-sim-test/awslambdaric-python@sha256:{digest}"}
    config = function["Configuration"]
    assert config["PackageType"] == "Image"
    assert "Runtime" not in config and "Handler" not in config
    assert config["CodeSha256"] == digest
    assert config["ImageConfigResponse"] == {
        "ImageConfig": {"Command": ["alt.handler"], "WorkingDirectory": "/var/alt"}}


def test_image_config_overrides_entrypoint_command_and_working_directory(client: Any) -> None:
    name = create_image_function(client, IMAGE, ImageConfig={
        "EntryPoint": ["/usr/bin/env", "GREETING=hi", "python3", "-m", "awslambdaric"],
        "Command": ["alt.handler"],
        "WorkingDirectory": "/var/alt",
    })

    _, body = invoke(client, name)

    assert body == {"module": "alt", "cwd": "/var/alt", "greeting": "hi"}


def test_update_function_code_moves_to_another_image(client: Any) -> None:
    name = create_image_function(client, IMAGE)
    assert invoke(client, name)[1]["version"] == 1

    updated = client.update_function_code(FunctionName=name, ImageUri=IMAGE_V2)
    client.get_waiter("function_updated_v2").wait(FunctionName=name)

    assert updated["PackageType"] == "Image"
    assert client.get_function(FunctionName=name)["Code"]["ImageUri"] == IMAGE_V2
    assert invoke(client, name)[1]["version"] == 2


def test_image_config_updates_and_published_versions_keep_their_image(client: Any) -> None:
    name = create_image_function(client, IMAGE)
    version = client.publish_version(FunctionName=name)["Version"]

    client.update_function_configuration(FunctionName=name, ImageConfig={
        "Command": ["alt.handler"], "WorkingDirectory": "/var/alt"})
    client.get_waiter("function_updated_v2").wait(FunctionName=name)

    assert invoke(client, name)[1]["module"] == "alt"
    published = client.invoke(FunctionName=name, Qualifier=version)
    assert json.loads(published["Payload"].read())["version"] == 1
    assert client.get_function(FunctionName=name, Qualifier=version)["Code"]["ImageUri"] == IMAGE


def test_a_missing_image_is_refused_at_create(client: Any) -> None:
    missing = "lambda-sim-test/no-such-image:latest"
    with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
        client.create_function(FunctionName=unique_name(), Role=ROLE, PackageType="Image",
                               Code={"ImageUri": missing})
    assert caught.value.response["Error"]["Message"] == (
        f"Source image {missing} does not exist. Provide a valid source image.")


def test_an_image_removed_after_create_fails_the_invoke_with_the_reason(
        client: Any, engine: docker.DockerClient, tmp_path: Path) -> None:
    doomed = "lambda-sim-test/awslambdaric-python:doomed"
    (tmp_path / "Dockerfile").write_text(f"FROM {IMAGE}\nLABEL doomed=yes\n")
    engine.images.build(path=str(tmp_path), tag=doomed, network_mode="none", rm=True)
    name = create_image_function(client, doomed)
    engine.images.remove(doomed, force=True)

    with pytest.raises(client.exceptions.ServiceException) as caught:
        client.invoke(FunctionName=name)

    assert "is not in the Docker engine" in caught.value.response["Error"]["Message"]


def test_an_entrypoint_that_cannot_start_fails_the_invoke_and_leaves_nothing_behind(
        client: Any, engine: docker.DockerClient) -> None:
    """The container's init starts, and cannot run the entry point: the runtime exits before
    it ever asks for work, which the caller gets as the function's failure."""
    name = create_image_function(client, IMAGE, ImageConfig={"EntryPoint": ["/no/such/file"]})

    response = client.invoke(FunctionName=name)
    error = json.loads(response["Payload"].read())
    assert response["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError", error
    assert eventually(lambda: engine.containers.list(
        all=True, filters={"label": f"lambda-sim.function={name}"}) == [], timeout=10)


@pytest.mark.parametrize(("settings", "message"), [
    ({"Runtime": "python3.11", "Handler": "app.handler"},
     "Please don't provide Handler or Runtime or Layer when the intended function "
     "PackageType is Image."),
    ({"Code": {}}, "Please provide ImageUri when the intended function PackageType is Image."),
])
def test_image_functions_are_validated_as_aws_does(client: Any, settings: dict[str, Any],
                                                    message: str) -> None:
    request = {"FunctionName": unique_name(), "Role": ROLE, "PackageType": "Image",
               "Code": {"ImageUri": IMAGE}, **settings}
    with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
        client.create_function(**request)
    assert caught.value.response["Error"]["Message"] == message


def test_the_process_executor_refuses_images_with_the_reason(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process") as server:
        client = lambda_client(server.url)
        name = create_image_function(client, IMAGE)
        with pytest.raises(client.exceptions.ServiceException) as caught:
            client.invoke(FunctionName=name)
    assert "cannot run container images" in caught.value.response["Error"]["Message"]
    assert "Docker" in caught.value.response["Error"]["Message"]
