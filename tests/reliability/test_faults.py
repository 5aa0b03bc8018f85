"""Faults inside an execution environment. Whatever the handler does to its runtime, the caller
gets an AWS-shaped error, the environment is replaced, the next invoke succeeds and nothing of
the broken environment (container, process, forked child) is left running.

The exact error wording of exits, segfaults and out-of-memory kills is checked in
`tests/e2e/test_invoke.py`; here each fault is held to the whole contract above."""

from __future__ import annotations

import base64
import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from simulator.observability.log_store import (
    EVENT_OVERHEAD_BYTES,
    MAX_EVENTS_PER_STREAM,
    MAX_STORED_BYTES,
)
from tests.conftest import require_docker
from tests.helpers import create_function, lambda_client
from tests.reliability.support import (
    ServeProcess,
    environment_pids,
    function_containers,
    runtimes_left,
    wait_until,
)

FAULTY = """
import ctypes, os, signal, socket, sys, time

def post_half_an_answer(request_id):
    host, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
    path = f"/2018-06-01/runtime/invocation/{request_id}/response"
    connection = socket.create_connection((host, int(port)))
    connection.sendall(f"POST {path} HTTP/1.1\\r\\nHost: runtime\\r\\n"
                       "Content-Length: 1000\\r\\n\\r\\n".encode() + b'{"half": tr')
    connection.close()

def handler(event, context):
    fault = event.get("fault")
    if fault == "exit":
        os._exit(3)
    if fault == "segfault":
        ctypes.string_at(0)
    if fault == "spin":
        while True:
            pass
    if fault == "memory":
        blocks = [bytearray(16 * 1024 * 1024) for _ in range(64)]
    if fault == "orphan":
        if os.fork() == 0:
            os.setsid()
            os.execvp("sleep", ["sleep", "300"])
        os._exit(1)
    if fault == "hang-up":
        post_half_an_answer(context.aws_request_id)
        os.kill(os.getpid(), signal.SIGKILL)
    if fault == "half-answer":
        post_half_an_answer(context.aws_request_id)
        time.sleep(0.5)  # the server has read what there is of it by now
        return {"whole": True}
    if fault == "sleep":
        time.sleep(event["seconds"])
    return {"alive": True, "stream": context.log_stream_name}
"""

FAULTS = {
    "exit": ("Runtime.ExitError",),
    "segfault": ("Runtime.ExitError",),
    "spin": ("Sandbox.Timedout",),
    "memory": ("Runtime.OutOfMemory",),
    "orphan": ("Runtime.ExitError",),
    "hang-up": ("Runtime.ExitError",),
}


def call(client: Any, name: str, event: dict[str, Any] | None = None,
         **options: Any) -> tuple[dict[str, Any], Any]:
    """The response and its payload: parsed JSON, or the raw bytes when it is not JSON."""
    response = client.invoke(FunctionName=name, Payload=json.dumps(event or {}), **options)
    raw = response["Payload"].read()
    try:
        return response, json.loads(raw or b"null")
    except ValueError:
        return response, raw


def assert_replaced_and_clean(client: Any, executor: str, name: str, old_stream: str) -> None:
    """The next invoke succeeds in a new environment, and only that one is left running."""
    response, body = call(client, name)
    assert "FunctionError" not in response, body
    assert body["alive"] is True
    assert body["stream"] != old_stream, "the broken environment was reused"
    url = client.meta.endpoint_url
    left = wait_until(lambda: (lambda found: found if len(found) == 1 else None)(
        runtimes_left(executor, name, url)), 15, interval=0.25)
    assert left is not None, f"left behind: {runtimes_left(executor, name, url)}"


@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_gives_an_aws_error_and_a_fresh_environment(client: Any, executor_name: str,
                                                          fault: str) -> None:
    name = create_function(client, FAULTY, Timeout=2 if fault == "spin" else 10)
    _, warm = call(client, name)
    started = time.monotonic()
    response, body = call(client, name, {"fault": fault})
    elapsed = time.monotonic() - started
    assert response["StatusCode"] == 200
    assert response.get("FunctionError") == "Unhandled", body
    assert isinstance(body, dict) and body.get("errorType") in FAULTS[fault], body
    assert body["errorMessage"].startswith("RequestId: "), body
    assert elapsed < 30, f"answered after {elapsed:.1f} s"
    assert_replaced_and_clean(client, executor_name, name, warm["stream"])


