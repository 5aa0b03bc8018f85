"""The Runtime API (`/2018-06-01/runtime/...`) as the Lambda service serves it to a runtime.

Each environment gets a listener of its own, so a runtime can only ever see the environment
it was started for: the official clients know nothing but `host:port`. The listener is a
lean `http.server` rather than Flask because it sits on every invocation's path.

A response the runtime streams (`Lambda-Runtime-Function-Response-Mode: streaming`, chunked)
goes on to the invocation's caller chunk by chunk as it arrives; error trailers
(`Lambda-Runtime-Function-Error-Type`, `Lambda-Runtime-Function-Error-Body`) end it as a
function error, as AWS's Runtime API has it."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from simulator.api.request_headers import QuickHeadParsing
from simulator.environments.environment import Environment, RuntimeApiError
from simulator.models import Invocation, ResponseSink, StreamedResponse

log = logging.getLogger(__name__)

# AWS's limit on a buffered response: 6 MiB and 100 bytes, as its messages quote it.
MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100
# AWS's default maximum for a streamed response since July 2025 (20 MB before).
MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024
RESPONSE_MODE_HEADER = "Lambda-Runtime-Function-Response-Mode"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
ERROR_BODY_TRAILER = "Lambda-Runtime-Function-Error-Body"
MEMORY_HEADER = "Lambda-Sim-Max-Memory-Kb"
# Our runtimes say how long they held an invocation, so the server's share can be told apart.
RUNTIME_DURATION_HEADER = "Lambda-Sim-Runtime-Duration-Ms"
TOO_LARGE = "Function.ResponseSizeTooLarge"
INVOCATION_ROUTE = re.compile(r"/2018-06-01/runtime/invocation/([^/]+)/(response|error)")
NEXT_ROUTE = "/2018-06-01/runtime/invocation/next"
INIT_ERROR_ROUTE = "/2018-06-01/runtime/init/error"

OwnerOf = Callable[[str], "str | None"]


@dataclass
class PassedOn:
    """What a streamed response's chunks came to."""

    chunks: int = 0
    total_bytes: int = 0
    first_chunk_ms: float | None = None
    gathered: list[bytes] = field(default_factory=list)  # kept for a caller without a sink
    too_large: bool = False


class TruncatedBody(Exception):
    """The runtime's connection ended before the body it announced was complete."""


class RuntimeApiListener:
    """One environment's Runtime API, on `host` at a free port."""

    def __init__(self, environment: Environment, host: str, owner_of: OwnerOf) -> None:
        self.environment = environment
        self.owner_of = owner_of
        self.peer_host: str | None = None
        self._server = _Server((host, 0), _Handler)
        self._server.listener = self
        port = self._server.server_address[1]
        self.address = f"{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.25},
            name=f"runtime-api-{environment.id[:8]}", daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        threading.Thread(target=self._shutdown, daemon=True).start()

    def _shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    listener: RuntimeApiListener

    def handle_error(self, request: object, client_address: object) -> None:
        """A runtime killed mid-request drops its connection: expected, not worth a trace."""
        log.debug("runtime connection from %s ended abruptly", client_address, exc_info=True)


