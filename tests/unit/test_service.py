"""The Lambda service behind the API: control-plane operations and the checks and shapes of
invoke, with functions run by the fake executor."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import (
    InvalidParameterValueException,
    InvalidRequestContentException,
    PreconditionFailedException,
    RequestEntityTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations, _resolved_image_uri
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import MAX_ASYNC_PAYLOAD, MAX_SYNC_PAYLOAD, Invoker
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, eventually, make_zip

ARN = "arn:aws:lambda:us-east-1:000000000000:function:fn"


def zip_of(source: str) -> str:
    return base64.b64encode(make_zip({"app.py": source})).decode()


def echo(event: Any, context: FakeContext) -> Any:
    context.print("got", json.dumps(event))
    return event


@pytest.fixture
def executor() -> FakeExecutor:
    return FakeExecutor({"app.handler": echo})


@pytest.fixture
def pool(executor: FakeExecutor) -> Iterator[EnvironmentPool]:
    environments = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), environments.owner_of
        ),
        emit_log=LogStore().append,
        region="us-east-1",
        limits=PoolLimits(),
    )
    yield environments
    environments.shutdown()


@dataclass
class LambdaService:
    """The control plane and the data plane, as the simulator composes them."""

    functions: FunctionOperations
    invoker: Invoker


@pytest.fixture
def service(tmp_path: Path, pool: EnvironmentPool) -> Iterator[LambdaService]:
    """The service as the simulator composes it, without the HTTP app and event sources."""
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path)
    registry = FunctionRegistry(tmp_path / "functions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool,
                                   VersionStore(tmp_path / "versions.db"))
    invoker = Invoker(settings, functions, pool)
    yield LambdaService(functions, invoker)
    invoker.shutdown()
    registry.close()


def create(service: LambdaService, name: str = "fn", **fields: Any) -> dict[str, Any]:
    body = {"FunctionName": name, "Runtime": "python3.12", "Role": ROLE,
            "Handler": "app.handler", "Code": {"ZipFile": zip_of("# first\n")}, **fields}
    return service.functions.create_function(body)


# -- create, get, list ------------------------------------------------------------------------


def test_create_answers_pending_and_get_shows_the_function_active(service: LambdaService) -> None:
    created = create(service, Timeout=7)

    found = service.functions.get_function("fn")

    assert created["State"] == "Pending"
    assert created["FunctionArn"] == ARN
    assert found["Configuration"]["State"] == "Active"
    assert found["Configuration"]["Timeout"] == 7
    assert found["Configuration"]["RevisionId"] == created["RevisionId"]
    assert found["Code"]["Location"].endswith("/_simulator/code/fn.zip")
    assert service.functions.get_function_configuration(ARN) == found["Configuration"]


def test_create_with_a_taken_name_conflicts(service: LambdaService) -> None:
    create(service)

    with pytest.raises(ResourceConflictException):
        create(service)


def test_get_of_an_unknown_function_is_not_found(service: LambdaService) -> None:
    with pytest.raises(ResourceNotFoundException) as missing:
        service.functions.get_function("nope")

    assert missing.value.status == 404


def test_list_pages_in_name_order_by_marker_and_max_items(service: LambdaService) -> None:
    for name in ["fn-3", "fn-0", "fn-4", "fn-1", "fn-2"]:
        create(service, name)

    pages: list[list[str]] = []
    marker = None
    while True:
        page = service.functions.list_functions(marker, "2")
        pages.append([function["FunctionName"] for function in page["Functions"]])
        marker = page.get("NextMarker")
        if marker is None:
            break

    assert pages == [["fn-0", "fn-1"], ["fn-2", "fn-3"], ["fn-4"]]
    everything = service.functions.list_functions(None, None)
    assert len(everything["Functions"]) == 5 and "NextMarker" not in everything


# -- update and delete ------------------------------------------------------------------------


def test_update_code_bumps_the_revision_and_retires_warm_environments(
    pool: EnvironmentPool, service: LambdaService
) -> None:
    created = create(service)
    service.invoker.invoke("fn", None, b"{}")
    [warm] = pool.live_environments()

    updated = service.functions.update_function_code("fn", {"ZipFile": zip_of("# second\n")})

    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] != created["CodeSha256"]
    configuration = service.functions.get_function("fn")["Configuration"]
    assert configuration["RevisionId"] == updated["RevisionId"]
    assert eventually(lambda: not warm.alive)
    after = service.invoker.invoke("fn", None, b"{}")
    assert after.result is not None and after.result.cold


def test_update_configuration_bumps_the_revision_and_runs_the_new_settings(
    service: LambdaService, executor: FakeExecutor
) -> None:
    executor.handlers["app.other"] = lambda event, context: "other"
    created = create(service)
    service.invoker.invoke("fn", None, b"{}")

    updated = service.functions.update_function_configuration("fn", {"Handler": "app.other"})

    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["Handler"] == "app.other"
    assert service.invoker.invoke("fn", None, b"{}").payload == b'"other"'


def test_update_with_a_stale_revision_id_is_refused(service: LambdaService) -> None:
    created = create(service)
    service.functions.update_function_configuration("fn", {"Description": "second"})

    with pytest.raises(PreconditionFailedException):
        service.functions.update_function_configuration(
            "fn", {"Description": "third", "RevisionId": created["RevisionId"]}
        )


def test_delete_removes_the_function_and_stops_its_environments(
    pool: EnvironmentPool, service: LambdaService
) -> None:
    create(service)
    service.invoker.invoke("fn", None, b"{}")
    [warm] = pool.live_environments()

    service.functions.delete_function("fn")

    with pytest.raises(ResourceNotFoundException):
        service.functions.get_function("fn")
    with pytest.raises(ResourceNotFoundException):
        service.invoker.invoke("fn", None, b"{}")
    with pytest.raises(ResourceNotFoundException):
        service.functions.delete_function("fn")
    assert eventually(lambda: not warm.alive)


def test_delete_of_a_version_that_does_not_exist_keeps_the_function(
    service: LambdaService,
) -> None:
    create(service)

    with pytest.raises(ResourceNotFoundException):
        service.functions.delete_function("fn", "1")

    assert service.functions.get_function("fn")["Configuration"]["FunctionName"] == "fn"


# -- reserved concurrency ---------------------------------------------------------------------


def test_concurrency_is_put_read_and_deleted(service: LambdaService) -> None:
    create(service)

    put = service.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": 10})

    assert put == {"ReservedConcurrentExecutions": 10}
    assert service.functions.get_function_concurrency("fn") == put
    assert service.functions.get_function("fn")["Concurrency"] == put
    service.functions.delete_function_concurrency("fn")
    assert service.functions.get_function_concurrency("fn") == {}
    assert "Concurrency" not in service.functions.get_function("fn")


def test_reservations_must_leave_100_unreserved(service: LambdaService) -> None:
    create(service, "first")
    create(service, "second")
    service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 900})

    with pytest.raises(InvalidParameterValueException) as refused:
        service.functions.put_function_concurrency("second", {"ReservedConcurrentExecutions": 1})

    assert "minimum value of [100]" in refused.value.message
    service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 900})
    with pytest.raises(InvalidParameterValueException):
        service.functions.put_function_concurrency("first", {"ReservedConcurrentExecutions": 901})


@pytest.mark.parametrize("reserved", [-1, "5", 2.5, True, None])
def test_concurrency_must_be_a_non_negative_integer(service: LambdaService, reserved: Any) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.functions.put_function_concurrency("fn", {"ReservedConcurrentExecutions": reserved})


# -- invocation types -------------------------------------------------------------------------


def test_request_response_answers_200_with_the_result(service: LambdaService) -> None:
    create(service)

    outcome = service.invoker.invoke("fn", None, b'{"key": "value"}')

    assert outcome.status == 200
    assert json.loads(outcome.payload) == {"key": "value"}
    assert outcome.function_error is None
    assert outcome.executed_version == "$LATEST"
    assert outcome.log_result is None


def test_a_handler_exception_answers_200_with_an_unhandled_function_error(
    service: LambdaService, executor: FakeExecutor
) -> None:
    def fail(event: Any, context: FakeContext) -> None:
        raise ValueError("no good")

    executor.handlers["app.fail"] = fail
    create(service, Handler="app.fail")

    outcome = service.invoker.invoke("fn", None, b"{}")

    assert outcome.status == 200
    assert outcome.function_error == "Unhandled"
    assert json.loads(outcome.payload)["errorType"] == "ValueError"


def test_event_answers_202_and_runs_in_the_background(
    service: LambdaService, executor: FakeExecutor
) -> None:
    received: list[Any] = []
    ran = threading.Event()

    def record(event: Any, context: FakeContext) -> None:
        received.append(event)
        ran.set()

    executor.handlers["app.record"] = record
    create(service, Handler="app.record")

    outcome = service.invoker.invoke("fn", None, b'{"n": 1}', invocation_type="Event")

    assert outcome.status == 202 and outcome.payload == b""
    assert ran.wait(5)
    assert received == [{"n": 1}]


def test_dry_run_answers_204_and_runs_nothing(
    pool: EnvironmentPool, service: LambdaService, executor: FakeExecutor
) -> None:
    create(service)

    outcome = service.invoker.invoke("fn", None, b"{}", invocation_type="DryRun")

    assert outcome.status == 204
    assert executor.launches == 0
    assert pool.live_environments() == []


def test_an_unknown_invocation_type_is_refused(service: LambdaService) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.invoker.invoke("fn", None, b"{}", invocation_type="Later")


# -- payloads ---------------------------------------------------------------------------------


def json_string_of_size(size: int) -> bytes:
    return b'"' + b"x" * (size - 2) + b'"'


LIMITS = [("RequestResponse", MAX_SYNC_PAYLOAD), ("Event", MAX_ASYNC_PAYLOAD)]


def test_a_6_mb_payload_runs_synchronously(service: LambdaService, executor: FakeExecutor) -> None:
    executor.handlers["app.size"] = lambda event, context: len(event)
    create(service, Handler="app.size")

    outcome = service.invoker.invoke("fn", None, json_string_of_size(MAX_SYNC_PAYLOAD))

    assert outcome.payload == str(MAX_SYNC_PAYLOAD - 2).encode()


def test_a_1_mb_event_is_accepted(service: LambdaService) -> None:
    create(service)

    payload = json_string_of_size(MAX_ASYNC_PAYLOAD)

    assert service.invoker.invoke("fn", None, payload, invocation_type="Event").status == 202


@pytest.mark.parametrize(("invocation_type", "limit"), LIMITS)
def test_a_payload_over_the_limit_is_too_large(
    service: LambdaService, invocation_type: str, limit: int
) -> None:
    create(service)

    with pytest.raises(RequestEntityTooLargeException) as refused:
        service.invoker.invoke("fn", None, json_string_of_size(limit + 1),
                       invocation_type=invocation_type)

    assert refused.value.status == 413


@pytest.mark.parametrize("payload", [b"{not json", b'{"a": 1', b"\xff\xfe"])
def test_a_payload_that_is_not_json_is_refused(service: LambdaService, payload: bytes) -> None:
    create(service)

    with pytest.raises(InvalidRequestContentException):
        service.invoker.invoke("fn", None, payload)


@pytest.mark.parametrize("payload", [b"", b"  \n"])
def test_an_empty_payload_arrives_as_an_empty_object(
    service: LambdaService, payload: bytes
) -> None:
    create(service)

    assert service.invoker.invoke("fn", None, payload).payload == b"{}"


def test_client_context_reaches_the_handler_decoded(
    service: LambdaService, executor: FakeExecutor
) -> None:
    executor.handlers["app.context"] = lambda event, context: context.client_context
    create(service, Handler="app.context")
    context = {"custom": {"tenant": "a"}, "env": {}, "client": {}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()

    outcome = service.invoker.invoke("fn", None, b"{}", client_context=encoded)

    assert json.loads(outcome.payload) == context


@pytest.mark.parametrize(
    "client_context",
    ["not base64!", base64.b64encode(b"not json").decode(), base64.b64encode(b"\xff").decode()],
)
def test_a_client_context_that_is_not_base64_json_is_refused(
    service: LambdaService, client_context: str
) -> None:
    create(service)

    with pytest.raises(InvalidRequestContentException):
        service.invoker.invoke("fn", None, b"{}", client_context=client_context)


# -- qualifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "qualifier"),
    [("fn", "$LATEST"), ("fn:$LATEST", None), ("fn:$LATEST", "$LATEST"), (ARN, None)],
)
def test_latest_can_be_named_every_way(
    service: LambdaService, reference: str, qualifier: str | None
) -> None:
    create(service)

    assert service.invoker.invoke(reference, qualifier, b"{}").status == 200


@pytest.mark.parametrize(("reference", "qualifier"), [("fn", "1"), ("fn", "prod"), ("fn:1", None)])
def test_a_qualifier_other_than_latest_is_not_found(
    service: LambdaService, reference: str, qualifier: str | None
) -> None:
    create(service)

    with pytest.raises(ResourceNotFoundException):
        service.invoker.invoke(reference, qualifier, b"{}")


@pytest.mark.parametrize(("reference", "qualifier"), [("fn:$LATEST", "1"), ("fn:1", "2")])
def test_a_qualifier_that_contradicts_the_name_is_invalid(
    service: LambdaService, reference: str, qualifier: str
) -> None:
    create(service)

    with pytest.raises(InvalidParameterValueException):
        service.invoker.invoke(reference, qualifier, b"{}")


# -- logs -------------------------------------------------------------------------------------


def test_log_type_tail_returns_the_invocation_log(
    service: LambdaService, executor: FakeExecutor
) -> None:
    def named(event: Any, context: FakeContext) -> str:
        context.print("hello from the handler")
        return context.aws_request_id

    executor.handlers["app.named"] = named
    create(service, Handler="app.named")

    outcome = service.invoker.invoke("fn", None, b"{}", log_type="Tail")

    assert outcome.log_result is not None
    request_id = json.loads(outcome.payload)
    lines = base64.b64decode(outcome.log_result).decode().splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert lines[1] == "hello from the handler"
    assert lines[2] == f"END RequestId: {request_id}"
    assert re.fullmatch(
        rf"REPORT RequestId: {request_id}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\t"
        r"Memory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t",
        lines[3],
    )
    assert len(lines) == 4


@pytest.mark.parametrize(("uri", "resolved"), [
    ("app", "app@sha256:ab"),
    ("app:1", "app@sha256:ab"),
    ("localhost:5000/team/app:1", "localhost:5000/team/app@sha256:ab"),
    ("localhost:5000/team/app", "localhost:5000/team/app@sha256:ab"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ff",
     "123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:ab"),
])
def test_resolved_image_uri_names_the_repository_at_the_resolved_digest(
        uri: str, resolved: str) -> None:
    assert _resolved_image_uri(uri, "ab") == resolved
