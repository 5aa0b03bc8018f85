"""The Runtime API and the environment behind it, with the test acting as the runtime."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from simulator.api.runtime_api import RuntimeApiListener
from simulator.environments.environment import Environment
from simulator.executors.base import ExitStatus
from simulator.models import FunctionConfig, Invocation, InvocationResult

ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-function"
TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
BASE = "/2018-06-01/runtime"
NEXT = f"{BASE}/invocation/next"


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Runtime:
    """Plays the runtime's side of the Runtime API against one environment's listener."""

    environment: Environment
    listener: RuntimeApiListener
    owners: dict[str, str]
    log: list[tuple[str, str]] = field(default_factory=list)

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        source: str | None = None,
    ) -> Reply:
        host, port = self.listener.address.rsplit(":", 1)
        connection = http.client.HTTPConnection(
            host, int(port), timeout=5, source_address=(source, 0) if source else None
        )
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def next(self, **kwargs: str) -> Reply:
        return self.call("GET", NEXT, **kwargs)

    def respond(self, request_id: str, body: bytes = b'"ok"', **kwargs: str) -> Reply:
        return self.call("POST", f"{BASE}/invocation/{request_id}/response", body, **kwargs)

    def lines(self) -> list[str]:
        return [line for _, line in self.log]


def invocation(payload: bytes = b'{"key": "value"}', **fields: Any) -> Invocation:
    return Invocation(payload=payload, invoked_arn=ARN, **fields)


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    function = FunctionConfig(
        name="my-function",
        runtime="python3.12",
        role="arn:aws:iam::123456789012:role/lambda-role",
        handler="app.handler",
        code_sha256="47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        code_size=100,
        timeout=1,
        state="Active",
    )
    log: list[tuple[str, str]] = []
    environment = Environment(
        function,
        emit_log=lambda stream, line: log.append((stream, line)),
        writes_end_marker=False,
    )
    owners: dict[str, str] = {}
    listener = RuntimeApiListener(environment, "127.0.0.1", owner_of=owners.get)
    yield Runtime(environment, listener, owners, log)
    environment.stop()
    listener.close()


def taken(runtime: Runtime, inv: Invocation) -> Invocation:
    """Assign `inv` and let the runtime pick it up."""
    runtime.environment.assign(inv)
    assert runtime.next().status == 200
    return inv


def finished(inv: Invocation) -> InvocationResult:
    """The invocation's result, once its log is complete too (END and REPORT are written
    after the runtime has its reply)."""
    assert inv.done.wait(5), "the invocation never finished"
    assert inv.result is not None
    if inv.result.log_record is not None:
        assert inv.result.log_record.complete.wait(5), "its log never completed"
    return inv.result


# -- /invocation/next -------------------------------------------------------------------------


def test_next_returns_the_event_with_the_runtime_headers(runtime: Runtime) -> None:
    inv = invocation(trace_id=TRACE_ID)
    runtime.environment.assign(inv)
    before_ms = int(time.time() * 1000)

    reply = runtime.next()

    after_ms = int(time.time() * 1000)
    assert reply.status == 200
    assert reply.body == b'{"key": "value"}'
    assert reply.headers["Lambda-Runtime-Aws-Request-Id"] == inv.request_id
    assert reply.headers["Lambda-Runtime-Invoked-Function-Arn"] == ARN
    assert reply.headers["Lambda-Runtime-Trace-Id"] == TRACE_ID
    deadline_ms = int(reply.headers["Lambda-Runtime-Deadline-Ms"])
    assert before_ms + 1000 <= deadline_ms <= after_ms + 1000
    assert inv.dispatched.is_set()


def test_next_leaves_out_empty_context_headers(runtime: Runtime) -> None:
    runtime.environment.assign(invocation())

    reply = runtime.next()

    assert reply.headers["Lambda-Runtime-Client-Context"] is None
    assert reply.headers["Lambda-Runtime-Cognito-Identity"] is None
    assert reply.headers["Lambda-Runtime-Aws-Tenant-Id"] is None


def test_next_passes_client_context_and_identity(runtime: Runtime) -> None:
    context = '{"custom": {"k": "v"}, "env": {}, "client": {}}'
    identity = '{"cognitoIdentityId": "id", "cognitoIdentityPoolId": "pool"}'
    runtime.environment.assign(invocation(client_context=context, cognito_identity=identity))

    reply = runtime.next()

    assert json.loads(reply.headers["Lambda-Runtime-Client-Context"]) == json.loads(context)
    assert json.loads(reply.headers["Lambda-Runtime-Cognito-Identity"]) == json.loads(identity)


def test_next_names_the_tenant_of_a_tenant_isolated_invocation(runtime: Runtime) -> None:
    runtime.environment.assign(invocation(tenant_id="blue"))

    reply = runtime.next()

    assert reply.headers["Lambda-Runtime-Aws-Tenant-Id"] == "blue"


def test_next_waits_until_there_is_work(runtime: Runtime) -> None:
    replies: list[Reply] = []
    poller = threading.Thread(target=lambda: replies.append(runtime.next()))
    poller.start()
    time.sleep(0.2)
    assert replies == []

    inv = invocation()
    runtime.environment.assign(inv)
    poller.join(5)

    assert replies[0].status == 200
    assert replies[0].headers["Lambda-Runtime-Aws-Request-Id"] == inv.request_id


# -- /invocation/{id}/response and /error -----------------------------------------------------


def test_response_is_accepted_and_becomes_the_result(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    reply = runtime.respond(inv.request_id, b'{"statusCode": 200}')

    assert reply.status == 202
    assert reply.json() == {"status": "OK"}
    result = finished(inv)
    assert result.payload == b'{"statusCode": 200}'
    assert not result.failed


@pytest.mark.parametrize(("told", "kept"), [("0.125", 0.125), ("soon", None), ("-1", None),
                                            ("inf", None), ("", None)])
def test_the_runtimes_own_duration_is_kept_and_a_bad_one_is_ignored(
        runtime: Runtime, told: str, kept: float | None) -> None:
    inv = taken(runtime, invocation())

    runtime.respond(inv.request_id, headers={"Lambda-Sim-Runtime-Duration-Ms": told})

    assert finished(inv).runtime_ms == kept


def test_response_sent_in_chunks_is_read_whole(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    host, port = runtime.listener.address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        connection.request(
            "POST",
            f"{BASE}/invocation/{inv.request_id}/response",
            body=iter([b'{"part": ', b'"one"', b"}"]),
            encode_chunked=True,
            headers={"Transfer-Encoding": "chunked"},
        )
        assert connection.getresponse().status == 202
    finally:
        connection.close()

    assert finished(inv).payload == b'{"part": "one"}'


def send_and_hang_up(runtime: Runtime, raw: bytes) -> bytes:
    """Send raw bytes on a fresh connection, close our side, and return what came back."""
    host, port = runtime.listener.address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(raw)
        connection.shutdown(socket.SHUT_WR)
        return connection.recv(65536)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_half_sent_response_is_refused_and_settles_nothing(runtime: Runtime,
                                                           framing: str) -> None:
    inv = taken(runtime, invocation())
    path = f"{BASE}/invocation/{inv.request_id}/response"
    if framing == "chunked":
        head = "Transfer-Encoding: chunked\r\n\r\n3e8\r\n"
    else:
        head = "Content-Length: 1000\r\n\r\n"

    answer = send_and_hang_up(runtime, f"POST {path} HTTP/1.1\r\nHost: runtime\r\n{head}"
                              .encode() + b'{"half": tr')

    assert answer == b""
    assert not inv.done.wait(0.3), "a fragment was taken for the answer"
    assert runtime.respond(inv.request_id, b'{"whole": true}').status == 202
    assert finished(inv).payload == b'{"whole": true}'


def test_malformed_content_length_is_a_bad_request(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    path = f"{BASE}/invocation/{inv.request_id}/response"

    answer = send_and_hang_up(runtime, f"POST {path} HTTP/1.1\r\nHost: runtime\r\n"
                              "Content-Length: lots\r\n\r\n".encode())

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert not inv.done.is_set()


def test_invocation_log_has_start_end_and_report(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    runtime.respond(inv.request_id)

    finished(inv)
    lines = runtime.lines()
    assert lines[0] == f"START RequestId: {inv.request_id} Version: $LATEST\n"
    assert lines[1] == f"END RequestId: {inv.request_id}\n"
    assert lines[2].startswith(f"REPORT RequestId: {inv.request_id}\tDuration: ")
    assert "\tMemory Size: 128 MB\t" in lines[2]
    assert {stream for stream, _ in runtime.log} == {runtime.environment.log_stream_name}


def test_only_the_first_invocation_reports_init_duration(runtime: Runtime) -> None:
    first = taken(runtime, invocation())
    runtime.respond(first.request_id)
    finished(first)
    runtime.environment.mark_idle()
    second = taken(runtime, invocation())
    runtime.respond(second.request_id)
    finished(second)

    reports = [line for line in runtime.lines() if line.startswith("REPORT")]
    assert "Init Duration: " in reports[0]
    assert "Init Duration" not in reports[1]


def test_error_is_accepted_and_fails_the_invocation(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    error = {"errorMessage": "boom", "errorType": "ValueError", "stackTrace": []}

    reply = runtime.call(
        "POST",
        f"{BASE}/invocation/{inv.request_id}/error",
        json.dumps(error).encode(),
        headers={"Lambda-Runtime-Function-Error-Type": "Unhandled"},
    )

    assert reply.status == 202
    result = finished(inv)
    assert result.failed
    assert json.loads(result.payload) == error


def test_unknown_request_id_is_an_invalid_request_id(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    reply = runtime.respond("00000000-0000-0000-0000-000000000000")

    assert reply.status == 400
    assert reply.json()["errorType"] == "InvalidRequestID"
    assert not inv.done.is_set()
    assert runtime.respond(inv.request_id).status == 202


def test_response_without_any_invocation_is_an_invalid_request_id(runtime: Runtime) -> None:
    reply = runtime.respond("00000000-0000-0000-0000-000000000000")

    assert reply.status == 400
    assert reply.json()["errorType"] == "InvalidRequestID"


def test_request_id_of_another_environment_is_forbidden(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    runtime.owners[inv.request_id] = "some-other-environment"

    reply = runtime.respond(inv.request_id)

    assert reply.status == 403
    assert not inv.done.is_set()


def test_request_id_of_this_environment_is_allowed(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    runtime.owners[inv.request_id] = runtime.environment.id

    assert runtime.respond(inv.request_id).status == 202
    assert finished(inv).payload == b'"ok"'


AWS_RESPONSE_LIMIT = 6_291_556  # 6 MiB and 100 bytes, as AWS's messages quote it


def test_a_response_of_exactly_awss_limit_is_taken(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    reply = runtime.respond(inv.request_id, b"x" * AWS_RESPONSE_LIMIT)

    assert reply.status == 202
    assert len(finished(inv).payload) == AWS_RESPONSE_LIMIT


def test_a_response_past_awss_limit_fails_with_awss_words(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    reply = runtime.respond(inv.request_id, b"x" * (AWS_RESPONSE_LIMIT + 1))

    assert (reply.status, reply.json()) == (413, {
        "errorMessage": "Exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "RequestEntityTooLarge"})
    result = finished(inv)
    assert result.failed
    assert json.loads(result.payload) == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
                        "(6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge"}


def test_unknown_route_is_not_found(runtime: Runtime) -> None:
    assert runtime.call("GET", f"{BASE}/invocation/nope").status == 404


# -- streamed responses (Lambda-Runtime-Function-Response-Mode: streaming) -------------------


@dataclass
class RecordingSink:
    """The invocation's caller, as the Runtime API sees it: what it was sent, and when."""

    takes: int = 1_000  # chunks it takes before its client goes away
    content_type: str | None = None
    chunks: list[bytes] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def open(self, content_type: str) -> None:
        self.content_type = content_type

    def write(self, chunk: bytes) -> bool:
        self.chunks.append(chunk)
        self.arrived.set()
        return len(self.chunks) < self.takes


