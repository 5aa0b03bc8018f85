"""Response streaming on a real server, with each executor: boto3's
`invoke_with_response_stream` reading a Node.js function's `PayloadChunk`s as they are
written, a buffered Python answer as one chunk, a stream that fails midway; a function URL
in `RESPONSE_STREAM` mode read with `http.client`, its chunks timed; a custom runtime's own
streamed response; and the dashboard showing a streamed invocation."""

from __future__ import annotations

import base64
import http.client
import json
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.test_node_and_custom_runtimes import (
    SLOW_MACHINE_TIMEOUT,
    custom_function,
    node_function,
    require_runtime,
)
from tests.helpers import create_function

NODE = "nodejs20.x"
PAUSE_SECONDS = 1.0

# Writes, waits, writes again: the pause shows whether a chunk waited for the next.
STREAMING = """
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  responseStream.setContentType('text/plain');
  responseStream.write('first ');
  await pause(event.pauseMs ?? 0);
  responseStream.write('second ');
  responseStream.write(Buffer.from('third'));
  if (event.fail) throw new Error('gave up midway');
  responseStream.end();
});
"""

# For a function URL: the status, headers and cookies come first, then the body as written.
HTTP_STREAMING = """
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Streamed-By': 'node' },
    cookies: ['flavour=chunky', 'size=large'],
  });
  stream.write('before the pause\\n');
  await pause(Number(event.queryStringParameters.pauseMs));
  stream.write('after the pause\\n');
  stream.end();
});
"""

# A custom runtime in bash alone, streaming its answer over /dev/tcp in two chunks, and its
# error, when asked to fail, in the trailers.
BASH_STREAMING_BOOTSTRAP = r"""#!/bin/bash
set -eu
export LC_ALL=C
host=${AWS_LAMBDA_RUNTIME_API%:*}
port=${AWS_LAMBDA_RUNTIME_API##*:}
api=/2018-06-01/runtime

chunk() { printf '%x\r\n%s\r\n' "${#1}" "$1" >&3; }

while true; do
    exec 3<>"/dev/tcp/$host/$port"
    printf 'GET %s/invocation/next HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' \
        "$api" "$host" >&3
    request_id=""
    while IFS= read -r line <&3; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        case ${line,,} in lambda-runtime-aws-request-id:*) request_id=${line#*: } ;; esac
    done
    event=$(cat <&3)
    exec 3<&-
    exec 3<>"/dev/tcp/$host/$port"
    printf 'POST %s/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n' "$api" "$request_id" \
        "$host" >&3
    printf 'Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n' >&3
    printf 'Content-Type: text/plain\r\nConnection: close\r\n' >&3
    printf 'Trailer: Lambda-Runtime-Function-Error-Type, %s\r\n\r\n' \
        Lambda-Runtime-Function-Error-Body >&3
    chunk "streamed "
    sleep 1
    chunk "by bash"
    case $event in
        *fail*)
            error='{"errorType":"Runtime.BashGaveUp","errorMessage":"no more"}'
            body=$(printf '%s' "$error" | base64 -w0)
            printf '0\r\nLambda-Runtime-Function-Error-Type: Runtime.BashGaveUp\r\n' >&3
            printf 'Lambda-Runtime-Function-Error-Body: %s\r\n\r\n' "$body" >&3 ;;
        *) printf '0\r\n\r\n' >&3 ;;
    esac
    cat <&3 >/dev/null
    exec 3<&-
done
"""


@pytest.fixture
def node(server: SimulatorServer) -> str:
    require_runtime(server, NODE)
    return NODE


def streamed(client: Any, name: str, payload: Any, **options: Any
             ) -> tuple[dict[str, Any], list[tuple[float, dict[str, Any]]]]:
    """The response, and each event with the seconds since the invoke when it arrived."""
    started = time.monotonic()
    response = client.invoke_with_response_stream(FunctionName=name,
                                                  Payload=json.dumps(payload), **options)
    return response, [(time.monotonic() - started, event) for event in response["EventStream"]]


def payloads(events: list[tuple[float, dict[str, Any]]]) -> list[bytes]:
    return [event["PayloadChunk"]["Payload"] for _, event in events if "PayloadChunk" in event]


def test_boto3_reads_a_node_stream_chunk_by_chunk_as_it_is_written(client: Any,
                                                                   node: str) -> None:
    name = node_function(client, {"index.mjs": STREAMING})

    response, events = streamed(client, name, {"pauseMs": PAUSE_SECONDS * 1000})

    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert b"".join(payloads(events)) == b"first second third"
    assert events[-1][1] == {"InvokeComplete": {}}
    first_arrived, _ = events[0]
    assert events[-1][0] - first_arrived >= PAUSE_SECONDS * 0.8  # not held back for the rest


