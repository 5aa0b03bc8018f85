"""An in-memory executor for unit tests, beside the real ones as httpx's MockTransport is.

Each runtime is a thread that speaks the real Runtime API and runs a Python callable
registered for the function's handler string, so the pool, the environments and the invoke
path run for real while tests stay fast and need neither processes nor containers."""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from simulator.errors import EnvironmentUnavailable
from simulator.executors.base import (
    Executor,
    ExitCallback,
    ExitStatus,
    LaunchSpec,
    OutputCallback,
    RunningRuntime,
)

API = "/2018-06-01/runtime"
IMPORT_ERROR = "Runtime.ImportModuleError"
log = logging.getLogger(__name__)


@dataclass
class FakeContext:
    """What a fake handler gets besides its event; `print` writes to the function's log."""

    aws_request_id: str
    invoked_function_arn: str
    deadline_ms: int
    client_context: Any
    variables: dict[str, str]
    output: OutputCallback
    trace_id: str | None = None  # what a runtime puts in `_X_AMZN_TRACE_ID`
    tenant_id: str | None = None  # a tenant-isolated function's tenant (`context.tenant_id`)

    def print(self, *values: object) -> None:
        self.output((" ".join(str(value) for value in values) + "\n").encode())

    def get_remaining_time_in_millis(self) -> int:
        return max(self.deadline_ms - int(time.time() * 1000), 0)


Handler = Callable[[Any, FakeContext], Any]


@dataclass
class Streamed:
    """Return from a handler to answer as a streaming runtime does: each of `chunks` posted
    as it is drawn (a generator can pace them), then `error` (its type and body) in the
    trailers, if set."""

    chunks: Iterable[bytes]
    content_type: str = "application/octet-stream"
    error: tuple[str, dict[str, Any]] | None = None


class Crash(BaseException):
    """Raise from a handler to make its runtime exit with `exit_code` without answering; a
    BaseException, so that no `except Exception` in the handler can stop the crash."""

    def __init__(self, exit_code: int = 1) -> None:
        super().__init__(f"exit status {exit_code}")
        self.exit_code = exit_code