def test_half_sent_answer_is_not_taken_for_the_answer(client: Any) -> None:
    """A runtime connection that closes before its body is complete delivers nothing: the
    caller gets the answer the handler then returns, not the fragment."""
    name = create_function(client, FAULTY)
    response, body = call(client, name, {"fault": "half-answer"})
    assert "FunctionError" not in response, body
    assert body == {"whole": True}


def kill_runtime(client: Any, executor: str, name: str) -> None:
    """What `docker kill` does to a container, or SIGKILL to a process environment."""
    if executor == "docker":
        (container,) = wait_until(lambda: function_containers(name, all_states=False), 10)
        container.kill()
        return
    (runtime,) = environment_pids(client.meta.endpoint_url, name)
    os.kill(runtime, signal.SIGKILL)


def test_environment_killed_mid_invoke(client: Any, executor_name: str) -> None:
    name = create_function(client, FAULTY, Timeout=60)
    _, warm = call(client, name)
    killer = threading.Timer(1.0, kill_runtime, args=(client, executor_name, name))
    killer.start()
    started = time.monotonic()
    try:
        response, body = call(client, name, {"fault": "sleep", "seconds": 30})
    finally:
        killer.join()
    assert time.monotonic() - started < 15, "the caller waited for the sleep, not the kill"
    assert response.get("FunctionError") == "Unhandled", body
    assert body["errorType"] == "Runtime.ExitError"
    assert body["errorMessage"].endswith("Runtime exited with error: signal: killed")
    assert_replaced_and_clean(client, executor_name, name, warm["stream"])


CHATTY = """
import sys
def handler(event, context):
    line = "x" * 1000
    for start in range(0, event["lines"], 100):
        sys.stdout.write("".join(f"LINE {number:06d} {line}\\n"
                                 for number in range(start, min(start + 100, event["lines"]))))
    return "wrote"
"""


@pytest.mark.parametrize("executor", ["process", "docker"])
def test_100_mb_of_output_is_kept_in_order_and_memory_stays_bounded(tmp_path: Path,
                                                                    executor: str) -> None:
    """100 MB on stdout is not a fault on AWS: the invoke succeeds. Every line reaches the
    console once and in order, the log keeps the newest lines its budget holds, and the server
    does not hold on to the rest. A `lambda-sim serve` of its own, so its memory is its alone."""
    if executor == "docker":
        require_docker()
    lines = 100_000
    server = ServeProcess(tmp_path / "state", executor).wait_ready()
    try:
        client = lambda_client(server.url)
        name = create_function(client, CHATTY, Timeout=120, MemorySize=256)
        call(client, name, {"lines": 1})
        server_process = psutil.Process(server.process.pid)
        before = server_process.memory_info().rss
        started = time.monotonic()
        response, body = call(client, name, {"lines": lines}, LogType="Tail")
        took = time.monotonic() - started
        grown_mb = (server_process.memory_info().rss - before) / 2**20
        assert body == "wrote", body
        tail = base64.b64decode(response["LogResult"])
        assert len(tail) <= 4096
        assert tail.decode().splitlines()[-1].startswith("REPORT RequestId: ")
        last = f"LINE {lines - 1:06d} "
        wait_until(lambda: last in server.output_path.read_bytes()[-8192:].decode(
            errors="replace"), 30, interval=0.5)
        kept = [int(line.split()[1]) for line in server.logs(name)
                if line.startswith("LINE ")]
    finally:
        server.stop()
    console = [int(line.split()[2]) for line in server.output().splitlines()
               if line.startswith(f"[{name}] LINE ")][1:]  # after the warm-up's one line
    assert console == list(range(lines)), (
        f"{len(console)} lines reached the console for {lines} written: "
        f"{len(set(range(lines)) - set(console))} lost, {len(console) - len(set(console))} "
        "duplicated")
    # The stream keeps its newest events, as many as the log store's byte budget holds (after
    # a trim, 90% of it) up to 10,000: the output's last lines, then END and REPORT.
    held = min(MAX_EVENTS_PER_STREAM - 100,
               MAX_STORED_BYTES * 9 // 10 // (len(f"LINE {0:06d} {'x' * 1000}\n")
                                             + EVENT_OVERHEAD_BYTES))
    assert len(kept) >= held and kept == list(range(lines - len(kept), lines))
    assert grown_mb < 64, f"the server grew by {grown_mb:.0f} MB for 100 MB of output"
    print(f"\n100 MB of output in {took:.1f} s; server memory +{grown_mb:.0f} MB")
