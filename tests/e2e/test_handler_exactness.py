"""What a handler sees and what its REPORT says are AWS's, with each executor: Max Memory Used
is measured for a runtime that does not report it, a response past AWS's limit fails with
AWS's words and number, a function runs on the interpreter of its declared version (or the
invoke is refused, saying what to install), and each environment starts with a /tmp of its
own."""

from __future__ import annotations

import base64
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.executors.docker import DockerExecutor
from simulator.executors.process import ProcessExecutor
from simulator.executors.runtime_files import RUNTIME_IMAGES_DIR
from simulator.http_server import SimulatorServer
from tests.e2e.test_node_and_custom_runtimes import custom_function, require_runtime
from tests.helpers import create_function

SLOW_MACHINE_TIMEOUT = 30
BALLAST_MB = 48

# A custom runtime in bash alone, which, like most, does not report its memory. Each
# invocation holds BALLAST_MB of text in a variable before it answers.
BALLAST_BOOTSTRAP = r"""#!/bin/bash
set -eu
export LC_ALL=C
host=${AWS_LAMBDA_RUNTIME_API%:*}
port=${AWS_LAMBDA_RUNTIME_API##*:}
api=/2018-06-01/runtime

send() {  # METHOD PATH BODY: one request on fd 3, its response left there to read
    exec 3<>"/dev/tcp/$host/$port"
    printf '%s %s%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n' \
        "$1" "$api" "$2" "$host" >&3
    printf 'Content-Length: %d\r\nConnection: close\r\n\r\n%s' "${#3}" "$3" >&3
}

while true; do
    send GET /invocation/next ""
    request_id=""
    while IFS= read -r line <&3; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        case ${line,,} in lambda-runtime-aws-request-id:*) request_id=${line#*: } ;; esac
    done
    cat <&3 >/dev/null
    exec 3<&-
    ballast=$(head -c $((BALLAST_MB * 1024 * 1024)) /dev/zero | tr '\0' x)
    send POST "/invocation/$request_id/response" "{\"held\": ${#ballast}}"
    cat <&3 >/dev/null
    exec 3<&-
done
""".replace("BALLAST_MB", str(BALLAST_MB))

VERSION = """
import sys
def handler(event, context):
    return list(sys.version_info[:2])
"""

SIZED_RESPONSE = """
def handler(event, context):
    return "x" * event["characters"]
"""

TMP_WRITER = """
import os
def handler(event, context):
    seen = sorted(os.listdir("/tmp"))
    with open("/tmp/x", "w") as written:
        written.write("mine")
    return {"seen": seen, "x": open("/tmp/x").read()}
"""

TMP_READER = """
import os
def handler(event, context):
    return {"x_exists": os.path.exists("/tmp/x")}
"""

AWS_RESPONSE_LIMIT = 6_291_556


def invoke(client: Any, name: str, payload: Any = None, **options: Any
           ) -> tuple[dict[str, Any], Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(payload or {}), **options)
    return response, json.loads(response["Payload"].read() or b"null")


def max_memory_used_mb(response: dict[str, Any]) -> int:
    log = base64.b64decode(response["LogResult"]).decode()
    found = re.search(r"\tMax Memory Used: (\d+) MB\t", log)
    assert found is not None, log
    return int(found.group(1))


# -- Max Memory Used --------------------------------------------------------------------------


def test_a_runtime_that_does_not_report_its_memory_is_measured(
        client: Any, server: SimulatorServer) -> None:
    require_runtime(server, "provided.al2023")
    name = custom_function(client, {"bootstrap": BALLAST_BOOTSTRAP})
    cold, body = invoke(client, name, LogType="Tail")
    assert body == {"held": BALLAST_MB * 1024 * 1024}
    warm, _ = invoke(client, name, LogType="Tail")
    assert max_memory_used_mb(cold) >= BALLAST_MB
    assert max_memory_used_mb(warm) >= max_memory_used_mb(cold)  # a peak: it never drops


def test_a_python_runtime_still_reports_its_own(client: Any) -> None:
    name = create_function(client, VERSION)
    response, _ = invoke(client, name, LogType="Tail")
    assert max_memory_used_mb(response) > 0


# -- the response limit -----------------------------------------------------------------------


