"""A property-based fuzz of every route the server has (read from its own URL map, so new
routes are fuzzed as they appear): random methods, path segments, query strings, headers and
bodies (random bytes, random JSON, and bodies shaped like the API's own). Properties: no 5xx
but a deliberate ServiceException (or an API Gateway-style gateway error on the HTTP event
routes), errors of the Lambda API AWS-shaped, no stack trace, no hang, and the server still
healthy at the end.

The suite sends 2,000 requests; `LAMBDA_SIM_FUZZ_REQUESTS=10000` (or more) runs the long
version (see docs/RELIABILITY.md)."""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, create_function, lambda_client, make_zip, running_server

REQUESTS = int(os.environ.get("LAMBDA_SIM_FUZZ_REQUESTS", "2000"))
TIMEOUT_SECONDS = 30
TARGET = "fuzz-target"
HANDLER = "def handler(event, context):\n    return event\n"
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
GATEWAY_PATHS = re.compile(r"/_simulator/(http|url)/")
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"]
ZIP_B64 = base64.b64encode(make_zip({"app.py": HANDLER})).decode()
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:fuzz-queue"

KNOWN_KEYS = [
    "FunctionName", "Role", "Runtime", "Handler", "Code", "ZipFile", "S3Bucket", "Timeout",
    "MemorySize", "Environment", "Variables", "EphemeralStorage", "Size", "DeadLetterConfig",
    "TargetArn", "TracingConfig", "Mode", "Architectures", "Description", "Layers", "Publish",
    "PackageType", "RevisionId", "DryRun", "ReservedConcurrentExecutions",
    "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig", "OnSuccess",
    "OnFailure", "Destination", "EventSourceArn", "BatchSize", "MaximumBatchingWindowInSeconds",
    "Enabled", "FunctionResponseTypes", "ScalingConfig", "MaximumConcurrency", "FilterCriteria",
    "AuthType", "Cors", "InvokeMode", "AllowOrigins", "MaxAge", "Name", "FunctionVersion",
    "RoutingConfig", "AdditionalVersionWeights", "ProvisionedConcurrentExecutions", "apiId",
    "routeKey", "functionName", "payloadFormatVersion", "stage", "template", "parameters",
    "CodeSha256",
]
NAMES = [TARGET, "missing-function", f"{TARGET}:$LATEST", f"{TARGET}:1", f"{TARGET}:live",
         f"arn:aws:lambda:us-east-1:000000000000:function:{TARGET}",
         f"arn:aws:lambda:us-east-1:000000000000:function:{TARGET}:$LATEST",
         "arn:aws:lambda:us-east-1:123456789012:function:other", "live", "1", "$LATEST"]
QUERY_NAMES = ["Qualifier", "Marker", "MaxItems", "FunctionName", "EventSourceArn", "since",
               "FunctionVersion", "ListVersions"]
HEADER_VALUES = {
    "X-Amz-Invocation-Type": ["RequestResponse", "Event", "DryRun", "event", ""],
    "X-Amz-Log-Type": ["None", "Tail", "tail"],
    "X-Amz-Client-Context": [base64.b64encode(b'{"custom": {"a": 1}}').decode(), "%%%", "e30="],
    "Content-Type": ["application/json", "application/x-amz-json-1.1", "text/plain",
                     "multipart/form-data; boundary=x"],
    "Origin": ["http://example.com", "null"],
    "Access-Control-Request-Method": ["GET", "POST"],
    "X-Amzn-Trace-Id": ["Root=1-00000000-000000000000000000000000", "junk"],
}

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
json_leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                        st.floats(allow_nan=True, allow_infinity=True), text,
                        st.sampled_from(NAMES + [ROLE, ZIP_B64, QUEUE_ARN, "python3.11",
                                                 "app.handler", "nodejs20.x", "x86_64"]))
json_values = st.recursive(
    json_leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(KNOWN_KEYS), text), children, max_size=5)),
    max_leaves=12)
api_shaped = st.tuples(
    st.fixed_dictionaries(
        {"FunctionName": st.one_of(st.sampled_from(NAMES), text),
         "Role": st.sampled_from([ROLE, "role"]),
         "Runtime": st.sampled_from(["python3.11", "python3.13", "java8", "nodejs20.x", ""]),
         "Handler": st.sampled_from(["app.handler", "nope.handler", ""]),
         "Code": st.one_of(st.fixed_dictionaries({"ZipFile": st.sampled_from([ZIP_B64, "!!"])}),
                           json_values)}),
    st.dictionaries(st.sampled_from(KNOWN_KEYS), json_values, max_size=4),
).map(lambda parts: {**parts[0], **parts[1]})
bodies = st.one_of(
    st.none(),
    st.binary(max_size=300),
    json_values.map(lambda value: json.dumps(value).encode()),
    api_shaped.map(lambda value: json.dumps(value).encode()),
)
header_sets = st.dictionaries(
    st.sampled_from(sorted(HEADER_VALUES)),
    st.one_of(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
              .map(str.strip),
              st.sampled_from(sorted({v for values in HEADER_VALUES.values() for v in values}))),
    max_size=4)
queries = st.dictionaries(st.sampled_from(QUERY_NAMES),
                          st.one_of(text, st.sampled_from(["1", "50", "0", "-1", "$LATEST"])),
                          max_size=3)


def route_templates(server: SimulatorServer) -> list[tuple[str, list[str]]]:
    """Every rule of the server's app, with the methods it declares."""
    return sorted((rule.rule, sorted(rule.methods or ()))
                  for rule in server.simulator.app.url_map.iter_rules())


