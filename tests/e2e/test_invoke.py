"""Invoke through boto3: the three invocation types, errors, limits, logs and the context."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import create_function

ECHO = """
import os
def handler(event, context):
    print("got", event)
    return {"event": event}
"""

CONTEXT_AND_ENVIRONMENT = """
import os, tempfile
def handler(event, context):
    task_root = os.environ["LAMBDA_TASK_ROOT"]
    cwd_files = sorted(os.listdir(task_root))
    try:
        with open(os.path.join(task_root, "written.txt"), "w"):
            code_writable = True
    except OSError:
        code_writable = False
    scratch = os.path.join(tempfile.gettempdir(), "scratch.txt")
    with open(scratch, "w") as handle:
        handle.write("ok")
    return {
        "aws_request_id": context.aws_request_id,
        "invoked_function_arn": context.invoked_function_arn,
        "function_name": context.function_name,
        "function_version": context.function_version,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "client_context": context.client_context.custom if context.client_context else None,
        "environment": {k: v for k, v in os.environ.items()},
        "cwd_files": cwd_files,
        "code_writable": code_writable,
        "tmp_writable": open(scratch).read() == "ok",
        "uid": os.getuid(),
    }
"""


def invoke(client: Any, name: str, payload: Any = None, **options: Any) -> tuple[dict, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}), **options)
    return response, json.loads(response["Payload"].read() or b"null")


def test_request_response(client: Any) -> None:
    name = create_function(client, ECHO)
    response, body = invoke(client, name, {"hello": "world"})
    assert response["StatusCode"] == 200
    assert body == {"event": {"hello": "world"}}
    assert response["ExecutedVersion"] == "$LATEST"
    assert "FunctionError" not in response


def test_event_runs_in_the_background(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, ECHO)
    response = client.invoke(FunctionName=name, InvocationType="Event",
                             Payload=json.dumps({"async": True}))
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    assert len(response["ResponseMetadata"]["RequestId"]) == 36
    deadline = time.time() + 30
    while time.time() < deadline:
        lines = [e.message for e in server.simulator.logs.events(name)]
        if any("REPORT RequestId" in line for line in lines):
            break
        time.sleep(0.05)
    assert any("got {'async': True}" in line for line in lines)


def test_dry_run_runs_nothing(client: Any, server: SimulatorServer) -> None:
    name = create_function(client, ECHO)
    response = client.invoke(FunctionName=name, InvocationType="DryRun")
    assert response["StatusCode"] == 204
    time.sleep(0.2)
    assert server.simulator.logs.events(name) == []
    assert server.simulator.pool.counts(name).warm == 0


def test_log_tail_has_start_end_report(client: Any) -> None:
    name = create_function(client, ECHO)
    response, _ = invoke(client, name, {"n": 1}, LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    lines = log.splitlines()
    assert lines[0].startswith("START RequestId: ") and lines[0].endswith("Version: $LATEST")
    assert "got {'n': 1}" in log
    assert lines[-2].startswith("END RequestId: ")
    report = lines[-1].split("\t")
    assert report[0].startswith("REPORT RequestId: ")
    assert report[1].startswith("Duration: ") and report[1].endswith(" ms")
    assert report[2].startswith("Billed Duration: ")
    assert report[3] == "Memory Size: 128 MB"
    assert report[4].startswith("Max Memory Used: ")
    assert report[5].startswith("Init Duration: ")  # the first invoke is a cold start
    warm, _ = invoke(client, name, LogType="Tail")
    assert "Init Duration" not in base64.b64decode(warm["LogResult"]).decode()


def test_context_and_environment(client: Any, executor_name: str) -> None:
    name = create_function(client, CONTEXT_AND_ENVIRONMENT, MemorySize=256, Timeout=30,
                           Environment={"Variables": {"MY_SETTING": "42"}})
    client_context = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    response, body = invoke(client, name, ClientContext=client_context)
    assert body["function_name"] == name
    # The answer's request id (boto3's RequestId) is the one the function saw, as on AWS.
    assert response["ResponseMetadata"]["RequestId"] == body["aws_request_id"]
    assert body["invoked_function_arn"].endswith(f":function:{name}")
    assert body["function_version"] == "$LATEST"
    assert body["memory_limit_in_mb"] == "256"
    assert body["log_group_name"] == f"/aws/lambda/{name}"
    assert "[$LATEST]" in body["log_stream_name"]
    assert 25_000 < body["remaining"] <= 30_000
    assert body["client_context"] == {"k": "v"}
    environment = body["environment"]
    assert environment["MY_SETTING"] == "42"
    for variable, value in {
        "_HANDLER": "app.handler", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}", "TZ": ":UTC",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
    }.items():
        assert environment[variable] == value, variable
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                     "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_LOG_STREAM_NAME", "_X_AMZN_TRACE_ID"):
        assert environment.get(variable), variable
    assert body["cwd_files"] == ["app.py"]
    assert body["tmp_writable"]
    if executor_name == "docker":
        assert environment["LAMBDA_TASK_ROOT"] == "/var/task"
        assert body["code_writable"] is False
        assert body["uid"] != 0


def test_function_error_shape(client: Any) -> None:
    name = create_function(client, """
        def handler(event, context):
            raise ValueError("boom")
    """)
    response, body = invoke(client, name)
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError"
    assert body["errorMessage"] == "boom"
    assert body["requestId"]
    assert 'app.py", line 3, in handler' in body["stackTrace"][0]


@pytest.mark.parametrize(
    ("files", "handler", "error_type", "message"),
    [
        ({"app.py": "import not_a_module_here\n"}, "app.handler", "Runtime.ImportModuleError",
         "Unable to import module 'app': No module named 'not_a_module_here'"),
        ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound",
         "Handler 'handler' missing on module 'app'"),
        ({"app.py": "def handler(:\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
         "Syntax error in module 'app'"),
        ({"app.py": "x = 1\n"}, "nohandler", "Runtime.MalformedHandlerName", "Bad handler"),
    ],
)
def test_init_errors(client: Any, files: dict[str, str], handler: str, error_type: str,
                     message: str) -> None:
    name = create_function(client, files, Handler=handler)
    for _ in range(2):  # every attempt fails the same way, none hangs
        response, body = invoke(client, name)
        assert response["FunctionError"] == "Unhandled"
        assert body["errorType"] == error_type
        assert message in body["errorMessage"]


def test_timeout_answers_at_the_deadline_and_recovers(client: Any) -> None:
    name = create_function(client, """
        import time
        def handler(event, context):
            if event.get("sleep"):
                time.sleep(30)
            return "awake"
    """, Timeout=1)
    invoke(client, name)  # warm: the deadline then measures the invoke alone
    started = time.monotonic()
    response, body = invoke(client, name, {"sleep": True}, LogType="Tail")
    elapsed = time.monotonic() - started
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert 1.0 <= elapsed < 4.0  # answered at the deadline, not after the 30 s sleep
    assert "Task timed out after 1.00 seconds" in base64.b64decode(response["LogResult"]).decode()
    assert invoke(client, name)[1] == "awake"


@pytest.mark.parametrize(
    ("code", "expected_type", "expected_detail"),
    [
        ("import os\n    os._exit(3)", "Runtime.ExitError", "exit status 3"),
        ("import ctypes\n    ctypes.string_at(0)", "Runtime.ExitError",
         "signal: segmentation fault"),
        ("blocks = [bytearray(16 * 1024 * 1024) for _ in range(64)]", "Runtime.OutOfMemory",
         "signal: killed"),
    ],
    ids=["exit", "segfault", "out-of-memory"],
)
def test_crashes_answer_and_recover(client: Any, code: str, expected_type: str,
                                    expected_detail: str) -> None:
    name = create_function(client, f"""
