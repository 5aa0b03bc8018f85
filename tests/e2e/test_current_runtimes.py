"""The newest runtimes AWS offers, python3.14 and nodejs24.x, through boto3 on real containers
built offline: the handler runs on the interpreter of the declared version, and nodejs24.x
refuses a callback-style handler at init, as AWS's runtime does from Node.js 24 on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import docker
import pytest

from simulator.executors.image_builder import build_images
from simulator.http_server import SimulatorServer
from tests.conftest import require_docker
from tests.e2e.test_node_and_custom_runtimes import require_runtime
from tests.helpers import create_function, lambda_client, running_server

PYTHON_VERSION = """
import sys


def handler(event, context):
    return {"version": list(sys.version_info[:2]), "event": event}
"""

PYTHON_ERROR = """
def handler(event, context):
    raise ValueError("no good on 3.14")
"""

NODE_VERSION = """
exports.handler = async (event) => ({ version: process.version, event });
"""

NODE_CALLBACK = """
exports.handler = (event, context, callback) => callback(null, 'called back');
"""

NODE_STREAMING = """
exports.handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.end('streamed');
});
"""


@pytest.fixture(scope="module")
def docker_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    require_docker()
    with running_server(tmp_path_factory.mktemp("state-current-runtimes"), "docker",
                        docker_network="lambda-sim-test",
                        docker_network_internal=True) as server:
        yield server


@pytest.fixture
def client(docker_server: SimulatorServer) -> Any:
    return lambda_client(docker_server.url)


def invoke(client: Any, name: str, event: Any) -> tuple[dict[str, Any], Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(event))
    return response, json.loads(response["Payload"].read())


def test_a_python314_function_runs_on_python_3_14(
        client: Any, docker_server: SimulatorServer) -> None:
    require_runtime(docker_server, "python3.14")
    name = create_function(client, PYTHON_VERSION, Runtime="python3.14", Timeout=30)
    assert client.get_function_configuration(FunctionName=name)["Runtime"] == "python3.14"
    response, body = invoke(client, name, {"hello": "3.14"})
    assert "FunctionError" not in response
    assert body == {"version": [3, 14], "event": {"hello": "3.14"}}
    assert "runtime;dur=" in response["ResponseMetadata"]["HTTPHeaders"]["server-timing"]


def test_a_python314_error_has_aws_shape(client: Any, docker_server: SimulatorServer) -> None:
    require_runtime(docker_server, "python3.14")
    name = create_function(client, PYTHON_ERROR, Runtime="python3.14", Timeout=30)
    response, body = invoke(client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert (body["errorType"], body["errorMessage"]) == ("ValueError", "no good on 3.14")
    assert any('File "/var/task/app.py"' in line for line in body["stackTrace"])


def test_a_nodejs24_function_runs_on_node_24(
        client: Any, docker_server: SimulatorServer) -> None:
    require_runtime(docker_server, "nodejs24.x")
    name = create_function(client, {"index.js": NODE_VERSION}, Runtime="nodejs24.x",
                           Handler="index.handler", Timeout=30)
    response, body = invoke(client, name, {"hello": "24"})
    assert "FunctionError" not in response
    assert body["version"].startswith("v24.")
    assert body["event"] == {"hello": "24"}
    # The runtime says how long it held the invocation, for the server's own share.
    assert "runtime;dur=" in response["ResponseMetadata"]["HTTPHeaders"]["server-timing"]


def test_nodejs24_refuses_a_callback_handler_at_init(
        client: Any, docker_server: SimulatorServer) -> None:
    require_runtime(docker_server, "nodejs24.x")
    name = create_function(client, {"index.js": NODE_CALLBACK}, Runtime="nodejs24.x",
                           Handler="index.handler", Timeout=30)
    response, body = invoke(client, name, {})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.CallbackHandlerDeprecated"
    assert body["errorMessage"].startswith(
        "ERROR: AWS Lambda has removed support for callback-based function handlers starting "
        "with Node.js 24.")


def test_nodejs24_still_streams_from_a_three_parameter_streaming_handler(
        client: Any, docker_server: SimulatorServer) -> None:
    require_runtime(docker_server, "nodejs24.x")
    name = create_function(client, {"index.js": NODE_STREAMING}, Runtime="nodejs24.x",
                           Handler="index.handler", Timeout=30)
    response = client.invoke_with_response_stream(FunctionName=name, Payload=b"{}")
    chunks = [event["PayloadChunk"]["Payload"] for event in response["EventStream"]
              if "PayloadChunk" in event]
    assert b"".join(chunks) == b"streamed"


def test_the_new_images_rebuild_offline_as_no_ops(docker_server: SimulatorServer) -> None:
    for runtime in ("python3.14", "nodejs24.x"):
        require_runtime(docker_server, runtime)
    outcomes = build_images(docker.from_env(), ["python3.14", "nodejs24.x"], offline=True,
                            report=lambda line: None)
    assert [(outcome.runtime, outcome.status) for outcome in outcomes] == [
        ("python3.14", "unchanged"), ("nodejs24.x", "unchanged")]