def fill(template: str, values: list[str]) -> str:
    """The rule with its placeholders replaced, percent-encoded (path converters keep `/`)."""
    supply = iter(values)

    def one(match: re.Match[str]) -> str:
        safe = ":$/" if match.group("converter") == "path" else ":$"
        return quote(next(supply), safe=safe)

    return PLACEHOLDER.sub(one, template)


class Outcomes:
    """What the fuzz saw: counts by status, the slowest answer, and every broken property,
    one example kept per kind (route, method, status, start of the message)."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.sent = 0
        self.slowest = (0.0, "")
        self.violations: dict[tuple[str, str, int, str], str] = {}
        self.violation_count = 0
        self.started = time.monotonic()

    def record(self, template: str, method: str, status: int, problem: str | None,
               seconds: float, example: str) -> None:
        self.sent += 1
        self.statuses[status] += 1
        if seconds > self.slowest[0]:
            self.slowest = (seconds, example[:120])
        if problem is not None:
            self.violation_count += 1
            self.violations.setdefault((template, method, status, problem[:60]), example)

    def report(self) -> str:
        elapsed = time.monotonic() - self.started
        return (f"{self.sent} requests in {elapsed:.0f} s ({self.sent / elapsed:.0f}/s), "
                f"statuses {dict(sorted(self.statuses.items()))}, slowest "
                f"{self.slowest[0]:.2f} s ({self.slowest[1]}), {self.violation_count} "
                f"violations of {len(self.violations)} kinds")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    state_dir: Path = tmp_path_factory.mktemp("state-fuzz")
    with running_server(state_dir, "process", async_retry_delay=0.2) as server:
        yield server


def check(response: requests.Response, method: str, path: str) -> str | None:
    """What is wrong with an answer, or None: the properties every answer must have."""
    if "Traceback (most recent call last)" in response.text:
        return "a stack trace in the answer"
    if method == "HEAD":  # no body to judge: the error type header must still be there
        if response.status_code >= 400 and path.startswith("/20") \
                and not response.headers.get("x-amzn-errortype"):
            return "an error without x-amzn-errortype"
        return None
    body = _json_object(response)
    if response.status_code >= 500:
        if body is None:
            return "a 5xx that is not a JSON object"
        if GATEWAY_PATHS.match(path):
            return None  # API Gateway's own 500/502 answers, as the HTTP event routes model
        if response.headers.get("x-amzn-errortype") != "ServiceException":
            return f"a 5xx that is not a ServiceException: {response.text[:200]}"
        message = str(body.get("Message", ""))
        if message.startswith("An internal error occurred"):
            return message
    if response.status_code >= 400 and path.startswith("/20"):
        if not response.headers.get("x-amzn-errortype") or body is None \
                or not body.get("__type"):
            return f"an error that is not AWS-shaped: {response.text[:200]}"
    return None


def _json_object(response: requests.Response) -> dict[str, Any] | None:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def test_every_route_survives_random_requests(fuzz_server: SimulatorServer) -> None:
    client = lambda_client(fuzz_server.url)
    create_function(client, HANDLER, name=TARGET)
    templates = route_templates(fuzz_server)
    outcomes = Outcomes()
    session = requests.Session()

    @settings(max_examples=REQUESTS, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one_request(data: st.DataObject) -> None:
        template, declared = data.draw(st.sampled_from(templates), label="route")
        method = data.draw(st.one_of(st.sampled_from(declared), st.sampled_from(METHODS)),
                           label="method")
        values = [data.draw(st.one_of(st.sampled_from(NAMES), text), label=name)
                  for _, name in PLACEHOLDER.findall(template)]
        path = fill(template, values)
        query = data.draw(queries, label="query")
        url = fuzz_server.url + path + (f"?{urlencode(query)}" if query else "")
        headers = data.draw(header_sets, label="headers")
        body = data.draw(bodies, label="body")
        example = f"{method} {url[len(fuzz_server.url):]} headers={headers} body={body!r}"
        started = time.monotonic()
        try:
            response = session.request(method, url, data=body, headers=headers,
                                       timeout=TIMEOUT_SECONDS)
        except requests.Timeout:
            outcomes.record(template, method, 0, f"no answer in {TIMEOUT_SECONDS} s",
                            TIMEOUT_SECONDS, example)
            return
        outcomes.record(template, method, response.status_code, check(response, method, path),
                        time.monotonic() - started, example)
        if method == "DELETE" and response.status_code == 204 and TARGET in path:
            _recreate(client)

    one_request()
    print(f"\nfuzz: {outcomes.report()}")
    for (template, method, status, problem), example in sorted(outcomes.violations.items()):
        print(f"  {status} {method} {template}: {problem}\n      e.g. {example[:300]}")
    health = requests.get(f"{fuzz_server.url}/_simulator/health", timeout=10)
    assert health.ok and health.json()["status"] == "ok"
    assert outcomes.sent >= REQUESTS
    assert not outcomes.violations, (
        f"{len(outcomes.violations)} kinds of broken answers: "
        + "; ".join(f"{status} {method} {template}: {problem}" for
                    (template, method, status, problem) in sorted(outcomes.violations)))


def _recreate(client: Any) -> None:
    """Keep the target function around for the requests that follow a delete of it."""
    try:
        client.get_function(FunctionName=TARGET)
    except client.exceptions.ResourceNotFoundException:
        create_function(client, HANDLER, name=TARGET)
