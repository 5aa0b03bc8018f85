"""InvokeWithResponseStream through a boto3 client whose requests the simulator's own app
answers (no network), functions running on the fake executor: streamed chunks, a buffered
answer as one chunk, errors midway and before, the log tail, DryRun and the refusals."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeContext, FakeExecutor, Streamed
from tests.helpers import ROLE, make_zip, unique_name

FAILURE = {"errorType": "Error", "errorMessage": "broke midway", "trace": []}


def streams(event: Any, context: FakeContext) -> Streamed:
    context.print("streaming")
    error = ("Error", FAILURE) if event.get("fail") else None
    return Streamed(iter([b"one ", b"two ", b"three"]), "text/plain", error)


def stalls(event: Any, context: FakeContext) -> Streamed:
    def chunks() -> Iterator[bytes]:
        yield b"started"
        time.sleep(3)  # past the function's timeout
        yield b"never sent"
    return Streamed(chunks())


def returns(event: Any, context: FakeContext) -> Any:
    return {"whole": True}


def raises(event: Any, context: FakeContext) -> Any:
    raise ValueError("the handler failed")


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({
        "app.streams": streams, "app.stalls": stalls, "app.returns": returns,
        "app.raises": raises}))
    yield simulator
    simulator.close()


def create(boto: Any, handler: str, timeout: int = 3) -> str:
    name = unique_name()
    boto.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler=handler,
                         Timeout=timeout,
                         Code={"ZipFile": make_zip({"app.py": "# runs on the fake\n"})})
    return name


def events(response: dict[str, Any]) -> list[dict[str, Any]]:
    return list(response["EventStream"])


def test_each_chunk_is_a_payload_chunk_then_the_stream_completes(boto: Any) -> None:
    name = create(boto, "app.streams")

    response = boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}")

    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert response["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    assert events(response) == [{"PayloadChunk": {"Payload": b"one "}},
                                {"PayloadChunk": {"Payload": b"two "}},
                                {"PayloadChunk": {"Payload": b"three"}},
                                {"InvokeComplete": {}}]


def test_a_function_that_does_not_stream_answers_in_one_chunk(boto: Any) -> None:
    name = create(boto, "app.returns")

    response = boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}")

    assert events(response) == [{"PayloadChunk": {"Payload": b'{"whole": true}'}},
                                {"InvokeComplete": {}}]


def test_an_error_midway_ends_the_stream_with_its_code_and_details(boto: Any) -> None:
    name = create(boto, "app.streams")

    response = boto.invoke_with_response_stream(FunctionName=name, Payload=b'{"fail": true}')

    *chunks, complete = events(response)
    assert [chunk["PayloadChunk"]["Payload"] for chunk in chunks] == [b"one ", b"two ", b"three"]
    assert complete["InvokeComplete"]["ErrorCode"] == "Error"
    assert json.loads(complete["InvokeComplete"]["ErrorDetails"]) == FAILURE


def test_an_error_before_any_chunk_completes_the_stream_with_no_payload(boto: Any) -> None:
    name = create(boto, "app.raises")

    [complete] = events(boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}"))

    assert complete["InvokeComplete"]["ErrorCode"] == "Unhandled"
    assert json.loads(complete["InvokeComplete"]["ErrorDetails"])["errorMessage"] == (
        "the handler failed")


def test_a_stream_past_the_timeout_ends_as_timed_out(boto: Any) -> None:
    name = create(boto, "app.stalls", timeout=1)

    chunk, complete = events(boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}"))

    assert chunk == {"PayloadChunk": {"Payload": b"started"}}
    assert complete["InvokeComplete"]["ErrorCode"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in complete["InvokeComplete"]["ErrorDetails"]


def test_log_type_tail_puts_the_log_in_invoke_complete(boto: Any) -> None:
    name = create(boto, "app.streams")

    *_, complete = events(boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}",
                                                           LogType="Tail"))

    log = base64.b64decode(complete["InvokeComplete"]["LogResult"]).decode()
    assert log.startswith("START RequestId: ")
    assert "streaming\n" in log and "\nREPORT RequestId: " in log


def test_a_dry_run_runs_nothing(boto: Any) -> None:
    name = create(boto, "app.streams")

    response = boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}",
                                                InvocationType="DryRun")

    assert response["StatusCode"] == 204
    assert events(response) == []


@pytest.mark.parametrize(("options", "code", "message"), [
    ({"InvocationType": "Event"}, "ValidationException",
     "1 validation error detected: Value 'Event' at 'invocationType' failed to satisfy "
     "constraint: Member must satisfy enum value set: [RequestResponse, DryRun]"),
    ({"Payload": b"not json"}, "InvalidRequestContentException", None),
])
def test_a_request_aws_refuses_is_refused_before_anything_runs(
        boto: Any, options: dict[str, Any], code: str, message: str | None) -> None:
    name = create(boto, "app.streams")

    with pytest.raises(ClientError) as raised:
        boto.invoke_with_response_stream(FunctionName=name, **{"Payload": b"{}", **options})

    assert raised.value.response["Error"]["Code"] == code
    if message is not None:
        assert raised.value.response["Error"]["Message"] == message


def test_a_throttled_invoke_is_a_429_not_a_stream(boto: Any) -> None:
    name = create(boto, "app.streams")
    boto.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)

    with pytest.raises(ClientError) as raised:
        boto.invoke_with_response_stream(FunctionName=name, Payload=b"{}")

    assert raised.value.response["Error"]["Code"] == "TooManyRequestsException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429


def test_an_unknown_function_is_not_found(boto: Any) -> None:
    with pytest.raises(ClientError) as raised:
        boto.invoke_with_response_stream(FunctionName=unique_name(), Payload=b"{}")

    assert raised.value.response["Error"]["Code"] == "ResourceNotFoundException"
