"""Lambda Simulator's Python runtime: a stdlib-only client of the Lambda Runtime API.

It behaves like AWS's own Python runtime, so a function sees no difference: the same handler
loading, context object, error payloads and log lines. Three additions serve the simulator: an
end-of-invocation marker on stdout, the process's peak memory in a header of every POST, and a
standby start (the function's environment arrives through a pipe once the runtime is claimed).
"""

from __future__ import annotations

import decimal
import importlib
import json
import logging
import os
import resource
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, NoReturn

API = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"
MEMORY_HEADER = "Lambda-Sim-Max-Memory-Kb"
# How long this runtime held the invocation, from the event's arrival to posting the answer:
# the server's own share of an invoke is the rest.
RUNTIME_DURATION_HEADER = "Lambda-Sim-Runtime-Duration-Ms"
OUTPUT_VARIABLE = "LAMBDA_SIM_OUTPUT"  # a pipe the simulator reads this runtime's output from
WRAPPED_VARIABLE = "LAMBDA_SIM_WRAPPED"  # set once the exec wrapper has started us
END_MARKER = "\x1eLAMBDA_SIM_END {}\x1e\n"
CONTEXT_ERROR = "Runtime.LambdaContextUnmarshalError"

Handler = Callable[[Any, "LambdaContext"], Any]

current_request_id = ""  # read by the log filter, so log lines carry the invocation's id
event_arrived: float | None = None  # when the invocation held now arrived (perf_counter)