def test_a_stream_that_fails_midway_ends_with_the_error(client: Any, node: str) -> None:
    name = node_function(client, {"index.mjs": STREAMING})

    _, events = streamed(client, name, {"fail": True}, LogType="Tail")

    assert b"".join(payloads(events)) == b"first second third"
    complete = events[-1][1]["InvokeComplete"]
    assert complete["ErrorCode"] == "Error"
    details = json.loads(complete["ErrorDetails"])
    assert (details["errorType"], details["errorMessage"]) == ("Error", "gave up midway")
    log = base64.b64decode(complete["LogResult"]).decode()
    assert "Invoke Error" in log and "gave up midway" in log


def test_a_function_that_does_not_stream_answers_in_one_chunk(client: Any) -> None:
    name = create_function(client, """
        def handler(event, context):
            return {"echo": event}
    """)

    response, events = streamed(client, name, {"hello": "python"})

    assert [event for _, event in events] == [
        {"PayloadChunk": {"Payload": b'{"echo": {"hello": "python"}}'}},
        {"InvokeComplete": {}},
    ]
    assert response["ExecutedVersion"] == "$LATEST"


def test_a_streaming_function_invoked_as_usual_answers_whole(client: Any, node: str) -> None:
    name = node_function(client, {"index.mjs": STREAMING})

    response = client.invoke(FunctionName=name, Payload=b"{}")

    assert response["Payload"].read() == b"first second third"
    assert "FunctionError" not in response


def test_a_function_url_in_response_stream_mode_sends_chunks_as_written(
        client: Any, node: str) -> None:
    name = node_function(client, {"index.mjs": HTTP_STREAMING})
    url = urlsplit(client.create_function_url_config(
        FunctionName=name, AuthType="NONE", InvokeMode="RESPONSE_STREAM")["FunctionUrl"])
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)

    started = time.monotonic()
    connection.request("GET", f"{url.path}?pauseMs={int(PAUSE_SECONDS * 1000)}")
    response = connection.getresponse()
    arrivals: list[tuple[float, bytes]] = []
    while data := response.read1(65536):
        arrivals.append((time.monotonic() - started, data))

    assert response.status == 201
    assert response.getheader("Transfer-Encoding") == "chunked"
    assert response.getheader("Content-Length") is None
    assert response.getheader("Content-Type") == "text/plain; charset=utf-8"
    assert response.getheader("X-Streamed-By") == "node"
    assert response.headers.get_all("Set-Cookie") == ["flavour=chunky", "size=large"]
    assert b"".join(data for _, data in arrivals) == b"before the pause\nafter the pause\n"
    first_arrived, first = arrivals[0]
    assert first == b"before the pause\n"  # the client has it before the handler returns
    assert arrivals[-1][0] - first_arrived >= PAUSE_SECONDS * 0.8


def test_a_custom_runtime_streams_its_own_response(client: Any, server: SimulatorServer) -> None:
    require_runtime(server, "provided.al2023")
    name = custom_function(client, {"bootstrap": BASH_STREAMING_BOOTSTRAP})

    _, events = streamed(client, name, {"hello": "bash"})
    _, failed = streamed(client, name, {"please": "fail"})

    assert payloads(events) == [b"streamed ", b"by bash"]
    assert events[1][0] - events[0][0] >= 0.8  # the second chunk came a second later
    assert events[-1][1] == {"InvokeComplete": {}}
    assert payloads(failed) == [b"streamed ", b"by bash"]
    complete = failed[-1][1]["InvokeComplete"]
    assert complete["ErrorCode"] == "Runtime.BashGaveUp"
    assert json.loads(complete["ErrorDetails"])["errorMessage"] == "no more"


# -- the dashboard -----------------------------------------------------------------------------

def test_the_dashboard_shows_a_streamed_invocation_with_its_chunks(
        server: SimulatorServer, client: Any, node: str, browser: Any) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    name = node_function(client, {"index.mjs": STREAMING}, Timeout=SLOW_MACHINE_TIMEOUT)
    streamed(client, name, {})
    browser.get(f"{server.url}/_simulator/ui")
    wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))

    def response_cell(driver: Any) -> str:
        for row in driver.find_elements(By.CSS_SELECTOR, "#invocations tbody tr"):
            if name in row.text:
                return str(row.find_element(By.CSS_SELECTOR, "td.response").text)
        return ""

    # Read within the wait: the table is drawn anew on every refresh.
    shown = wait.until(lambda d: (text := response_cell(d)).startswith("streamed: ") and text)
    assert shown.startswith("streamed: 3 chunks, 18 B, first after "), shown