class _Handler(QuickHeadParsing, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the runtime's calls are not the user's business."""

    def do_GET(self) -> None:  # noqa: N802
        if not self._admitted():
            return
        if self.path != NEXT_ROUTE:
            self._send_error(404, "UnknownRoute", f"no such route: GET {self.path}")
            return
        environment = self.server.listener.environment
        try:
            invocation = environment.next_invocation(self._deliver)
        except RuntimeApiError as error:
            self._send_error(error.status, error.error_type, error.message)
            return
        if invocation is None:
            self.close_connection = True
            self._send_error(410, "EnvironmentGone", "this execution environment is shutting down")
            return
        if not invocation.delivered:
            self._deliver(invocation)

    def _deliver(self, invocation: Invocation) -> None:
        """The answer to `next`: the event, then the log's START line. Called by this thread,
        or by the invoking one when the runtime was waiting already (see `next_invocation`)."""
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_arn,
            "Lambda-Runtime-Trace-Id": invocation.trace_id,
            "Lambda-Runtime-Client-Context": invocation.client_context,
            "Lambda-Runtime-Cognito-Identity": invocation.cognito_identity,
            "Lambda-Runtime-Aws-Tenant-Id": invocation.tenant_id,
        }
        self._send(200, invocation.payload, {k: v for k, v in headers.items() if v})
        self.server.listener.environment.announce(invocation)

    def do_POST(self) -> None:  # noqa: N802
        if not self._admitted():
            return
        match = INVOCATION_ROUTE.fullmatch(self.path)
        if (match is not None and match.group(2) == "response"
                and self.headers.get(RESPONSE_MODE_HEADER, "").lower() == "streaming"):
            closing, self.close_connection = self.close_connection, True  # till the body's end
            if not self._owned_elsewhere(match.group(1)):
                self._stream_response(match.group(1), closing)
            return
        body = self._read_body()
        if body is None:
            return
        environment = self.server.listener.environment
        if self.path == INIT_ERROR_ROUTE:
            init_error_type = self.headers.get(ERROR_TYPE_HEADER, "Runtime.Unknown")
            environment.init_error(body, init_error_type)
            self._send_status_ok()
            return
        match = INVOCATION_ROUTE.fullmatch(self.path)
        if match is None:
            self._send_error(404, "UnknownRoute", f"no such route: POST {self.path}")
            return
        request_id, kind = match.groups()
        if self._owned_elsewhere(request_id):
            return
        max_memory_kb = memory_kb(self.headers.get(MEMORY_HEADER))
        if kind == "response" and len(body) > MAX_RESPONSE_BYTES:
            self._refuse_too_large(request_id, MAX_RESPONSE_BYTES, max_memory_kb)
            return
        error_type = None
        if kind == "error":
            error_type = self.headers.get(ERROR_TYPE_HEADER) or "Unhandled"
        self._settle(request_id, body, error_type, max_memory_kb,
                     runtime_ms=duration_ms(self.headers.get(RUNTIME_DURATION_HEADER)))

    def _settle(self, request_id: str, body: bytes, error_type: str | None,
                max_memory_kb: int | None, streamed: StreamedResponse | None = None,
                runtime_ms: float | None = None, status: int = 202,
                reply: tuple[str, str] | None = None) -> None:
        """Hand the answer to the environment and reply to the runtime (202, or `status`
        with `reply`'s error type and message); if the environment refuses the answer, the
        runtime is told why. The invocation's END and REPORT are written last: the caller
        waiting for the answer has it first, the runtime its reply next."""
        try:
            write_report = self.server.listener.environment.answer(
                request_id, body, error_type, max_memory_kb, streamed, runtime_ms)
        except RuntimeApiError as error:
            self._send_error(error.status, error.error_type, error.message)
            return
        if reply is None:
            self._send_status_ok()
        else:
            self._send_error(status, *reply)
        write_report()

    def _refuse_too_large(self, request_id: str, limit: int, max_memory_kb: int | None,
                          streamed: StreamedResponse | None = None) -> None:
        """A response past `limit` fails the invocation with AWS's error, and the runtime
        hears 413 with the message AWS's Runtime API gives."""
        self._settle(request_id, too_large_error(limit), TOO_LARGE, max_memory_kb, streamed,
                     status=413, reply=("RequestEntityTooLarge",
                                        f"Exceeded maximum allowed payload size ({limit} bytes)."))

    def _owned_elsewhere(self, request_id: str) -> bool:
        """Refuse (403) an invocation another environment holds."""
        owner = self.server.listener.owner_of(request_id)
        if owner is None or owner == self.server.listener.environment.id:
            return False
        self._send_error(403, "AccessDenied",
                         "this invocation belongs to another execution environment")
        return True

    def _stream_response(self, request_id: str, closing: bool) -> None:
        """Each chunk goes on to the invocation's caller as it arrives. A caller that takes
        the answer whole (Invoke, an event source) gets the chunks gathered, within Invoke's
        6 MB; the 200 MB of a streamed response are counted as they pass. The connection
        stays open (unless `closing`) only if the body was read to its end."""
        try:
            invocation = self.server.listener.environment.current_invocation(request_id)
        except RuntimeApiError as error:
            self._send_error(error.status, error.error_type, error.message)
            return
        sink = invocation.response_sink
        content_type = self.headers.get("Content-Type") or "application/octet-stream"
        limit = MAX_STREAMED_RESPONSE_BYTES if sink is not None else MAX_RESPONSE_BYTES
        if sink is not None:
            sink.open(content_type)
        try:
            passed = self._pass_on(sink, limit, invocation.dispatched_at)
            trailers = {} if passed.too_large else self._read_trailers()
        except TruncatedBody as error:  # the runtime died: its exit settles the invocation
            log.debug("streamed response for %s cut short: %s", request_id, error)
            return
        except ValueError as error:
            self._send_error(400, "InvalidRequest", f"malformed request body: {error}")
            return
        streamed = StreamedResponse(content_type, passed.chunks, passed.total_bytes,
                                    passed.first_chunk_ms)
        if passed.too_large:  # the rest stays unread: the connection closes
            self._refuse_too_large(request_id, limit, memory_kb(self.headers.get(MEMORY_HEADER)),
                                   streamed)
            return
        self.close_connection = closing
        error_type = trailers.get(ERROR_TYPE_HEADER.lower())
        body = b"".join(passed.gathered)
        if error_type:
            body = decoded_error_body(trailers.get(ERROR_BODY_TRAILER.lower(), ""))
        max_memory_kb = memory_kb(trailers.get(MEMORY_HEADER.lower())
                                  or self.headers.get(MEMORY_HEADER))
        self._settle(request_id, body, error_type or None, max_memory_kb, streamed)

    def _pass_on(self, sink: ResponseSink | None, limit: int, dispatched_at: float
                 ) -> PassedOn:
        """Read the chunks, writing each to `sink` (gathering them without one), until the
        last or until `limit` bytes are passed. A sink whose caller has gone gets no more."""
        passed = PassedOn()
        forwarding = sink is not None
        for chunk in self._chunks():
            if passed.chunks == 0:
                passed.first_chunk_ms = (time.monotonic() - dispatched_at) * 1000
            passed.chunks += 1
            passed.total_bytes += len(chunk)
            if passed.total_bytes > limit:
                passed.too_large = True
                break
            if sink is None:
                passed.gathered.append(chunk)
            elif forwarding:
                forwarding = sink.write(chunk)
        return passed

    # -- helpers ---------------------------------------------------------------------------

    def _admitted(self) -> bool:
        """The first peer to call is the environment's runtime; nobody else gets in."""
        listener = self.server.listener
        peer = self.client_address[0]
        if listener.peer_host is None:
            listener.peer_host = peer
        if peer != listener.peer_host:
            self._send_error(403, "AccessDenied", "not this environment's runtime")
            return False
        return True

    def _read_body(self) -> bytes | None:
        """The whole body, or None (connection closed, nothing settled) when the runtime
        sent less than it announced: a fragment must never be taken for the answer."""
        try:
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                return self._read_chunked()
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError(f"negative Content-Length {length}")
            return self._read_exactly(length)
        except TruncatedBody as error:
            log.debug("runtime request %s refused: %s", self.path, error)
            self.close_connection = True
            return None
        except ValueError as error:
            self.close_connection = True
            self._send_error(400, "InvalidRequest", f"malformed request body: {error}")
            return None

    def _read_chunked(self) -> bytes:
        body = b"".join(self._chunks())
        self._read_trailers()
        return body

    def _chunks(self) -> Iterator[bytes]:
        """A chunked body's chunks as they arrive, up to the last (empty) one."""
        while True:
            line = self.rfile.readline()
            if not line:
                raise TruncatedBody("connection closed before the last chunk")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                return
            yield self._read_exactly(size)
            self.rfile.readline()

    def _read_trailers(self) -> dict[str, str]:
        """The trailer fields after the last chunk, by lower-cased name."""
        trailers: dict[str, str] = {}
        while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            trailers[name.strip().lower()] = value.strip()
        return trailers

    def _read_exactly(self, length: int) -> bytes:
        data = self.rfile.read(length) if length else b""
        if len(data) < length:
            raise TruncatedBody(f"{len(data)} of {length} bytes arrived")
        return data

    def _send_status_ok(self) -> None:
        self._send(202, b'{"status":"OK"}', {})

    def _send_error(self, status: int, error_type: str, message: str) -> None:
        body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        self._send(status, body, {})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """One write for head and body: no small-segment stalls on the invoke path."""
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}",
                 "Content-Type: application/json", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


def memory_kb(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def duration_ms(value: str | None) -> float | None:
    """A runtime's own timing, when it sent a sane one (a custom runtime sends none)."""
    try:
        found = float(value) if value else None
    except ValueError:
        return None
    return found if found is not None and 0 <= found < float("inf") else None


def too_large_error(limit: int) -> bytes:
    return json.dumps({
        "errorMessage": "Response payload size exceeded maximum allowed payload size "
        f"({limit} bytes).",
        "errorType": TOO_LARGE,
    }).encode()


def decoded_error_body(encoded: str) -> bytes:
    """`Lambda-Runtime-Function-Error-Body` is base64; a runtime that sent it plain is taken
    at its word."""
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return encoded.encode()