class FunctionError(Exception):
    """A failure AWS reports under a runtime error type (Runtime.ImportModuleError, ...)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type, self.message, self.trace = error_type, message, trace or []


class RuntimeApiAnswer:
    """A Runtime API response: status, headers (by lower-case name) and body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def getheader(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


class RuntimeClient:
    """The Runtime API over one keep-alive connection, reopened once if the server dropped it.
    HTTP/1.1 by hand rather than http.client, whose header parsing (the email package) cost
    more than the rest of a warm invocation's work in the runtime. The Runtime API always
    answers with a Content-Length."""

    def __init__(self, address: str) -> None:
        host, _, port = address.rpartition(":")
        self.host, self.address = address, (host, int(port))
        self.sock: socket.socket | None = None
        self.reader: Any = None
        self.answer_arrived = 0.0  # when the last answer's first line came (perf_counter)

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> RuntimeApiAnswer:
        head = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        message = (f"{method} {API}{path} HTTP/1.1\r\nHost: {self.host}\r\n"
                   f"Content-Length: {len(body)}\r\n{head}\r\n").encode("latin-1") + body
        try:
            return self._exchange(message)
        except OSError:
            self.close()
            return self._exchange(message)

    def close(self) -> None:
        if self.sock is not None:
            self.reader.close()
            self.sock.close()
            self.sock = None

    def _exchange(self, message: bytes) -> RuntimeApiAnswer:
        if self.sock is None:
            self.sock = socket.create_connection(self.address)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.reader = self.sock.makefile("rb")
        self.sock.sendall(message)
        status_line = self.reader.readline(65537).split(None, 2)
        self.answer_arrived = time.perf_counter()
        if len(status_line) < 2 or not status_line[1].isdigit():
            raise ConnectionError("the Runtime API closed the connection")
        headers = {}
        while (line := self.reader.readline(65537)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", 0))
        body = self.reader.read(length) if length else b""
        if len(body) != length:
            raise ConnectionError("the Runtime API closed the connection mid-answer")
        if headers.get("connection", "").lower() == "close":
            self.close()
        return RuntimeApiAnswer(int(status_line[1]), headers, body)

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        headers = {**headers, MEMORY_HEADER: str(peak_memory_kb())}
        if event_arrived is not None:
            held_ms = (time.perf_counter() - event_arrived) * 1000
            headers[RUNTIME_DURATION_HEADER] = f"{held_ms:.3f}"
        self.request("POST", path, body, headers)

    def post_error(self, path: str, error: dict, error_type: str) -> None:
        headers = {ERROR_TYPE_HEADER: error_type, "Content-Type": "application/json"}
        self.post(path, json.dumps(error).encode(), headers)


status_file: int | None = None  # /proc/self/status, kept open: opening it is the slow part


def peak_memory_kb() -> int:
    """This process's peak resident memory. VmHWM, unlike ru_maxrss, starts afresh at exec
    instead of carrying over the peak of the process that forked us."""
    global status_file
    try:
        if status_file is None:
            status_file = os.open("/proc/self/status", os.O_RDONLY)
        status = os.pread(status_file, 16384, 0)
        found = status.find(b"VmHWM:")
        if found >= 0:
            return int(status[found:].split(None, 2)[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Record:
    """A fixed set of attributes filled from a dict, like the AWS runtime's context parts."""

    __slots__: tuple[str, ...] = ()

    def __init__(self, data: dict) -> None:
        for name in self.__slots__:
            setattr(self, name, data.get(name))

    def __repr__(self) -> str:
        fields = ",".join(f"{name}={getattr(self, name)}" for name in self.__slots__)
        return f"{type(self).__name__}([{fields}])"


class CognitoIdentity(Record):
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client(Record):
    __slots__ = (
        "installation_id",
        "app_title",
        "app_version_name",
        "app_version_code",
        "app_package_name",
    )


class ClientContext(Record):
    __slots__ = ("custom", "env", "client")


class LambdaContext:
    """The handler's second argument, with the attributes AWS's Python runtime gives it."""

    def __init__(
        self,
        request_id: str,
        arn: str | None,
        deadline_ms: int,
        client_context: dict | None,
        identity: dict | None,
        tenant_id: str | None = None,
    ) -> None:
        env = os.environ.get
        self.aws_request_id = request_id
        self.tenant_id = tenant_id  # the invoke's tenant, for a tenant-isolated function
        self.invoked_function_arn = arn
        self.function_name = env("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = env("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env("AWS_LAMBDA_LOG_STREAM_NAME")
        identity = identity or {}
        self.identity = CognitoIdentity(
            {
                "cognito_identity_id": identity.get("cognitoIdentityId"),
                "cognito_identity_pool_id": identity.get("cognitoIdentityPoolId"),
            }
        )
        self.client_context = None
        if client_context is not None:
            self.client_context = ClientContext(client_context)
            if self.client_context.client is not None:
                self.client_context.client = Client(self.client_context.client)
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)


def send_output_to_pipe() -> None:
    """The simulator may give a pipe of its own for stdout and stderr, read without the
    container engine in between; the variable naming it is the runtime's, not the function's."""
    path = os.environ.pop(OUTPUT_VARIABLE, "")
    if not path:
        return
    try:
        pipe = os.open(path, os.O_WRONLY)
    except OSError:
        return  # output goes where it always went
    os.dup2(pipe, 1)
    os.dup2(pipe, 2)
    os.close(pipe)
    # The interpreter's own wrappers may have taken the old descriptors for seekable files.
    sys.stdout = sys.__stdout__ = open(1, "w", closefd=False)  # noqa: SIM115
    sys.stderr = sys.__stderr__ = open(2, "w", closefd=False)  # noqa: SIM115


def setup_output() -> None:
    """Make stdout and stderr one ordered stream, written line by line, for the server to read."""
    os.dup2(1, 2)
    sys.stdout.reconfigure(encoding="utf-8", line_buffering=True)
    sys.stderr = sys.stdout


def setup_path(task_root: str) -> None:
    """Put the function's code, then its layers, first on the import path, as AWS does."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    first = [task_root, f"/opt/python/lib/{version}/site-packages", "/opt/python"]
    sys.path[:] = first + [path for path in sys.path if path not in first]


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = current_request_id
        return True


def setup_logging() -> None:
    """Give the root logger AWS's format: level, UTC time, request id, message."""
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging.getLevelNamesMapping():
        root.setLevel(level)


def load_handler(spec: str) -> Handler:
    """Import the handler's module and find its function, failing with AWS's words."""
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as exc:
        message = f"Bad handler '{spec}': {exc}"
        raise FunctionError("Runtime.MalformedHandlerName", message) from None
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise FunctionError(
            "Runtime.BuiltInModuleConflict",
            f"Cannot use built-in module {module_name} as a handler module",
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as exc:
        raise FunctionError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
        ) from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        raise FunctionError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}", trace
        ) from None
    try:
        return getattr(module, function_name)
    except AttributeError:
        message = f"Handler '{function_name}' missing on module '{module_name}'"
        raise FunctionError("Runtime.HandlerNotFound", message) from None


def user_frames(tb: Any) -> list[str]:
    """Format a traceback without this runtime's own leading frames, as AWS shows it."""
    frames = traceback.extract_tb(tb)
    while frames and frames[0].filename == __file__:
        frames.pop(0)
    return traceback.format_list([(f.filename, f.lineno, f.name, f.line) for f in frames])


def error_body(exc: Exception, request_id: str = "") -> dict:
    if isinstance(exc, FunctionError):
        message, error_type, trace = exc.message, exc.error_type, exc.trace
    else:
        message, error_type, trace = str(exc), type(exc).__name__, user_frames(exc.__traceback__)
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": trace,
    }


def log_error(error: dict) -> None:
    """Print the error record AWS's runtime logs: a headline, then the traceback lines."""
    headline = "[ERROR]"
    if error["errorType"]:
        headline += " " + error["errorType"]
    if error["errorMessage"]:
        headline += (":" if error["errorType"] else "") + " " + error["errorMessage"]
    lines = [headline, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        lines += element.splitlines() or [""]
    sys.__stdout__.write("\n".join(lines) + "\n")


def end_invocation(request_id: str) -> None:
    """Flush the invocation's output, then mark its end so the server knows it has all of it."""
    sys.__stdout__.flush()
    os.write(1, END_MARKER.format(request_id).encode())


def json_default(value: Any) -> Any:
    """Encode Decimals as numbers, as AWS's runtime does (DynamoDB hands them out)."""
    if isinstance(value, decimal.Decimal):
        is_integer = value.is_finite() and value == value.to_integral_value()
        return int(value) if is_integer else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def marshal(result: Any) -> tuple[bytes, str]:
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        text = json.dumps(result, default=json_default, ensure_ascii=sys.version_info < (3, 12))
    except Exception as exc:
        raise FunctionError("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None
    return text.encode(), "application/json"


def parse_json(raw: str | bytes | None, error_type: str, what: str) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise FunctionError(error_type, f"Unable to {what}: {exc}") from None


def out_of_memory(client: RuntimeClient, request_id: str) -> NoReturn:
    """Report a MemoryError as AWS reports an OOM kill, then die the way the OOM killer kills."""
    message = f"RequestId: {request_id} Error: Runtime exited with error: signal: killed"
    error = {"errorType": "Runtime.OutOfMemory", "errorMessage": message}
    end_invocation(request_id)
    client.post_error(f"/invocation/{request_id}/error", error, "Runtime.OutOfMemory")
    os.kill(os.getpid(), signal.SIGKILL)


def invoke(client: RuntimeClient, handler: Handler, response: RuntimeApiAnswer) -> None:
    """Run one invocation and post its result or its error."""
    header = response.getheader
    request_id = header("Lambda-Runtime-Aws-Request-Id", "")
    client_context = header("Lambda-Runtime-Client-Context") or None
    identity = header("Lambda-Runtime-Cognito-Identity") or None
    try:
        context = LambdaContext(
            request_id,
            header("Lambda-Runtime-Invoked-Function-Arn"),
            int(header("Lambda-Runtime-Deadline-Ms") or 0),
            parse_json(client_context, CONTEXT_ERROR, "parse Client Context JSON"),
            parse_json(identity, CONTEXT_ERROR, "parse Cognito Identity JSON"),
            header("Lambda-Runtime-Aws-Tenant-Id") or None,
        )
        event = parse_json(response.body, "Runtime.UnmarshalError", "unmarshal input")
        payload, content_type = marshal(handler(event, context))
    except MemoryError:
        out_of_memory(client, request_id)
    except Exception as exc:
        error = error_body(exc, request_id)
        log_error(error)
        end_invocation(request_id)
        client.post_error(f"/invocation/{request_id}/error", error, "Unhandled")
    else:
        end_invocation(request_id)
        client.post(f"/invocation/{request_id}/response", payload, {"Content-Type": content_type})


def serve(client: RuntimeClient, handler: Handler) -> NoReturn:
    global current_request_id, event_arrived
    while True:
        event_arrived = None
        response = client.request("GET", "/invocation/next")
        event_arrived = client.answer_arrived
        if response.status == 410:  # the environment is being retired: leave quietly
            sys.exit(0)
        if response.status != 200:
            raise RuntimeError(f"Runtime API answered {response.status} to invocation/next")
        current_request_id = response.getheader("Lambda-Runtime-Aws-Request-Id", "")
        trace_id = response.getheader("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        invoke(client, handler, response)


def await_assignment(channel: str) -> None:
    """A standby runtime starts before it knows its function: the server names the function
    by writing its environment into this pipe when it claims the runtime."""
    with open(channel, "rb") as pipe:
        assignment = json.loads(pipe.read())
    os.environ.update(assignment["variables"])
    time.tzset()


def start_through_wrapper() -> None:
    """`AWS_LAMBDA_EXEC_WRAPPER`: as AWS's runtimes do, the runtime starts again through that
    program, given the runtime's own command; one that cannot run ends the runtime with
    status 127, a shell's answer to a command it cannot run."""
    wrapper = os.environ.get("AWS_LAMBDA_EXEC_WRAPPER")
    if not wrapper or os.environ.get(WRAPPED_VARIABLE):
        return
    os.environ[WRAPPED_VARIABLE] = "1"
    try:
        os.execv(wrapper, [wrapper, sys.executable, *sys.argv])
    except OSError as error:
        print(f"{wrapper}: {error.strerror}", file=sys.stderr, flush=True)
        os._exit(127)


def main() -> NoReturn:
    send_output_to_pipe()
    channel = os.environ.pop("LAMBDA_SIM_STANDBY", "")
    if channel:
        await_assignment(channel)
    start_through_wrapper()
    # AWS's runtime starts through a shell script that execs the interpreter: the handler
    # sees the variables that leaves behind.
    os.environ.setdefault("PWD", os.getcwd())
    os.environ.setdefault("SHLVL", "0")
    setup_output()
    setup_path(os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    setup_logging()
    client = RuntimeClient(os.environ["AWS_LAMBDA_RUNTIME_API"])
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as exc:
        error = error_body(exc)
        log_error(error)
        sys.__stdout__.flush()
        client.post_error("/init/error", error, error["errorType"])
        sys.exit(1)
    serve(client, handler)


if __name__ == "__main__":
    main()