def handler(event, context):
    if not event.get("crash"):
        return "alive"
    {code}
""")
    response, body = invoke(client, name, {"crash": True})
    assert response["FunctionError"] == "Unhandled"
    assert body["errorType"] == expected_type
    assert body["errorMessage"].endswith(f"Runtime exited with error: {expected_detail}")
    assert invoke(client, name)[1] == "alive"


def test_payload_limits_and_bad_json(client: Any) -> None:
    name = create_function(client, ECHO)
    big = json.dumps({"data": "x" * 6_300_000})
    with pytest.raises(ClientError) as too_big:
        client.invoke(FunctionName=name, Payload=big)
    assert too_big.value.response["Error"]["Code"] == "RequestEntityTooLargeException"
    assert too_big.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    with pytest.raises(ClientError) as too_big_async:
        client.invoke(FunctionName=name, InvocationType="Event",
                      Payload=json.dumps({"data": "x" * 1_100_000}))
    assert too_big_async.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    with pytest.raises(client.exceptions.InvalidRequestContentException) as bad:
        client.invoke(FunctionName=name, Payload=b"{not json")
    assert "Could not parse request body into json" in str(bad.value)
    near_limit = json.dumps({"data": "x" * 5_000_000})
    response = client.invoke(FunctionName=name, Payload=near_limit)
    assert response["StatusCode"] == 200
