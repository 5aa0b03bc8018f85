"""The Runtime API from the runtime's side: isolation between environments, and the official
runtime client (awslambdaric from PyPI, unmodified) serving invocations from it."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from simulator.executors.process import ProcessExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server

SLOW = """
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return os.environ["AWS_LAMBDA_RUNTIME_API"]
"""

INTRUDER = """
import http.client, json, os
def call(address, method, path, body=None):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=3)
    try:
        connection.request(method, path, body=body)
        return connection.getresponse().status
    except OSError as error:
        return str(error)
def handler(event, context):
    own = os.environ["AWS_LAMBDA_RUNTIME_API"]
    victim_id = event["victim_request"]
    base = "/2018-06-01/runtime/invocation/"
    return {
        "answer_through_own_api": call(own, "POST", base + victim_id + "/response", b'"stolen"'),
        "error_through_own_api": call(own, "POST", base + victim_id + "/error", b'{}'),
        "next_through_victims_api": call(event["victim_api"], "GET", base + "next"),
    }
"""


def test_an_environment_cannot_touch_another_environments_invocation(
    client: Any, server: SimulatorServer, executor_name: str
) -> None:
    victim = create_function(client, SLOW, Timeout=30)
    intruder = create_function(client, INTRUDER, Timeout=30)
    victim_api = json.loads(client.invoke(FunctionName=victim)["Payload"].read())
    with ThreadPoolExecutor(1) as threads:
        slow = threads.submit(client.invoke, FunctionName=victim,
                              Payload=json.dumps({"sleep": 3}))
        deadline = time.time() + 10
        victim_request = None
        while victim_request is None and time.time() < deadline:
            owners = server.simulator.pool.in_flight_requests()
            victim_request = next(iter(owners), None)
            time.sleep(0.05)
        assert victim_request is not None
        result = json.loads(client.invoke(
            FunctionName=intruder,
            Payload=json.dumps({"victim_request": victim_request, "victim_api": victim_api}),
        )["Payload"].read())
        assert json.loads(slow.result()["Payload"].read()) == victim_api  # not "stolen"
    assert result["answer_through_own_api"] == 403
    assert result["error_through_own_api"] == 403
    if executor_name == "docker":
        # Another container's address is refused; processes share 127.0.0.1 (see README).
        assert result["next_through_victims_api"] == 403


def test_official_runtime_client_serves_invocations(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "awslambdaric", "app.handler"]
    executor = ProcessExecutor(tmp_path / "state", command=command)
    with running_server(tmp_path / "state", executor) as server:
        client = lambda_client(server.url)
        name = create_function(client, """
            def handler(event, context):
                if event.get("fail"):
                    raise RuntimeError("official client error")
                return {"echo": event, "request_id": context.aws_request_id,
                        "remaining": context.get_remaining_time_in_millis()}
        """)
        for i in range(3):
            response = client.invoke(FunctionName=name, Payload=json.dumps({"i": i}))
            body = json.loads(response["Payload"].read())
            assert body["echo"] == {"i": i}
            assert 0 < body["remaining"] <= 3000
        failed = client.invoke(FunctionName=name, Payload=json.dumps({"fail": True}))
        assert failed["FunctionError"] == "Unhandled"
        error = json.loads(failed["Payload"].read())
        assert error["errorType"] == "RuntimeError"
        assert error["errorMessage"] == "official client error"
        assert server.simulator.pool.counts(name).warm == 1
