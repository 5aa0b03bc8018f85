"""Durable functions end to end, through boto3: handlers written with AWS's durable execution SDK
(`tests/durable_handlers/`, unmodified, the SDK in a layer) run on each executor, and what the
simulator reports of them (GetDurableExecution, GetDurableExecutionHistory) is compared with
what AWS's testing SDK's in-process local runner (`DurableFunctionTestRunner`) produces for the
same handler, input and callback answers. Also: the durable-execution operations around them
(list, stop, callback failure and heartbeat), real time versus skipped time, an execution that
outlives a restart, and `DurableConfig` on the function with AWS's validation.

Durable functions are invoked qualified (`$LATEST` here): AWS refuses an unqualified invoke."""

from __future__ import annotations

import importlib
import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner
from botocore.exceptions import ClientError, EndpointConnectionError

from simulator.http_server import SimulatorServer
from tests.conftest import EXECUTORS, require_docker
from tests.durable_bundle import publish_layer
from tests.helpers import create_function, lambda_client, running_server, unique_name

HANDLERS = Path(__file__).resolve().parent.parent / "durable_handlers"
DURABLE_CONFIG = {"ExecutionTimeout": 3600, "RetentionPeriodInDays": 1}
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED")
LATEST = "$LATEST"
SECOND_CALLBACK = "second_approval create callback id"  # what wait_for_callback names its own
APPROVED = {"approved": True}


# --- The normalised view compared between the simulator and the local runner ----------------

OPERATION_TYPES = (("ChainedInvoke", "CHAINED_INVOKE"), ("Execution", "EXECUTION"),
                   ("Context", "CONTEXT"), ("Callback", "CALLBACK"), ("Step", "STEP"),
                   ("Wait", "WAIT"))
CONCURRENT = ("Map", "Parallel")  # contexts whose children may start in any order


