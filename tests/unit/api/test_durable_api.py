"""The durable-execution routes through a boto3 client whose requests the simulator's app
answers: an invoke of a durable function starts an execution, and the execution's ARN (which
holds slashes) travels percent-encoded in one path segment, as botocore sends it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor
from tests.helpers import ROLE, eventually, make_zip, unique_name


def durable_answer(event: Any, context: FakeContext) -> Any:
    """What the SDK's decorator answers when the whole execution ran in one invocation."""
    operations = event["InitialExecutionState"]["Operations"]
    payload = json.loads(operations[0]["ExecutionDetails"]["InputPayload"])
    return {"Status": "SUCCEEDED", "Result": json.dumps({"doubled": payload["n"] * 2})}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({"app.handler": durable_answer}))
    yield simulator
    simulator.close()


def durable_function(boto: Any) -> str:
    name = unique_name()
    boto.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE,
                         Handler="app.handler", Code={"ZipFile": make_zip({"app.py": ""})},
                         DurableConfig={"ExecutionTimeout": 60})
    assert eventually(lambda: boto.get_function(FunctionName=name)["Configuration"]["State"]
                      == "Active")
    return name


def test_an_invoke_starts_an_execution_that_the_durable_routes_read(boto: Any) -> None:
    name = durable_function(boto)

    response = boto.invoke(FunctionName=f"{name}:$LATEST", Payload=b'{"n": 21}',
                           DurableExecutionName="twenty-one")

    assert json.loads(response["Payload"].read()) == {"doubled": 42}
    arn = response["DurableExecutionArn"]
    assert arn.endswith(f"function:{name}:$LATEST/durable-execution/twenty-one/"
                        + arn.rsplit("/", 1)[1])
    execution = boto.get_durable_execution(DurableExecutionArn=arn)
    assert (execution["Status"], json.loads(execution["Result"])) == ("SUCCEEDED",
                                                                      {"doubled": 42})
    events = boto.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
    assert [e["EventType"] for e in events][0] == "ExecutionStarted"
    listed = boto.list_durable_executions_by_function(FunctionName=name)["DurableExecutions"]
    assert [e["DurableExecutionArn"] for e in listed] == [arn]
    assert boto.get_function_configuration(FunctionName=name)["DurableConfig"] == {
        "ExecutionTimeout": 60, "RetentionPeriodInDays": 14}


def test_errors_carry_their_code(boto: Any) -> None:
    arn = "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST/durable-execution/a/b"

    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_durable_execution(DurableExecutionArn=arn)
    with pytest.raises(boto.exceptions.DurableExecutionAlreadyStartedException):
        name = durable_function(boto)
        boto.invoke(FunctionName=f"{name}:$LATEST", Payload=b'{"n": 1}',
                    DurableExecutionName="same")
        boto.invoke(FunctionName=f"{name}:$LATEST", Payload=b'{"n": 2}',
                    DurableExecutionName="same")


def test_a_durable_function_is_invoked_by_a_qualified_name_only(boto: Any) -> None:
    name = durable_function(boto)

    with pytest.raises(boto.exceptions.InvalidParameterValueException,
                       match="You cannot invoke a durable function using an unqualified ARN."):
        boto.invoke(FunctionName=name, Payload=b'{"n": 1}')


def test_a_streamed_invoke_answers_with_the_executions_result_in_one_chunk(boto: Any) -> None:
    name = durable_function(boto)

    response = boto.invoke_with_response_stream(FunctionName=f"{name}:$LATEST",
                                                Payload=b'{"n": 4}')

    events = list(response["EventStream"])
    chunks = [e["PayloadChunk"]["Payload"] for e in events if "PayloadChunk" in e]
    assert json.loads(b"".join(chunks)) == {"doubled": 8}
    assert events[-1] == {"InvokeComplete": {}}
