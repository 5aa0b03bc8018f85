"""Execution environments: cold then warm, scale-out, limits, isolation, reaping, retirement."""

from __future__ import annotations

import base64
import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, make_zip, running_server

STATEFUL = """
import os, tempfile, time
calls = 0
def handler(event, context):
    global calls
    calls += 1
    marker = os.path.join(tempfile.gettempdir(), "marker")
    seen = os.path.exists(marker)
    with open(marker, "a") as handle:
        handle.write("x")
    started = time.time()
    time.sleep(event.get("sleep", 0))
    return {"calls": calls, "marker_seen": seen, "stream": context.log_stream_name,
            "version": VERSION, "started": started, "ended": time.time()}
VERSION = 1
"""


def invoke(client: Any, name: str, payload: Any = None) -> dict[str, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}),
                             LogType="Tail")
    body = json.loads(response["Payload"].read())
    body["cold"] = "Init Duration" in base64.b64decode(response["LogResult"]).decode()
    return body


def test_cold_then_warm_and_state_persists(client: Any) -> None:
    name = create_function(client, STATEFUL)
    first, second = invoke(client, name), invoke(client, name)
    assert first["cold"] and not second["cold"]
    assert (first["calls"], second["calls"]) == (1, 2)
    assert (first["marker_seen"], second["marker_seen"]) == (False, True)
    assert first["stream"] == second["stream"]


def test_concurrent_invokes_scale_out_without_sharing_state(client: Any,
                                                            server: SimulatorServer) -> None:
    name = create_function(client, STATEFUL, Timeout=30)
    with ThreadPoolExecutor(4) as threads:
        bodies = list(threads.map(lambda _: invoke(client, name, {"sleep": 3}), range(4)))
    assert len({body["stream"] for body in bodies}) == 4
    assert all(body["calls"] == 1 and not body["marker_seen"] for body in bodies)
    # They ran at the same time: every handler started before any finished.
    assert max(body["started"] for body in bodies) < min(body["ended"] for body in bodies)
    assert server.simulator.pool.counts(name).warm == 4


def test_reserved_concurrency_throttles(client: Any) -> None:
    name = create_function(client, STATEFUL, Timeout=30)
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
    with ThreadPoolExecutor(2) as threads:
        slow = threads.submit(invoke, client, name, {"sleep": 2})
        time.sleep(0.8)
        with pytest.raises(client.exceptions.TooManyRequestsException) as throttled:
            invoke(client, name)
        assert slow.result()["calls"] == 1
    error = throttled.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert error["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(client.exceptions.TooManyRequestsException):
        invoke(client, name)
    client.delete_function_concurrency(FunctionName=name)
    assert invoke(client, name)["calls"] >= 1


def test_update_retires_old_environments_after_in_flight_work(client: Any) -> None:
    name = create_function(client, STATEFUL, Timeout=30)
    invoke(client, name)
    with ThreadPoolExecutor(1) as threads:
        in_flight = threads.submit(invoke, client, name, {"sleep": 1.5})
        time.sleep(0.5)
        client.update_function_code(
            FunctionName=name, ZipFile=make_zip({"app.py": STATEFUL.replace("VERSION = 1",
                                                                            "VERSION = 2")}))
        client.get_waiter("function_updated_v2").wait(FunctionName=name)
        after = invoke(client, name)
        assert in_flight.result()["version"] == 1
    assert after["version"] == 2 and after["cold"]
    client.update_function_configuration(FunctionName=name,
                                         Environment={"Variables": {"MODE": "1"}})
    assert invoke(client, name)["cold"]


def test_deleted_function_leaves_no_environment(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, STATEFUL)
    invoke(client, name)
    client.delete_function(FunctionName=name)
    deadline = time.time() + 10
    while time.time() < deadline and server.simulator.pool.counts(name).warm:
        time.sleep(0.05)
    assert server.simulator.pool.counts(name).warm == 0


def _executor(request: pytest.FixtureRequest) -> str:
    from tests.conftest import require_docker

    if request.param == "docker":
        require_docker()
    return str(request.param)


@pytest.fixture(params=["process", "docker"])
def small_server(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A server with a 1 s idle timeout and an account limit of 2."""
    with running_server(tmp_path / "state", _executor(request), idle_timeout=1.0,
                        account_concurrency=2, docker_network="lambda-sim-test",
                        docker_network_internal=True) as running:
        yield running


def test_idle_environments_are_reaped(small_server: SimulatorServer) -> None:
    client = lambda_client(small_server.url)
    name = create_function(client, STATEFUL)
    assert invoke(client, name)["cold"]
    assert small_server.simulator.pool.counts(name).warm == 1
    deadline = time.time() + 10
    while time.time() < deadline and small_server.simulator.pool.counts(name).warm:
        time.sleep(0.1)
    assert small_server.simulator.pool.counts(name).warm == 0
    assert invoke(client, name)["cold"]


def test_account_concurrency_limit(small_server: SimulatorServer) -> None:
    client = lambda_client(small_server.url)
    name = create_function(client, STATEFUL, Timeout=30)
    with ThreadPoolExecutor(3) as threads:
        slow = [threads.submit(invoke, client, name, {"sleep": 2}) for _ in range(2)]
        time.sleep(1.0)
        with pytest.raises(ClientError) as throttled:
            invoke(client, name)
        for future in slow:
            future.result()
    assert throttled.value.response["Reason"] == "ConcurrentInvocationLimitExceeded"