def test_a_response_of_awss_limit_is_returned_whole(client: Any) -> None:
    name = create_function(client, SIZED_RESPONSE, MemorySize=512, Timeout=SLOW_MACHINE_TIMEOUT)
    response = client.invoke(FunctionName=name,
                             Payload=json.dumps({"characters": AWS_RESPONSE_LIMIT - 2}))
    assert "FunctionError" not in response
    assert len(response["Payload"].read()) == AWS_RESPONSE_LIMIT  # the string and its quotes


def test_a_response_past_awss_limit_fails_with_awss_message(client: Any) -> None:
    name = create_function(client, SIZED_RESPONSE, MemorySize=512, Timeout=SLOW_MACHINE_TIMEOUT)
    response, body = invoke(client, name, {"characters": AWS_RESPONSE_LIMIT - 1})
    assert response["FunctionError"] == "Unhandled"
    assert body == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
                        "(6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }


# -- the interpreter of the declared version ---------------------------------------------------


@pytest.mark.parametrize("runtime", ["python3.12", "python3.13", "python3.14"])
def test_a_function_runs_on_its_declared_version_or_is_refused_saying_what_to_install(
        client: Any, server: SimulatorServer, runtime: str) -> None:
    executor = server.simulator.executor
    if isinstance(executor, DockerExecutor) and executor.missing_images([runtime]):
        pytest.skip(f"runtime image {runtime} not built here")
    name = create_function(client, VERSION, Runtime=runtime)
    version = runtime.removeprefix("python")
    try:
        _, body = invoke(client, name)
    except ClientError as error:
        assert isinstance(executor, ProcessExecutor)
        assert error.response["Error"]["Code"] == "ServiceException"
        message = error.response["Error"]["Message"]
        assert message.startswith(f"The {runtime} runtime needs Python {version}, and ")
        assert message.endswith(f": install Python {version} as `python{version}` on the "
                                "PATH, or run functions in Docker")
        return
    assert ".".join(map(str, body)) == version


def test_a_process_function_of_a_version_this_machine_lacks_is_refused(
        client: Any, server: SimulatorServer, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    if not isinstance(server.simulator.executor, ProcessExecutor):
        pytest.skip("Docker's runtime images bring their own interpreter")
    other = "python3.13" if sys.version_info[:2] != (3, 13) else "python3.12"
    name = create_function(client, VERSION, Runtime=other)
    monkeypatch.setenv("PATH", str(tmp_path))  # no interpreter at all
    with pytest.raises(ClientError) as refused:
        invoke(client, name)
    version = other.removeprefix("python")
    assert refused.value.response["Error"] == {
        "Code": "ServiceException",
        "Message": f"The {other} runtime needs Python {version}, and no `{other}` is on this "
                   f"machine's PATH: install Python {version} as `{other}` on the PATH, or "
                   "run functions in Docker",
    }


# -- /tmp -------------------------------------------------------------------------------------


def test_each_environment_starts_with_a_tmp_of_its_own(
        client: Any, server: SimulatorServer) -> None:
    executor = server.simulator.executor
    if isinstance(executor, ProcessExecutor) and not executor.private_tmp:
        pytest.skip("this machine does not let the simulator make mount namespaces")
    writer = create_function(client, TMP_WRITER)
    reader = create_function(client, TMP_READER)
    # Under /tmp (pytest's folders, and maybe this checkout), the way to what a runtime reads
    # by its path stays: its code in the state folder, and the runtime's own files.
    read_by_path = [Path(server.simulator.settings.state_dir).resolve(),
                    RUNTIME_IMAGES_DIR.resolve()]
    leading = sorted({path.relative_to("/tmp").parts[0] for path in read_by_path
                      if path.is_relative_to("/tmp")}) \
        if isinstance(executor, ProcessExecutor) else []

    first = invoke(client, writer)[1]
    assert first == {"seen": leading, "x": "mine"}
    assert invoke(client, writer)[1]["seen"] == sorted([*leading, "x"])  # warm: still there
    assert invoke(client, reader)[1] == {"x_exists": False}  # another function's environment
    client.update_function_configuration(FunctionName=writer,
                                         Environment={"Variables": {"COLD": "1"}})
    client.get_waiter("function_updated_v2").wait(FunctionName=writer)
    assert invoke(client, writer)[1] == first  # a later cold start: a new, empty /tmp