def operation_view(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What an execution's history says the handler did, in a form two runs of the same handler
    share whoever ran them, AWS's local runner or the simulator: a tree of operations, each
    with its type, subtype and name, the history events it went through in order (with the
    facts the handler decided: a step's attempt and retry delay, a wait's duration, a
    callback's timeouts, the execution's timeout), its result (parsed JSON: a step's is in the
    SDK's own serialisation) or error (type and message), and the operations started inside
    it, in the order the handler started them.

    Left out, because they differ between two correct runs: ids (operation, event, callback,
    execution ARN), timestamps, the execution's own name, `Truncated` flags, error data and
    stack traces, and InvocationCompleted events (how many invocations served an execution
    is the service's affair: a replay may come sooner or later). The children of a Map or
    Parallel context are sorted by name, since their branches run concurrently."""
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for event in events:
        kind = event["EventType"]
        if kind == "InvocationCompleted":
            continue
        operation_type = next(name for prefix, name in OPERATION_TYPES if kind.startswith(prefix))
        node = nodes.get(event["Id"])
        if node is None:
            node = nodes[event["Id"]] = {
                "type": operation_type, "sub_type": event.get("SubType"),
                "name": None if operation_type == "EXECUTION" else event.get("Name"),
                "events": [], "result": None, "error": None, "children": []}
            parent = nodes.get(event.get("ParentId") or "")
            (parent["children"] if parent else roots).append(node)
        details: Mapping[str, Any] = next(
            (value for key, value in event.items() if key.endswith("Details")), {})
        node["events"].append(_event_facts(kind, details))
        if "Result" in details:
            node["result"] = _parsed(details["Result"].get("Payload"))
        if "Error" in details:
            error = details["Error"].get("Payload") or {}
            node["error"] = (error.get("ErrorType"), error.get("ErrorMessage"))
        if "Input" in details:
            node["input"] = _parsed(details["Input"].get("Payload"))
    return [_finished(node) for node in roots]


def _event_facts(kind: str, details: Mapping[str, Any]) -> str:
    retry = details.get("RetryDetails") or {}
    facts = {"attempt": retry.get("CurrentAttempt"),
             "retry_in": retry.get("NextAttemptDelaySeconds") or None,  # 0 for a last failure
             "duration": details.get("Duration"), "timeout": details.get("Timeout"),
             "heartbeat_timeout": details.get("HeartbeatTimeout"),
             "execution_timeout": details.get("ExecutionTimeout")}
    shown = " ".join(f"{key}={value}" for key, value in facts.items() if value is not None)
    return f"{kind} {shown}".strip()


def _parsed(payload: str | None) -> Any:
    if payload is None:
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return payload


def _finished(node: dict[str, Any]) -> dict[str, Any]:
    children = [_finished(child) for child in node["children"]]
    if node["sub_type"] in CONCURRENT:
        children.sort(key=lambda child: str(child["name"]))
    return {**node, "children": children}


# --- One execution, driven the same way on either side ---------------------------------------

@dataclass(frozen=True)
class CallbackAnswer:
    """What the test sends to the callback `name` once it is waiting: a heartbeat, a success
    (with `value` as its JSON result) or a failure (`value` an ErrorObject dict)."""
    name: str
    kind: str
    value: Any = None


@dataclass
class Outcome:
    status: str
    result: Any
    error: tuple[str | None, str | None] | None
    operations: list[dict[str, Any]]
    events: list[dict[str, Any]]


def pending_callback(events: Sequence[Mapping[str, Any]], name: str, settled: bool
                     ) -> str | None:
    """The id of the callback `name` that has started and not finished, if any. `settled`: only
    once an invocation has completed after it started (the local runner needs that much)."""
    finished = {event["Id"] for event in events if event["EventType"] in (
        "CallbackSucceeded", "CallbackFailed", "CallbackTimedOut")}
    for index, event in enumerate(events):
        if (event["EventType"] == "CallbackStarted" and event.get("Name") == name
                and event["Id"] not in finished):
            if settled and not any(later["EventType"] == "InvocationCompleted"
                                   for later in events[index:]):
                return None
            return str(event["CallbackStartedDetails"]["CallbackId"])
    return None


def answer_callbacks(history: Callable[[], list[dict[str, Any]]],
                     send: Callable[[CallbackAnswer, str], None],
                     answers: Sequence[CallbackAnswer], settled: bool,
                     timeout: float = 90) -> None:
    for answer in answers:
        deadline = time.monotonic() + timeout
        while (callback_id := pending_callback(history(), answer.name, settled)) is None:
            if time.monotonic() > deadline:
                raise AssertionError(f"callback {answer.name!r} never waited; history: "
                                     f"{[event['EventType'] for event in history()]}")
            time.sleep(0.05)
        send(answer, callback_id)


def run_locally(handler: str, event: Any, answers: Sequence[CallbackAnswer] = (),
                execution_timeout: int = DURABLE_CONFIG["ExecutionTimeout"]) -> Outcome:
    """The handler module run by AWS's testing SDK's in-process local runner (time skipped)."""
    module = importlib.import_module(f"tests.durable_handlers.{handler}")
    with DurableFunctionTestRunner(module.handler) as runner:
        arn = runner.run_async(input=json.dumps(event), execution_timeout=execution_timeout)

        def history() -> list[dict[str, Any]]:
            response = runner.get_execution_history(arn, include_execution_data=True)
            return list(response.to_dict()["Events"])

        def send(answer: CallbackAnswer, callback_id: str) -> None:
            if answer.kind == "heartbeat":
                runner.send_callback_heartbeat(callback_id)
            elif answer.kind == "success":
                runner.send_callback_success(callback_id, json.dumps(answer.value).encode())
            else:
                runner.send_callback_failure(callback_id, ErrorObject(
                    message=answer.value["ErrorMessage"], type=answer.value["ErrorType"],
                    data=None, stack_trace=None))

        answer_callbacks(history, send, answers, settled=True)
        result = runner.wait_for_result(arn, timeout=120)
        events = history()
    status = result.execution_status.value if result.execution_status else "?"
    error = (result.error.type, result.error.message) if result.error else None
    return Outcome(status, _parsed(result.result), error, operation_view(events), events)


class Durable:
    """A simulator's durable functions, through boto3."""

    def __init__(self, client: Any, layer_arn: str) -> None:
        self.client = client
        self.layer_arn = layer_arn

    def create(self, handler: str, durable_config: Mapping[str, int] = DURABLE_CONFIG,
               **settings: Any) -> str:
        source = (HANDLERS / f"{handler}.py").read_text()
        return create_function(self.client, {"app.py": source}, Layers=[self.layer_arn],
                               DurableConfig=dict(durable_config), Timeout=60, MemorySize=256,
                               **settings)

    def start(self, name: str, event: Any, invocation_type: str = "Event",
              execution_name: str | None = None) -> tuple[str, Any]:
        """Invoke; the execution's ARN and the invoke's response."""
        options = {"DurableExecutionName": execution_name} if execution_name else {}
        response = self.client.invoke(FunctionName=name, Qualifier=LATEST,
                                      InvocationType=invocation_type,
                                      Payload=json.dumps(event), **options)
        assert response["StatusCode"] == (202 if invocation_type == "Event" else 200), response
        assert response.get("DurableExecutionArn"), f"no DurableExecutionArn in {response}"
        return str(response["DurableExecutionArn"]), response

    def execution(self, arn: str) -> dict[str, Any]:
        response = self.client.get_durable_execution(DurableExecutionArn=arn,
                                                     IncludeExecutionData=True)
        return dict(response)

    def wait(self, arn: str, timeout: float = 120) -> dict[str, Any]:
        """GetDurableExecution, polled until the execution has finished."""
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            try:
                execution = self.execution(arn)
            except ClientError as error:  # an Event invoke's execution may not show at once
                if error.response["Error"]["Code"] != "ResourceNotFoundException":
                    raise
            else:
                status = execution["Status"]
                if status in TERMINAL:
                    return execution
            time.sleep(0.1)
        raise AssertionError(f"execution {arn} still {status} after {timeout} s; history: "
                             f"{[event['EventType'] for event in self.history(arn)]}")

    def history(self, arn: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        marker: dict[str, str] = {}
        while True:
            page = self.client.get_durable_execution_history(
                DurableExecutionArn=arn, IncludeExecutionData=True, **marker)
            events += page.get("Events", [])
            if not page.get("NextMarker"):
                return events
            marker = {"Marker": page["NextMarker"]}

    def send(self, answer: CallbackAnswer, callback_id: str) -> None:
        if answer.kind == "heartbeat":
            self.client.send_durable_execution_callback_heartbeat(CallbackId=callback_id)
        elif answer.kind == "success":
            self.client.send_durable_execution_callback_success(
                CallbackId=callback_id, Result=json.dumps(answer.value).encode())
        else:
            self.client.send_durable_execution_callback_failure(CallbackId=callback_id,
                                                                Error=answer.value)

    def answer(self, arn: str, answers: Sequence[CallbackAnswer]) -> None:
        answer_callbacks(lambda: self.history(arn), self.send, answers, settled=False)

    def outcome(self, arn: str, timeout: float = 120) -> Outcome:
        execution = self.wait(arn, timeout)
        error = execution.get("Error")
        events = self.history(arn)
        return Outcome(execution["Status"], _parsed(execution.get("Result")),
                       (error.get("ErrorType"), error.get("ErrorMessage")) if error else None,
                       operation_view(events), events)


def assert_same(simulated: Outcome, local: Outcome) -> None:
    assert (simulated.status, simulated.result, simulated.error) == (
        local.status, local.result, local.error)
    assert simulated.operations == local.operations


# --- Servers ---------------------------------------------------------------------------------

_layers: dict[str, str] = {}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def durable_on(server: SimulatorServer) -> Durable:
    """Durable functions on `server`, the SDK's layer published there once."""
    client = lambda_client(server.url)
    if server.url not in _layers:
        _layers[server.url] = publish_layer(client)
    return Durable(client, _layers[server.url])


@pytest.fixture(scope="module", params=EXECUTORS)
def skipping_server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[SimulatorServer]:
    """A simulator per executor whose durable waits end at once (`durable_time="skip"`)."""
    if request.param == "docker":
        require_docker()
    with running_server(tmp_path_factory.mktemp(f"state-durable-{request.param}"),
                        request.param, durable_time="skip", docker_network="lambda-sim-test",
                        docker_network_internal=True) as running:
        yield running


@pytest.fixture
def durable(skipping_server: SimulatorServer) -> Durable:
    return durable_on(skipping_server)


@pytest.fixture
def real_time(server: SimulatorServer) -> Durable:
    """The session's simulators, where durable time is real."""
    return durable_on(server)


# --- Handlers against the local runner -------------------------------------------------------

SYNCHRONOUS_CASES = [
    ("steps", {"start": 3}),
    ("child_contexts", {"order": "o-7"}),
    ("parallel_and_map", {"items": [1, 2, 3]}),
    ("waits", {"seconds": 2}),
    ("failing_step", {}),
    ("failing_step", {"fail": True}),
]


@pytest.mark.parametrize(("handler", "event"), SYNCHRONOUS_CASES,
                         ids=[f"{handler}-{i}" for i, (handler, _) in
                              enumerate(SYNCHRONOUS_CASES)])
def test_a_handler_invoked_synchronously_matches_the_local_runner(
        durable: Durable, handler: str, event: dict[str, Any]) -> None:
    name = durable.create(handler)
    arn, response = durable.start(name, event, "RequestResponse")
    simulated = durable.outcome(arn)
    local = run_locally(handler, event)
    assert_same(simulated, local)
    if local.status == "SUCCEEDED":  # the invoke waited for the whole execution
        assert json.loads(response["Payload"].read()) == local.result
    assert simulated.events[0]["ExecutionStartedDetails"]["Input"]["Payload"] == \
        json.dumps(event)


def test_the_steps_history_is_what_the_sdk_checkpointed(durable: Durable) -> None:
    """The view the comparisons rest on, spelled out once for the simplest handler."""
    name = durable.create("steps")
    arn, _ = durable.start(name, {"start": 3}, "RequestResponse")
    simulated = durable.outcome(arn)
    assert simulated.operations == [
        {"type": "EXECUTION", "sub_type": None, "name": None, "input": {"start": 3},
         "events": ["ExecutionStarted execution_timeout=3600", "ExecutionSucceeded"],
         "result": {"value": 16, "label": "v16"}, "error": None, "children": []},
        *[{"type": "STEP", "sub_type": "Step", "name": step, "result": result, "error": None,
           "events": ["StepStarted", "StepSucceeded"], "children": []}
          for step, result in [("double", 6), ("add_ten", 16), ("wrap", {
              "t": "m", "v": {"value": {"t": "i", "v": 16}, "label": {"t": "s", "v": "v16"}}})]],
    ]


def test_a_wait_of_hours_ends_at_once_when_time_is_skipped(durable: Durable) -> None:
    event = {"seconds": 2, "hours": 3}
    config = {"ExecutionTimeout": 4 * 3600, "RetentionPeriodInDays": 1}
    name = durable.create("waits", durable_config=config)
    started = time.monotonic()
    arn, _ = durable.start(name, event)
    simulated = durable.outcome(arn, timeout=60)
    assert time.monotonic() - started < 60
    assert_same(simulated, run_locally("waits", event, execution_timeout=4 * 3600))
    waits = [operation for operation in simulated.operations if operation["type"] == "WAIT"]
    assert [wait["events"] for wait in waits] == [
        [f"WaitStarted duration={seconds}", f"WaitSucceeded duration={seconds}"]
        for seconds in (2, 3 * 3600)]


CALLBACKS_ANSWERED = [CallbackAnswer("approval", "heartbeat"),
                      CallbackAnswer("approval", "success", APPROVED),
                      CallbackAnswer(SECOND_CALLBACK, "success", {"n": 2})]


def test_callbacks_completed_from_boto3_match_the_local_runner(durable: Durable) -> None:
    name = durable.create("callbacks")
    arn, _ = durable.start(name, {})
    durable.answer(arn, CALLBACKS_ANSWERED)
    simulated = durable.outcome(arn)
    assert simulated.result == {"approval": APPROVED, "second": {"n": 2}}
    assert_same(simulated, run_locally("callbacks", {}, CALLBACKS_ANSWERED))


def test_a_failed_callback_fails_the_execution(durable: Durable) -> None:
    answers = [CallbackAnswer("approval", "failure",
                              {"ErrorType": "Rejected", "ErrorMessage": "denied"})]
    name = durable.create("callbacks")
    arn, _ = durable.start(name, {})
    durable.answer(arn, answers)
    simulated = durable.outcome(arn)
    assert simulated.status == "FAILED"
    assert simulated.error == ("aws_durable_execution_sdk_python.exceptions.CallbackExternalError",
                               "denied")
    assert_same(simulated, run_locally("callbacks", {}, answers))


def test_a_callback_answered_twice_or_unknown_is_refused(durable: Durable) -> None:
    name = durable.create("callbacks")
    arn, _ = durable.start(name, {})
    callback_id = ""

    def record(answer: CallbackAnswer, given: str) -> None:
        nonlocal callback_id
        callback_id = given
        durable.send(answer, given)

    answer_callbacks(lambda: durable.history(arn), record,
                     [CallbackAnswer("approval", "success", APPROVED)], settled=False)
    with pytest.raises(ClientError) as again:
        durable.client.send_durable_execution_callback_success(CallbackId=callback_id,
                                                               Result=b"{}")
    assert again.value.response["Error"]["Code"] in ("InvalidParameterValueException",
                                                     "ResourceNotFoundException")
    with pytest.raises(ClientError) as unknown:
        durable.client.send_durable_execution_callback_heartbeat(CallbackId="bm90LWEtY2FsbGJhY2s")
    assert unknown.value.response["Error"]["Code"] in ("InvalidParameterValueException",
                                                       "ResourceNotFoundException")
    durable.client.stop_durable_execution(DurableExecutionArn=arn)


# --- The other durable-execution operations --------------------------------------------------

def test_executions_are_listed_by_function_with_their_name_and_status(durable: Durable) -> None:
    name = durable.create("steps")
    names = [unique_name("run"), unique_name("run")]
    arns = [durable.start(name, {"start": n}, "RequestResponse", execution_name=execution)[0]
            for n, execution in enumerate(names)]
    for arn, execution_name in zip(arns, names, strict=True):
        execution = durable.wait(arn)
        assert (execution["DurableExecutionName"], execution["Status"]) == (
            execution_name, "SUCCEEDED")
        assert execution["FunctionArn"].split(":")[6] == name
        assert execution["InputPayload"] and execution["StartTimestamp"] <= \
            execution["EndTimestamp"]
    listed = durable.client.list_durable_executions_by_function(FunctionName=name)
    rows = {row["DurableExecutionArn"]: row for row in listed["DurableExecutions"]}
    assert set(rows) == set(arns)
    assert {row["DurableExecutionName"] for row in rows.values()} == set(names)
    assert {row["Status"] for row in rows.values()} == {"SUCCEEDED"}
    by_name = durable.client.list_durable_executions_by_function(
        FunctionName=name, DurableExecutionName=names[1])["DurableExecutions"]
    assert [row["DurableExecutionArn"] for row in by_name] == [arns[1]]
    failed = durable.client.list_durable_executions_by_function(
        FunctionName=name, Statuses=["FAILED"])["DurableExecutions"]
    assert failed == []


def test_a_short_wait_takes_real_time_when_time_is_not_skipped(real_time: Durable) -> None:
    name = real_time.create("waits")
    started = time.monotonic()
    arn, response = real_time.start(name, {"seconds": 2}, "RequestResponse")
    assert time.monotonic() - started >= 2
    assert json.loads(response["Payload"].read()) == {"steps": ["before", "after"], "hours": 0}
    events = real_time.history(arn)
    started_wait = next(event for event in events if event["EventType"] == "WaitStarted")
    ended_wait = next(event for event in events if event["EventType"] == "WaitSucceeded")
    assert started_wait["WaitStartedDetails"]["Duration"] == 2
    assert ended_wait["EventTimestamp"] >= \
        started_wait["WaitStartedDetails"]["ScheduledEndTimestamp"]
    assert (ended_wait["EventTimestamp"] - started_wait["EventTimestamp"]).total_seconds() >= 1.9


def test_stop_ends_an_execution_waiting_for_hours(real_time: Durable) -> None:
    name = real_time.create("waits", durable_config={"ExecutionTimeout": 4 * 3600,
                                                     "RetentionPeriodInDays": 1})
    arn, _ = real_time.start(name, {"seconds": 1, "hours": 3})
    deadline = time.monotonic() + 60
    while not any(event["EventType"] == "WaitStarted" and event.get("Name") == "long_wait"
                  for event in real_time.history(arn)):
        assert time.monotonic() < deadline, "the execution never reached its long wait"
        time.sleep(0.1)
    assert real_time.execution(arn)["Status"] == "RUNNING"
    stopped = real_time.client.stop_durable_execution(
        DurableExecutionArn=arn, Error={"ErrorType": "Cancelled", "ErrorMessage": "not needed"})
    assert stopped["StopTimestamp"]
    execution = real_time.wait(arn, timeout=10)
    assert execution["Status"] == "STOPPED" and execution["EndTimestamp"]
    assert "ExecutionStopped" in [event["EventType"] for event in real_time.history(arn)]
    listed = real_time.client.list_durable_executions_by_function(
        FunctionName=name, Statuses=["STOPPED"])["DurableExecutions"]
    assert [row["DurableExecutionArn"] for row in listed] == [arn]


def test_an_execution_longer_than_its_timeout_times_out(real_time: Durable) -> None:
    name = real_time.create("waits", durable_config={"ExecutionTimeout": 3,
                                                     "RetentionPeriodInDays": 1})
    started = time.monotonic()
    arn, _ = real_time.start(name, {"seconds": 1, "hours": 1})
    execution = real_time.wait(arn, timeout=60)
    assert execution["Status"] == "TIMED_OUT"
    assert time.monotonic() - started >= 3
    assert "ExecutionTimedOut" in [event["EventType"] for event in real_time.history(arn)]


def test_a_durable_function_is_not_invoked_unqualified(durable: Durable) -> None:
    name = durable.create("steps")
    with pytest.raises(ClientError) as refused:
        durable.client.invoke(FunctionName=name, Payload=b"{}")
    assert refused.value.response["Error"] == {
        "Code": "InvalidParameterValueException",
        "Message": "You cannot invoke a durable function using an unqualified ARN."}


def test_unknown_executions_are_not_found(durable: Durable) -> None:
    name = durable.create("steps")
    arn, _ = durable.start(name, {}, "RequestResponse")
    unknown = arn[:-8] + "00000000" if not arn.endswith("00000000") else arn[:-8] + "11111111"
    for call in (durable.client.get_durable_execution,
                 durable.client.get_durable_execution_history,
                 durable.client.stop_durable_execution):
        with pytest.raises(ClientError) as missing:
            call(DurableExecutionArn=unknown)
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


# --- Persistence -----------------------------------------------------------------------------

@pytest.mark.parametrize("executor", EXECUTORS)
def test_an_execution_waiting_for_a_callback_survives_a_restart(
        tmp_path: Path, executor: str) -> None:
    if executor == "docker":
        require_docker()
    state_dir = tmp_path / "state"
    options: dict[str, Any] = dict(docker_network="lambda-sim-test",
                                   docker_network_internal=True)
    with running_server(state_dir, executor, **options) as first:
        durable = Durable(lambda_client(first.url), publish_layer(lambda_client(first.url)))
        name = durable.create("callbacks")
        arn, _ = durable.start(name, {})
        durable.answer(arn, [CallbackAnswer("approval", "heartbeat")])
        assert durable.execution(arn)["Status"] == "RUNNING"
    with running_server(state_dir, executor, **options) as second:
        durable = Durable(lambda_client(second.url), durable.layer_arn)
        assert durable.execution(arn)["Status"] == "RUNNING"
        durable.answer(arn, CALLBACKS_ANSWERED[1:])
        simulated = durable.outcome(arn)
        assert_same(simulated, run_locally("callbacks", {}, CALLBACKS_ANSWERED))
        listed = durable.client.list_durable_executions_by_function(FunctionName=name)
        assert [row["DurableExecutionArn"] for row in listed["DurableExecutions"]] == [arn]


def test_lambda_sim_serve_skips_durable_time_when_asked(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "simulator.cli", "serve", "--port", str(port), "--state-dir",
         str(tmp_path / "state"), "--executor", "process", "--durable-time", "skip"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        client = lambda_client(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 30
        while True:
            try:
                client.list_functions()
                break
            except EndpointConnectionError:
                assert time.monotonic() < deadline and server.poll() is None, \
                    server.stdout.read().decode() if server.stdout else "no output"
                time.sleep(0.1)
        durable = Durable(client, publish_layer(client))
        name = durable.create("waits", durable_config={"ExecutionTimeout": 4 * 3600,
                                                       "RetentionPeriodInDays": 1})
        arn, _ = durable.start(name, {"seconds": 2, "hours": 3})
        assert durable.outcome(arn, timeout=60).result == {"steps": ["before", "after"],
                                                           "hours": 3}
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)


# --- DurableConfig on the function -----------------------------------------------------------

def test_durable_config_reads_back_and_updates(durable: Durable) -> None:
    name = durable.create("steps")
    assert durable.client.get_function_configuration(FunctionName=name)["DurableConfig"] == \
        DURABLE_CONFIG
    assert durable.client.get_function(FunctionName=name)["Configuration"]["DurableConfig"] == \
        DURABLE_CONFIG
    updated = {"ExecutionTimeout": 7200, "RetentionPeriodInDays": 30}
    answer = durable.client.update_function_configuration(FunctionName=name,
                                                          DurableConfig=updated)
    assert answer["DurableConfig"] == updated
    durable.client.get_waiter("function_updated_v2").wait(FunctionName=name)
    assert durable.client.get_function_configuration(FunctionName=name)["DurableConfig"] == \
        updated
    plain = create_function(durable.client, "def handler(event, context):\n    return 1\n")
    assert "DurableConfig" not in durable.client.get_function_configuration(FunctionName=plain)


@pytest.mark.parametrize(("config", "member", "value", "constraint"), [
    ({"ExecutionTimeout": 0}, "executionTimeout", 0, "greater than or equal to 1"),
    ({"ExecutionTimeout": 31622401}, "executionTimeout", 31622401,
     "less than or equal to 31622400"),
    ({"ExecutionTimeout": 60, "RetentionPeriodInDays": 0}, "retentionPeriodInDays", 0,
     "greater than or equal to 1"),
    ({"ExecutionTimeout": 60, "RetentionPeriodInDays": 91}, "retentionPeriodInDays", 91,
     "less than or equal to 90"),
])
def test_durable_config_out_of_range_is_refused_as_aws_does(
        durable: Durable, config: dict[str, int], member: str, value: int, constraint: str
        ) -> None:
    # botocore checks minimums itself; the server's own answer is what is tested here.
    unchecked = lambda_client(durable.client.meta.endpoint_url, parameter_validation=False)
    expected = {"Code": "ValidationException",
                "Message": f"1 validation error detected: Value '{value}' at "
                           f"'durableConfig.{member}' failed to satisfy constraint: "
                           f"Member must have value {constraint}"}
    with pytest.raises(ClientError) as created:
        create_function(unchecked, "def handler(event, context):\n    return 1\n",
                        DurableConfig=config)
    assert created.value.response["Error"] == expected
    name = durable.create("steps")
    with pytest.raises(ClientError) as updated:
        unchecked.update_function_configuration(FunctionName=name, DurableConfig=config)
    assert updated.value.response["Error"] == expected
    assert durable.client.get_function_configuration(FunctionName=name)["DurableConfig"] == \
        DURABLE_CONFIG
