"""InvokeAsync's route: the event is queued as an Event invoke queues it, the answer is 202
with that status in the body, and the function runs with the event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import eventually
from tests.unit.api.created import create

RECEIVED: list[Any] = []


def remember(event: Any, context: FakeContext) -> Any:
    RECEIVED.append(event)
    return None


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": remember}))
    yield simulator
    simulator.close()


def test_boto3_invokes_asynchronously_and_the_function_runs(client: FlaskClient,
                                                            boto: Any) -> None:
    name = create(client)

    answer = boto.invoke_async(FunctionName=name, InvokeArgs=json.dumps({"order": 7}))

    assert answer["Status"] == 202
    assert eventually(lambda: {"order": 7} in RECEIVED, timeout=10)


def test_the_trailing_slash_of_the_modeled_path_is_served(client: FlaskClient) -> None:
    name = create(client)

    response = client.post(f"/2014-11-13/functions/{name}/invoke-async/", data=b'{"n": 1}')

    assert response.status_code == 202 and response.get_json() == {"Status": 202}


def test_a_missing_function_is_not_found(client: FlaskClient) -> None:
    response = client.post("/2014-11-13/functions/nope/invoke-async", data=b"{}")

    assert response.status_code == 404
    assert response.headers["x-amzn-errortype"] == "ResourceNotFoundException"