class FakeRuntime(RunningRuntime):
    """One runtime: a thread that plays the bootstrap against its environment's Runtime API."""

    def __init__(self, spec: LaunchSpec, handler: Handler | None, on_output: OutputCallback,
                 on_exit: ExitCallback) -> None:
        self._spec = spec
        self._handler = handler
        self._on_output = on_output
        self._on_exit = on_exit
        self._connection = http.client.HTTPConnection(spec.variables["AWS_LAMBDA_RUNTIME_API"])
        self._stopping = threading.Event()
        self._exit_once = threading.Lock()
        self.thread = threading.Thread(target=self._serve, name="fake-runtime", daemon=True)

    @property
    def handle(self) -> str:
        return f"thread {self.thread.name}"

    def stop(self) -> None:
        """Like a kill: the connection drops (a pending `/next` ends) and the exit is reported."""
        self._stopping.set()
        with contextlib.suppress(OSError, AttributeError):  # no socket: nothing to drop
            self._connection.sock.shutdown(socket.SHUT_RDWR)
        self._exit(ExitStatus(signal_number=signal.SIGKILL))

    def _exit(self, status: ExitStatus) -> None:
        """Report the end once, whichever comes first: a stop, a crash or a lost connection."""
        if self._exit_once.acquire(blocking=False):
            self._on_exit(status)

    def _serve(self) -> None:
        status = ExitStatus(exit_code=1)
        try:
            handler = self._handler
            if handler is None:
                missing = {"errorType": IMPORT_ERROR, "errorMessage": "No handler registered "
                           f"for {self._spec.handler!r}"}
                self._post_error("/init/error", missing, IMPORT_ERROR)
                return
            while not self._stopping.is_set():
                response, body = self._request("GET", "/invocation/next")
                if response.status != 200:
                    return
                self._invoke(handler, response, body)
        except Crash as crash:
            status = ExitStatus(exit_code=crash.exit_code)
        except (OSError, http.client.HTTPException) as error:
            log.debug("fake runtime %s lost its Runtime API: %r", self._spec.environment_id, error)
        finally:
            self._connection.close()
            self._exit(status)

    def _invoke(self, handler: Handler, response: http.client.HTTPResponse, body: bytes) -> None:
        request_id = response.getheader("Lambda-Runtime-Aws-Request-Id", "")
        client_context = response.getheader("Lambda-Runtime-Client-Context")
        context = FakeContext(
            aws_request_id=request_id,
            invoked_function_arn=response.getheader("Lambda-Runtime-Invoked-Function-Arn", ""),
            deadline_ms=int(response.getheader("Lambda-Runtime-Deadline-Ms") or 0),
            client_context=json.loads(client_context) if client_context else None,
            trace_id=response.getheader("Lambda-Runtime-Trace-Id"),
            tenant_id=response.getheader("Lambda-Runtime-Aws-Tenant-Id"),
            variables=dict(self._spec.variables),
            output=self._on_output,
        )
        try:
            result = handler(json.loads(body), context)
            if isinstance(result, Streamed):
                self._stream(request_id, result)
                return
            payload = result if isinstance(result, bytes) else json.dumps(result).encode()
        except Exception as error:
            error_type, message = type(error).__name__, str(error)
            self._on_output(f"[ERROR] {error_type}: {message}\n".encode())
            self._end(request_id)
            error_body = {"errorMessage": message, "errorType": error_type, "stackTrace": []}
            self._post_error(f"/invocation/{request_id}/error", error_body, "Unhandled")
            return
        self._end(request_id)
        self._request("POST", f"/invocation/{request_id}/response", payload)

    def _stream(self, request_id: str, answer: Streamed) -> None:
        """A streamed response: chunked, with the error trailers AWS's Runtime API reads."""
        connection = self._connection
        connection.putrequest("POST", f"{API}/invocation/{request_id}/response")
        for name, value in (("Lambda-Runtime-Function-Response-Mode", "streaming"),
                            ("Transfer-Encoding", "chunked"), ("Content-Type", answer.content_type),
                            ("Trailer", "Lambda-Runtime-Function-Error-Type, "
                                        "Lambda-Runtime-Function-Error-Body")):
            connection.putheader(name, value)
        connection.endheaders()
        for chunk in answer.chunks:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        trailers = b""
        if answer.error is not None:
            error_type, error_body = answer.error
            encoded = base64.b64encode(json.dumps(error_body).encode())
            trailers = (b"Lambda-Runtime-Function-Error-Type: " + error_type.encode() + b"\r\n"
                        + b"Lambda-Runtime-Function-Error-Body: " + encoded + b"\r\n")
        self._end(request_id)
        connection.send(b"0\r\n" + trailers + b"\r\n")
        connection.getresponse().read()

    def _end(self, request_id: str) -> None:
        self._on_output(b"\x1eLAMBDA_SIM_END " + request_id.encode() + b"\x1e\n")

    def _post_error(self, path: str, error: dict[str, Any], error_type: str) -> None:
        headers = {"Lambda-Runtime-Function-Error-Type": error_type}
        self._request("POST", path, json.dumps(error).encode(), headers)

    def _request(self, method: str, path: str, body: bytes | None = None,
                 headers: dict[str, str] | None = None) -> tuple[http.client.HTTPResponse, bytes]:
        if self._stopping.is_set():
            raise ConnectionAbortedError("the runtime was stopped")
        self._connection.request(method, API + path, body=body, headers=headers or {})
        response = self._connection.getresponse()
        return response, response.read()


class FakeExecutor(Executor):
    """`handlers` maps handler strings to callables; an unknown one fails the init as a
    missing module does. Tests may set `launch_delay` (a slow start) and `fail_launch` at any
    time, and read `launches`, the number of runtimes started."""

    name = "fake"

    def __init__(self, handlers: dict[str, Handler] | None = None, launch_delay: float = 0.0,
                 fail_launch: bool = False) -> None:
        self.handlers = dict(handlers or {})
        self.launch_delay = launch_delay
        self.fail_launch = fail_launch
        self.launches = 0
        self._runtimes: set[FakeRuntime] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Nothing to prepare: there is no engine to reach."""

    def runtime_api_host(self) -> str:
        return "127.0.0.1"

    def launch(self, spec: LaunchSpec, on_output: OutputCallback,
               on_exit: ExitCallback) -> RunningRuntime:
        if self.launch_delay:
            time.sleep(self.launch_delay)
        if self.fail_launch:
            raise EnvironmentUnavailable("the fake executor was told to fail its launches")

        def exited(status: ExitStatus) -> None:
            with self._lock:
                self._runtimes.discard(runtime)
            on_exit(status)

        runtime = FakeRuntime(spec, self.handlers.get(spec.handler), on_output, exited)
        with self._lock:
            self._runtimes.add(runtime)
            self.launches += 1
        runtime.thread.start()
        return runtime

    def shutdown(self) -> None:
        with self._lock:
            runtimes = list(self._runtimes)
        for runtime in runtimes:
            runtime.stop()
