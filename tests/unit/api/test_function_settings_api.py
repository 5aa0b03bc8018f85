"""The routes of recursion and runtime management configurations, through Flask's test
client on the simulator's app and through a boto3 client whose requests it answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.unit.api.created import create

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"
RUNTIME = "arn:aws:lambda:us-east-1::runtime:0b8ec1b6f9d2e0d3e8c0a3e5b7f3c0d4"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def test_boto3_reads_and_sets_the_recursion_config(client: FlaskClient, boto: Any) -> None:
    name = create(client)

    default = boto.get_function_recursion_config(FunctionName=name)
    put = boto.put_function_recursion_config(FunctionName=name, RecursiveLoop="Allow")

    assert default["RecursiveLoop"] == "Terminate"
    assert put["RecursiveLoop"] == "Allow"
    assert boto.get_function_recursion_config(FunctionName=name)["RecursiveLoop"] == "Allow"


def test_an_unknown_value_is_a_validation_error(client: FlaskClient) -> None:
    name = create(client)

    response = client.put(f"/2024-08-31/functions/{name}/recursion-config",
                          json={"RecursiveLoop": "Sometimes"})

    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"


def test_boto3_reads_and_sets_runtime_management_per_qualifier(
        client: FlaskClient, boto: Any) -> None:
    name = create(client)

    default = boto.get_runtime_management_config(FunctionName=name)
    put = boto.put_runtime_management_config(FunctionName=name, Qualifier="$LATEST",
                                             UpdateRuntimeOn="Manual",
                                             RuntimeVersionArn=RUNTIME)

    assert (default["UpdateRuntimeOn"], default["FunctionArn"]) == ("Auto", ARN + name)
    assert put["FunctionArn"] == f"{ARN}{name}:$LATEST"
    assert boto.get_runtime_management_config(FunctionName=name)["RuntimeVersionArn"] == RUNTIME


def test_manual_without_a_version_is_refused(client: FlaskClient, boto: Any) -> None:
    name = create(client)

    with pytest.raises(boto.exceptions.InvalidParameterValueException):
        boto.put_runtime_management_config(FunctionName=name, UpdateRuntimeOn="Manual")
