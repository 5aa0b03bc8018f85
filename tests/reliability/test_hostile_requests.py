"""Requests no SDK would send: broken or hostile bodies, headers and query strings far too
long, names, qualifiers and ARNs outside AWS's patterns, wrong JSON types, unknown routes and
methods. Each gets an AWS-shaped 4xx (never a 5xx, never a stack trace), and the server goes on
answering. Plain `requests`, unsigned, so nothing in a client smooths the input first."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, running_server
from tests.reliability.support import aws_error

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
VALID = {"FunctionName": "hostile-new", "Role": ROLE, "Runtime": "python3.11",
         "Handler": "app.handler"}
NESTED = b"[" * 100_000 + b"]" * 100_000
NESTED_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorServer, str]]:
    """A server (the API layer does not depend on the executor) and a function on it."""
    state_dir: Path = tmp_path_factory.mktemp("state-hostile")
    with running_server(state_dir, "process") as server:
        name = create_function(lambda_client(server.url), """
            def handler(event, context):
                return event
        """)
        yield server, name


# (method, path, request options, expected status, expected error code); `{fn}` is a real
# function, `{url}` the server.
CASES: dict[str, tuple[str, str, dict[str, Any], int, str]] = {
    # bodies
    "invoke-non-utf8": ("POST", "/2015-03-31/functions/{fn}/invocations",
                        {"data": b'"\xff\xfe"'}, 400, "InvalidRequestContentException"),
    "invoke-deeply-nested": ("POST", "/2015-03-31/functions/{fn}/invocations",
                             {"data": NESTED}, 400, "InvalidRequestContentException"),
    "create-deeply-nested": ("POST", "/2015-03-31/functions", {"data": NESTED_OBJECT}, 400,
                             "InvalidRequestContentException"),
    "create-non-utf8": ("POST", "/2015-03-31/functions", {"data": b'{"FunctionName": "\xff"}'},
                        400, "InvalidRequestContentException"),
    "create-not-json": ("POST", "/2015-03-31/functions", {"data": b"{FunctionName"}, 400,
                        "InvalidRequestContentException"),
    "create-over-70-mb": ("POST", "/2015-03-31/functions", {"data": b" " * (70 * 2**20 + 1)},
                          413, "RequestEntityTooLargeException"),
    "client-context-too-long": ("POST", "/2015-03-31/functions/{fn}/invocations",
                                {"headers": {"X-Amz-Client-Context": base64.b64encode(
                                    json.dumps({"custom": {"k": "v" * 4000}}).encode()
                                ).decode()}}, 400, "InvalidRequestContentException"),
    # wrong JSON types inside an otherwise well-formed body
    "code-not-an-object": ("POST", "/2015-03-31/functions",
                           {"json": {**VALID, "Code": "UEsFBg=="}}, 400, ""),
    "ephemeral-storage-not-an-object": ("POST", "/2015-03-31/functions",
                                        {"json": {**VALID, "EphemeralStorage": 512}}, 400, ""),
    "dead-letter-target-not-a-string": ("PUT", "/2015-03-31/functions/{fn}/configuration",
                                        {"json": {"DeadLetterConfig": {"TargetArn": 5}}},
                                        400, ""),
    "tracing-config-not-an-object": ("PUT", "/2015-03-31/functions/{fn}/configuration",
                                     {"json": {"TracingConfig": "Active"}}, 400, ""),
    "destination-config-not-an-object": ("PUT", "/2019-09-25/functions/{fn}/event-invoke-config",
                                         {"json": {"DestinationConfig": "x"}}, 400, ""),
    "on-success-not-an-object": ("PUT", "/2019-09-25/functions/{fn}/event-invoke-config",
                                 {"json": {"DestinationConfig": {"OnSuccess": "x"}}}, 400, ""),
    "scaling-config-not-an-object": ("POST", "/2015-03-31/event-source-mappings",
                                     {"json": {"FunctionName": "{fn}", "ScalingConfig": 5,
                                               "EventSourceArn":
                                               "arn:aws:sqs:us-east-1:000000000000:q"}},
                                     400, ""),
    "logs-since-not-a-number": ("GET", "/_simulator/logs/{fn}?since=yesterday", {}, 400, ""),
    "deploy-template-not-a-path": ("POST", "/_simulator/deploy", {"json": {"template": [1]}},
                                   400, ""),
    "deploy-body-not-an-object": ("POST", "/_simulator/deploy", {"json": "template.yaml"},
                                  400, ""),
    "deploy-parameters-not-strings": ("POST", "/_simulator/deploy",
                                      {"json": {"template": "template.yaml",
                                                "parameters": {"Stage": 1}}}, 400, ""),
    # names, qualifiers, ARNs
    # A name too long to exist is looked up and not found, as AWS answers it.
    "name-65-chars": ("GET", "/2015-03-31/functions/" + "a" * 65, {}, 404,
                      "ResourceNotFoundException"),
    "name-300-chars": ("GET", "/2015-03-31/functions/" + "a" * 300, {}, 400,
                       "ValidationException"),
    "name-with-space": ("GET", "/2015-03-31/functions/a%20b", {}, 400, "ValidationException"),
    "name-with-nul": ("GET", "/2015-03-31/functions/a%00b", {}, 400, "ValidationException"),
    "name-not-ascii": ("GET", "/2015-03-31/functions/%D1%84", {}, 400, "ValidationException"),
    "qualifier-with-space": ("GET", "/2015-03-31/functions/{fn}?Qualifier=a%20b", {}, 400,
                             "ValidationException"),
    "qualifier-129-chars": ("GET", "/2015-03-31/functions/{fn}?Qualifier=" + "q" * 129, {},
                            400, "ValidationException"),
    "qualifier-10-kb": ("POST", "/2015-03-31/functions/{fn}/invocations?Qualifier="
                        + "q" * 10_000, {}, 400, "ValidationException"),
    "arn-of-another-service": ("GET", "/2015-03-31/functions/arn:aws:s3:::bucket", {}, 400,
                               "ValidationException"),
    "arn-13-digit-account": ("GET", "/2015-03-31/functions/arn:aws:lambda:us-east-1:"
                             "1234567890123:function:f", {}, 400, "ValidationException"),
    "arn-without-name": ("GET", "/2015-03-31/functions/arn:aws:lambda:us-east-1:"
                         "123456789012:function:", {}, 400, "ValidationException"),
    "list-max-items-huge": ("GET", "/2015-03-31/functions?MaxItems=" + "9" * 30, {}, 400,
                            "ValidationException"),
    # unknown routes and methods
    "root": ("GET", "/", {}, 404, "UnknownOperationException"),
    "unknown-version": ("GET", "/2099-01-01/functions", {}, 404, "UnknownOperationException"),
    "unknown-path": ("POST", "/2015-03-31/nothing/here", {}, 404, "UnknownOperationException"),
    "patch-functions": ("PATCH", "/2015-03-31/functions", {}, 405, "MethodNotAllowedException"),
    "trace-function": ("TRACE", "/2015-03-31/functions/{fn}", {}, 405,
                       "MethodNotAllowedException"),
    "propfind": ("PROPFIND", "/2015-03-31/functions", {}, 405, "MethodNotAllowedException"),
    "get-invocations": ("GET", "/2015-03-31/functions/{fn}/invocations", {}, 405,
                        "MethodNotAllowedException"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_request_gets_an_aws_4xx(api: tuple[SimulatorServer, str], case: str) -> None:
    server, name = api
    method, path, options, status, code = CASES[case]
    options = json.loads(json.dumps(options).replace("{fn}", name)) if "json" in options \
        else options
    response = requests.request(method, server.url + path.replace("{fn}", name), timeout=60,
                                **options)
    got_status, got_code, message = aws_error(response)
    assert (got_status, got_code if code else "") == (status, code), message[:300]
    assert requests.get(f"{server.url}/_simulator/health", timeout=10).ok


@pytest.mark.parametrize(
    ("case", "options"),
    [
        ("header-70-kb", {"headers": {"X-Padding": "a" * 70_000}}),
        ("200-headers", {"headers": {f"X-Padding-{n}": "a" for n in range(200)}}),
        ("url-70-kb", {"path": "/2015-03-31/functions/" + "a" * 70_000}),
        ("query-70-kb", {"path": "/2015-03-31/functions?Marker=" + "m" * 70_000}),
    ],
)
def test_oversized_request_lines_and_headers_are_refused_without_harm(
    api: tuple[SimulatorServer, str], case: str, options: dict[str, Any]
) -> None:
    """Refused by the HTTP layer before any route runs: a 4xx status (414 or 431), no trace."""
    server, name = api
    path = options.get("path", f"/2015-03-31/functions/{name}")
    response = requests.get(server.url + path, headers=options.get("headers"), timeout=30)
    assert 400 <= response.status_code < 500, response.status_code
    assert "Traceback" not in response.text
    assert requests.get(f"{server.url}/2015-03-31/functions/{name}", timeout=10).ok