class StreamingRuntime:
    """The runtime's side of one streamed response, written on a raw connection."""

    def __init__(self, runtime: Runtime, request_id: str,
                 content_type: str = "text/plain") -> None:
        host, port = runtime.listener.address.rsplit(":", 1)
        self.connection = socket.create_connection((host, int(port)), timeout=5)
        self.connection.sendall(
            f"POST {BASE}/invocation/{request_id}/response HTTP/1.1\r\nHost: runtime\r\n"
            "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
            f"Transfer-Encoding: chunked\r\nContent-Type: {content_type}\r\n\r\n".encode())

    def write(self, chunk: bytes) -> None:
        self.connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def end(self, **trailers: str) -> bytes:
        """The last chunk, the trailers, and the Runtime API's reply."""
        fields = "".join(f"{name.replace('_', '-')}: {value}\r\n"
                         for name, value in trailers.items())
        self.connection.sendall(b"0\r\n" + fields.encode() + b"\r\n")
        reply = self.connection.recv(65536)
        self.connection.close()
        return reply


def test_streamed_chunks_reach_the_caller_as_they_arrive(runtime: Runtime) -> None:
    sink = RecordingSink()
    inv = taken(runtime, invocation(response_sink=sink))
    stream = StreamingRuntime(runtime, inv.request_id)

    stream.write(b"first ")
    assert sink.arrived.wait(5), "the first chunk waited for the rest"
    assert sink.chunks == [b"first "]
    assert not inv.done.is_set()
    stream.write(b"second")
    reply = stream.end(Lambda_Sim_Max_Memory_Kb="51200")

    assert reply.startswith(b"HTTP/1.1 202 ")
    result = finished(inv)
    assert sink.content_type == "text/plain"
    assert sink.chunks == [b"first ", b"second"]
    assert (result.payload, result.error_type) == (b"", None)
    assert result.streamed is not None
    assert (result.streamed.content_type, result.streamed.chunks,
            result.streamed.total_bytes) == ("text/plain", 2, 12)
    assert result.streamed.first_chunk_ms is not None
    assert result.streamed.first_chunk_ms <= result.duration_ms
    report = next(line for line in runtime.lines() if line.startswith("REPORT"))
    assert "\tMax Memory Used: 50 MB\t" in report


