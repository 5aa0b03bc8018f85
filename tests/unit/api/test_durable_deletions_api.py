"""DeleteDurableExecution's route through a boto3 client whose requests the simulator's app
answers: the ARN (which holds slashes) travels percent-encoded in one path segment."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import ROLE, eventually, make_zip, unique_name


def durable_answer(event: Any, context: FakeContext) -> Any:
    return {"Status": "SUCCEEDED", "Result": json.dumps("done")}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": durable_answer}))
    yield simulator
    simulator.close()


def test_an_ended_execution_is_deleted(boto: Any) -> None:
    name = unique_name()
    boto.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                         Handler="app.handler", Code={"ZipFile": make_zip({"app.py": ""})},
                         DurableConfig={"ExecutionTimeout": 60})
    assert eventually(lambda: boto.get_function(FunctionName=name)["Configuration"]["State"]
                      == "Active")
    arn = boto.invoke(FunctionName=f"{name}:$LATEST", Payload=b"{}")["DurableExecutionArn"]

    deleted = boto.delete_durable_execution(DurableExecutionArn=arn)

    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert isinstance(deleted["DeletionRequestTimestamp"], datetime.datetime)
    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_durable_execution(DurableExecutionArn=arn)


def test_a_missing_execution_is_not_found(boto: Any) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST/durable-execution/a/b"

    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.delete_durable_execution(DurableExecutionArn=arn)
