"""Runtime API isolation, tried from inside the environments: a handler crafts Runtime API
requests with http.client against its own `AWS_LAMBDA_RUNTIME_API` and against another
environment's address passed in the event.

`tests/e2e/test_runtime_api.py` covers a response or error posted through the intruder's own
listener for the victim's request id (both executors) and `next` on a busy victim's listener
(containers). Here: `next`, `response` and `error` sent to the victim's own listener, while it
is busy and while it is idle. Containers are told apart by address, so each is refused. Process
environments all call from 127.0.0.1 and are told apart only by request id: there the
listener's peer check cannot refuse them: that is documented in docs/RELIABILITY.md, and this
test runs on containers only."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import create_function
from tests.reliability.support import wait_until

VICTIM = """
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return {"api": os.environ["AWS_LAMBDA_RUNTIME_API"], "mine": context.aws_request_id}
"""

INTRUDER = """
import http.client, json, os

def call(address, method, path, body=None, timeout=3):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body)
        response = connection.getresponse()
        return response.status
    except OSError as error:
        return type(error).__name__
    finally:
        connection.close()

def handler(event, context):
    api, request = event["victim_api"], event.get("victim_request", "0")
    base = "/2018-06-01/runtime/invocation/"
    return {
        "next": call(api, "GET", base + "next", timeout=event.get("next_timeout", 3)),
        "response": call(api, "POST", base + request + "/response", b'"stolen"'),
        "error": call(api, "POST", base + request + "/error", b'{"errorType": "Stolen"}'),
        "init_error": call(api, "POST", "/2018-06-01/runtime/init/error", b"{}"),
    }
"""


def invoke(client: Any, name: str, event: dict[str, Any] | None = None) -> Any:
    return json.loads(client.invoke(FunctionName=name, Payload=json.dumps(event or {}))[
        "Payload"].read())


def test_victims_listener_refuses_another_container_busy_or_idle(
    client: Any, server: SimulatorServer, executor_name: str
) -> None:
    if executor_name != "docker":
        pytest.skip("process environments share 127.0.0.1: only request ids separate them")
    victim = create_function(client, VICTIM, Timeout=30)
    intruder = create_function(client, INTRUDER, Timeout=30)
    victim_api = invoke(client, victim)["api"]
    idle = invoke(client, intruder, {"victim_api": victim_api, "next_timeout": 5})
    with ThreadPoolExecutor(1) as threads:
        slow = threads.submit(invoke, client, victim, {"sleep": 4})
        request = wait_until(lambda: next(
            (r for r, e in server.simulator.pool.in_flight_requests().items()
             if e in {env.id for env in server.simulator.pool.live_environments()
                      if env.function.name == victim}), None), 10, interval=0.05)
        assert request is not None
        busy = invoke(client, intruder, {"victim_api": victim_api, "victim_request": request})
        answer = slow.result()
    assert answer == {"api": victim_api, "mine": request}, "the victim lost its own answer"
    assert invoke(client, victim)["api"] == victim_api, "the victim's environment broke"
    refused = {"next": 403, "response": 403, "error": 403, "init_error": 403}
    assert (idle, busy) == (refused, refused)


def test_wrong_or_unknown_request_ids_are_refused_on_the_own_listener(client: Any) -> None:
    """On its own listener a runtime may only answer the invocation it holds."""
    name = create_function(client, """
import http.client, os
def post(path):
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=3)
    connection.request("POST", path, body=b'"x"')
    return connection.getresponse().status
def handler(event, context):
    base = "/2018-06-01/runtime/invocation/"
    return [post(base + "00000000-0000-0000-0000-000000000000/response"),
            post(base + "../../init/error"), post(base + context.aws_request_id + "/nope")]
""")
    unknown, traversal, bad_kind = invoke(client, name)
    assert unknown == 400  # InvalidRequestID
    assert traversal in (400, 404)
    assert bad_kind == 404