def test_error_trailers_end_a_stream_as_a_function_error(runtime: Runtime) -> None:
    sink = RecordingSink()
    inv = taken(runtime, invocation(response_sink=sink))
    stream = StreamingRuntime(runtime, inv.request_id)
    error = {"errorType": "Error", "errorMessage": "broke midway", "trace": []}

    stream.write(b"partial")
    reply = stream.end(Lambda_Runtime_Function_Error_Type="Error",
                       Lambda_Runtime_Function_Error_Body=base64.b64encode(
                           json.dumps(error).encode()).decode())

    assert reply.startswith(b"HTTP/1.1 202 ")
    result = finished(inv)
    assert sink.chunks == [b"partial"]
    assert result.error_type == "Error"
    assert json.loads(result.payload) == error


def test_a_stream_for_a_caller_that_takes_it_whole_is_gathered(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    stream = StreamingRuntime(runtime, inv.request_id, content_type="application/json")

    stream.write(b'{"streamed": ')
    stream.write(b"true}")
    reply = stream.end()

    assert reply.startswith(b"HTTP/1.1 202 ")
    result = finished(inv)
    assert result.payload == b'{"streamed": true}'
    assert result.streamed is not None and result.streamed.chunks == 2


def test_a_stream_gathered_past_awss_limit_fails_the_invocation(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    stream = StreamingRuntime(runtime, inv.request_id)
    stream.write(b"x" * AWS_RESPONSE_LIMIT)
    stream.write(b"!")

    reply = stream.connection.recv(65536)

    assert reply.startswith(b"HTTP/1.1 413 ")
    assert reply.endswith(b'"Exceeded maximum allowed payload size (6291556 bytes).", '
                          b'"errorType": "RequestEntityTooLarge"}')
    result = finished(inv)
    assert result.error_type == "Function.ResponseSizeTooLarge"
    assert json.loads(result.payload)["errorMessage"] == (
        "Response payload size exceeded maximum allowed payload size (6291556 bytes).")


def test_chunks_after_the_caller_has_gone_are_read_and_dropped(runtime: Runtime) -> None:
    sink = RecordingSink(takes=1)
    inv = taken(runtime, invocation(response_sink=sink))
    stream = StreamingRuntime(runtime, inv.request_id)

    for chunk in (b"taken", b"dropped", b"dropped too"):
        stream.write(chunk)
    reply = stream.end()

    assert reply.startswith(b"HTTP/1.1 202 ")
    assert sink.chunks == [b"taken"]
    assert finished(inv).streamed is not None


def test_a_stream_for_an_invocation_not_held_is_an_invalid_request_id(runtime: Runtime) -> None:
    stream = StreamingRuntime(runtime, "00000000-0000-0000-0000-000000000000")

    reply = stream.connection.recv(65536)

    assert reply.startswith(b"HTTP/1.1 400 ")
    assert b"InvalidRequestID" in reply
    assert b"Connection: close" in reply  # the body it announced is left unread


# -- /init/error ------------------------------------------------------------------------------


def test_init_error_fails_the_waiting_invocation(runtime: Runtime) -> None:
    inv = invocation()
    runtime.environment.assign(inv)
    error = {
        "errorMessage": "Unable to import module 'app': No module named 'app'",
        "errorType": "Runtime.ImportModuleError",
        "stackTrace": [],
    }

    reply = runtime.call(
        "POST",
        f"{BASE}/init/error",
        json.dumps(error).encode(),
        headers={"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"},
    )

    assert reply.status == 202
    assert reply.json() == {"status": "OK"}
    result = finished(inv)
    assert result.error_type == "Runtime.ImportModuleError"
    assert json.loads(result.payload) == error
    assert not runtime.environment.alive
    assert f"END RequestId: {inv.request_id}\n" in runtime.lines()


def test_init_error_before_the_first_invoke_is_returned_to_it(runtime: Runtime) -> None:
    # The runtime can fail its import and post the error before the invoking side has
    # handed over the invocation; that first invoke must still get the error.
    error = {
        "errorMessage": "Syntax error in module 'app'",
        "errorType": "Runtime.UserCodeSyntaxError",
    }
    reply = runtime.call(
        "POST",
        f"{BASE}/init/error",
        json.dumps(error).encode(),
        headers={"Lambda-Runtime-Function-Error-Type": "Runtime.UserCodeSyntaxError"},
    )
    assert reply.status == 202
    inv = invocation()

    runtime.environment.assign(inv)

    result = finished(inv)
    assert result.error_type == "Runtime.UserCodeSyntaxError"
    assert json.loads(result.payload) == error


# -- timeouts and crashes ---------------------------------------------------------------------


def test_timed_out_invocation_gets_sandbox_timedout(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    runtime.environment.time_out(inv)

    result = finished(inv)
    assert result.error_type == "Sandbox.Timedout"
    assert json.loads(result.payload) == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {inv.request_id} Error: Task timed out after 1.00 seconds",
    }
    assert not runtime.environment.alive


def test_timeout_is_logged_before_end(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    runtime.environment.time_out(inv)

    finished(inv)
    lines = runtime.lines()
    end = lines.index(f"END RequestId: {inv.request_id}\n")
    assert lines[end - 1].endswith(f" {inv.request_id} Task timed out after 1.00 seconds\n")


def test_late_response_after_a_timeout_changes_nothing(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    runtime.environment.time_out(inv)

    reply = runtime.respond(inv.request_id, b'"too late"')

    assert reply.status == 400
    assert finished(inv).error_type == "Sandbox.Timedout"


def test_runtime_exit_fails_the_held_invocation(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    runtime.environment.died(ExitStatus(exit_code=1))

    result = finished(inv)
    assert result.error_type == "Runtime.ExitError"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: {inv.request_id} Error: Runtime exited with error: "
        "exit status 1",
    }
    assert not runtime.environment.alive


def test_runtime_exit_before_taking_the_invocation_fails_it(runtime: Runtime) -> None:
    inv = invocation()
    runtime.environment.assign(inv)

    runtime.environment.died(ExitStatus.from_code(-11))

    result = finished(inv)
    assert result.error_type == "Runtime.ExitError"
    assert json.loads(result.payload)["errorMessage"].endswith(
        "Error: Runtime exited with error: signal: segmentation fault"
    )
    assert runtime.lines()[0] == f"START RequestId: {inv.request_id} Version: $LATEST\n"


def test_runtime_killed_for_memory_is_out_of_memory(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())

    runtime.environment.died(ExitStatus.from_code(137, oom_killed=True))

    result = finished(inv)
    assert result.error_type == "Runtime.OutOfMemory"
    assert json.loads(result.payload)["errorMessage"] == (
        f"RequestId: {inv.request_id} Error: Runtime exited with error: signal: killed"
    )


def test_exit_after_the_response_keeps_the_response(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())
    runtime.respond(inv.request_id, b'"done"')

    runtime.environment.died(ExitStatus(exit_code=1))

    assert finished(inv).payload == b'"done"'


# -- who may call -----------------------------------------------------------------------------


def test_a_second_peer_address_is_refused(runtime: Runtime) -> None:
    inv = taken(runtime, invocation())  # the runtime called first, from 127.0.0.1

    intruder = runtime.respond(inv.request_id, b'"forged"', source="127.0.0.2")

    assert intruder.status == 403
    assert not inv.done.is_set()
    assert runtime.respond(inv.request_id, b'"real"').status == 202
    assert finished(inv).payload == b'"real"'


def test_the_second_peer_cannot_take_work_either(runtime: Runtime) -> None:
    runtime.environment.assign(invocation())
    assert runtime.call("GET", f"{BASE}/invocation/unknown").status == 404  # claims the peer

    assert runtime.next(source="127.0.0.2").status == 403
    assert runtime.next().status == 200
