"""The Runtime API (`/2018-06-01/runtime/...`) as the Lambda service serves it to a runtime.

Each environment gets a listener of its own, so a runtime can only ever see the environment
it was started for: the official clients know nothing but `host:port`. The listener is a
lean `http.server` rather than Flask because it sits on every invocation's path."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from simulator.api.request_headers import QuickHeadParsing
from simulator.environments.environment import Environment, RuntimeApiError

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 6 * 1024 * 1024
INVOCATION_ROUTE = re.compile(r"/2018-06-01/runtime/invocation/([^/]+)/(response|error)")
NEXT_ROUTE = "/2018-06-01/runtime/invocation/next"
INIT_ERROR_ROUTE = "/2018-06-01/runtime/init/error"

OwnerOf = Callable[[str], "str | None"]


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
            invocation = environment.next_invocation()
        except RuntimeApiError as error:
            self._send_error(error.status, error.error_type, error.message)
            return
        if invocation is None:
            self.close_connection = True
            self._send_error(410, "EnvironmentGone", "this execution environment is shutting down")
            return
        headers = {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": invocation.invoked_arn,
            "Lambda-Runtime-Trace-Id": invocation.trace_id,
            "Lambda-Runtime-Client-Context": invocation.client_context,
            "Lambda-Runtime-Cognito-Identity": invocation.cognito_identity,
        }
        self._send(200, invocation.payload, {k: v for k, v in headers.items() if v})

    def do_POST(self) -> None:  # noqa: N802
        if not self._admitted():
            return
        body = self._read_body()
        if body is None:
            return
        environment = self.server.listener.environment
        if self.path == INIT_ERROR_ROUTE:
            init_error_type = self.headers.get("Lambda-Runtime-Function-Error-Type",
                                               "Runtime.Unknown")
            environment.init_error(body, init_error_type)
            self._send_status_ok()
            return
        match = INVOCATION_ROUTE.fullmatch(self.path)
        if match is None:
            self._send_error(404, "UnknownRoute", f"no such route: POST {self.path}")
            return
        request_id, kind = match.groups()
        owner = self.server.listener.owner_of(request_id)
        if owner is not None and owner != environment.id:
            self._send_error(403, "AccessDenied",
                             "this invocation belongs to another execution environment")
            return
        memory = self.headers.get("Lambda-Sim-Max-Memory-Kb")
        max_memory_kb = int(memory) if memory and memory.isdigit() else None
        error_type: str | None = None
        if kind == "error":
            error_type = self.headers.get("Lambda-Runtime-Function-Error-Type") or "Unhandled"
        elif len(body) > MAX_RESPONSE_BYTES:
            body = json.dumps({
                "errorMessage": "Response payload size exceeded maximum allowed payload size "
                f"({MAX_RESPONSE_BYTES} bytes).",
                "errorType": "Function.ResponseSizeTooLarge",
            }).encode()
            error_type = "Function.ResponseSizeTooLarge"
        try:
            environment.answer(request_id, body, error_type, max_memory_kb)
        except RuntimeApiError as error:
            self._send_error(error.status, error.error_type, error.message)
            return
        if error_type == "Function.ResponseSizeTooLarge":
            self._send_error(413, "RequestEntityTooLarge", "response payload too large")
            return
        self._send_status_ok()

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
        parts: list[bytes] = []
        while True:
            line = self.rfile.readline()
            if not line:
                raise TruncatedBody("connection closed before the last chunk")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self._read_exactly(size))
            self.rfile.readline()

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
