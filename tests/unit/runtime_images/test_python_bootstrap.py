"""The Python runtime's bootstrap, run with the host Python against a fake Runtime API."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from simulator.executors.runtime_files import bootstrap_path

API = "/2018-06-01/runtime"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:fn"
MARKER = "\x1eLAMBDA_SIM_END {}\x1e\n"


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes
    output_then: str  # what the runtime had written to stdout when the POST arrived

    def json(self) -> dict:
        return json.loads(self.body)


class FakeRuntimeApi:
    """Hands out queued events on invocation/next and records every POST."""

    def __init__(self, output: Path, drop_after_post: bool = False) -> None:
        self.events: queue.Queue = queue.Queue()
        self.posts: queue.Queue[Post] = queue.Queue()
        self.peers: set[tuple[str, int]] = set()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                api.peers.add(self.client_address)
                event = api.events.get()
                if event is None:
                    self.answer(410, b"")
                    return
                request_id, payload, headers = event
                self.answer(200, payload, {"Lambda-Runtime-Aws-Request-Id": request_id, **headers})

            def do_POST(self) -> None:
                api.peers.add(self.client_address)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                output_then = output.read_text(errors="replace")
                api.posts.put(Post(self.path, dict(self.headers), body, output_then))
                self.answer(202, b'{"status":"OK"}')
                self.close_connection = drop_after_post

            def answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def invoke(self, request_id: str, event: object = None, **headers: str) -> None:
        payload = json.dumps({} if event is None else event).encode()
        self.events.put((request_id, payload, headers))

    def next_post(self) -> Post:
        return self.posts.get(timeout=5)

    def close(self) -> None:
        self.events.put(None)
        self.server.shutdown()
        self.server.server_close()


class Runtime:
    """A bootstrap process with a function folder and its own fake Runtime API."""

    def __init__(self, tmp_path: Path, handler: str, files: dict[str, str],
                 variables: dict[str, str] | None = None, **options) -> None:
        self.task = tmp_path / "task"
        for name, source in files.items():
            path = self.task / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(source))
        self.task.mkdir(exist_ok=True)
        self.output = tmp_path / "output.txt"
        self.output.touch()
        self.api = FakeRuntimeApi(self.output, **options)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "_HANDLER": handler,
            "LAMBDA_TASK_ROOT": str(self.task),
            "AWS_LAMBDA_FUNCTION_NAME": "fn",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/fn",
            "AWS_LAMBDA_LOG_STREAM_NAME": "2026/01/01/[$LATEST]abc",
            **(variables or {}),
        }
        with self.output.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, str(bootstrap_path())], stdout=out, stderr=out, env=env
            )

    def read_output(self) -> str:
        return self.output.read_text()

    def wait(self) -> int:
        return self.process.wait(timeout=5)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.api.close()


@pytest.fixture
def start(tmp_path: Path):
    runtimes: list[Runtime] = []

    def start(handler: str, files: dict[str, str], **options) -> Runtime:
        runtimes.append(Runtime(tmp_path, handler, files, **options))
        return runtimes[-1]

    yield start
    for runtime in runtimes:
        runtime.stop()


ECHO = """\
    import sys

    def handler(event, context):
        print("to stdout")
        print("to stderr", file=sys.stderr)
        print("partial", end="")
        return {"got": event}
"""


def test_success_posts_result_after_marker(start) -> None:
    runtime = start("app.handler", {"app.py": ECHO})
    runtime.api.invoke("req-1", {"a": 1})
    post = runtime.api.next_post()
    assert post.path == f"{API}/invocation/req-1/response"
    assert post.json() == {"got": {"a": 1}}
    assert post.headers["Content-Type"] == "application/json"
    assert int(post.headers["Lambda-Sim-Max-Memory-Kb"]) > 1000
    assert 0 < float(post.headers["Lambda-Sim-Runtime-Duration-Ms"]) < 5000
    assert post.output_then == "to stdout\nto stderr\npartial" + MARKER.format("req-1")


def test_keeps_one_connection_and_reconnects_when_dropped(start) -> None:
    runtime = start("app.handler", {"app.py": ECHO})
    for request_id in ("req-1", "req-2"):
        runtime.api.invoke(request_id)
        assert runtime.api.next_post().path.endswith(f"/{request_id}/response")
    assert len(runtime.api.peers) == 1

    dropping = start("app.handler", {"app.py": ECHO}, drop_after_post=True)
    for request_id in ("req-1", "req-2"):
        dropping.api.invoke(request_id)
        assert dropping.api.next_post().path.endswith(f"/{request_id}/response")


def test_exception_posts_user_frames_and_logs_like_aws(start) -> None:
    source = """\
        def handler(event, context):
            raise_it("boom")

        def raise_it(message):
            raise Exception(message)
    """
    runtime = start("app.handler", {"app.py": source})
    runtime.api.invoke("req-1")
    post = runtime.api.next_post()
    app = runtime.task / "app.py"
    frames = [
        f'  File "{app}", line 2, in handler\n    raise_it("boom")\n',
        f'  File "{app}", line 5, in raise_it\n    raise Exception(message)\n',
    ]
    assert post.path == f"{API}/invocation/req-1/error"
    assert post.headers["Lambda-Runtime-Function-Error-Type"] == "Unhandled"
    assert "Lambda-Sim-Max-Memory-Kb" in post.headers
    assert post.json() == {
        "errorMessage": "boom",
        "errorType": "Exception",
        "requestId": "req-1",
        "stackTrace": frames,
    }
    log = "[ERROR] Exception: boom\nTraceback (most recent call last):\n" + "".join(frames)
    assert post.output_then == log + MARKER.format("req-1")


@pytest.mark.parametrize(
    ("handler", "files", "error_type", "message", "trace"),
    [
        (
            "app.handler",
            {},
            "Runtime.ImportModuleError",
            "Unable to import module 'app': No module named 'app'",
            [],
        ),
        (
            "app.nope",
            {"app.py": "def handler(event, context):\n    return 1\n"},
            "Runtime.HandlerNotFound",
            "Handler 'nope' missing on module 'app'",
            [],
        ),
        (
            "app.handler",
            {"app.py": "import json\n\nx = = 1\n"},
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module 'app': invalid syntax (app.py, line 3)",
            ['  File "{task}/app.py" Line 3\n    x = = 1\n'],
        ),
        (
            "x",
            {},
            "Runtime.MalformedHandlerName",
            "Bad handler 'x': not enough values to unpack (expected 2, got 1)",
            [],
        ),
    ],
)
def test_init_errors(start, handler, files, error_type, message, trace) -> None:
    runtime = start(handler, files)
    post = runtime.api.next_post()
    assert runtime.wait() == 1
    trace = [line.format(task=runtime.task) for line in trace]
    assert post.path == f"{API}/init/error"
    assert post.headers["Lambda-Runtime-Function-Error-Type"] == error_type
    assert post.json() == {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": "",
        "stackTrace": trace,
    }
    log_lines = [f"[ERROR] {error_type}: {message}", "Traceback (most recent call last):"]
    assert runtime.read_output().splitlines()[:2] == log_lines


def test_exception_at_import_is_reported_with_its_own_type(start) -> None:
    runtime = start("app.handler", {"app.py": "raise ValueError('bad config')\n"})
    error = runtime.api.next_post().json()
    assert runtime.wait() == 1
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "bad config")
    assert error["stackTrace"][-1].startswith(f'  File "{runtime.task}/app.py", line 1, in')


@pytest.mark.parametrize("handler", ["pkg/mod.fn", "pkg.mod.fn"])
def test_handler_in_a_package(start, handler) -> None:
    files = {"pkg/__init__.py": "", "pkg/mod.py": "def fn(event, context):\n    return 'ok'\n"}
    runtime = start(handler, files)
    runtime.api.invoke("req-1")
    assert runtime.api.next_post().json() == "ok"


CONTEXT = """\
    import os

    def handler(event, context):
        cc = context.client_context
        return {
            "attributes": sorted(a for a in vars(context) if not a.startswith("_")),
            "aws_request_id": context.aws_request_id,
            "invoked_function_arn": context.invoked_function_arn,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
            "remaining": context.get_remaining_time_in_millis(),
            "identity": [context.identity.cognito_identity_id,
                         context.identity.cognito_identity_pool_id],
            "client_context": cc and [cc.custom, cc.env, cc.client.installation_id,
                                      cc.client.app_title],
            "trace_id": os.environ.get("_X_AMZN_TRACE_ID"),
            "tenant_id": context.tenant_id,
        }
"""


def test_context_attributes(start) -> None:
    runtime = start("app.handler", {"app.py": CONTEXT})
    client_context = {
        "client": {"installation_id": "inst", "app_title": "title"},
        "custom": {"k": "v"},
        "env": {"platform": "x"},
    }
    identity = {"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"}
    runtime.api.invoke(
        "req-1",
        **{
            "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 60_000),
            "Lambda-Runtime-Invoked-Function-Arn": ARN,
            "Lambda-Runtime-Trace-Id": "Root=1-abc",
            "Lambda-Runtime-Client-Context": json.dumps(client_context),
            "Lambda-Runtime-Cognito-Identity": json.dumps(identity),
            "Lambda-Runtime-Aws-Tenant-Id": "blue",
        },
    )
    first = runtime.api.next_post().json()
    assert first.pop("attributes") == [
        "aws_request_id",
        "client_context",
        "function_name",
        "function_version",
        "identity",
        "invoked_function_arn",
        "log_group_name",
        "log_stream_name",
        "memory_limit_in_mb",
        "tenant_id",
    ]
    assert 50_000 < first.pop("remaining") <= 60_000
    assert first == {
        "aws_request_id": "req-1",
        "invoked_function_arn": ARN,
        "function_name": "fn",
        "function_version": "$LATEST",
        "memory_limit_in_mb": "256",
        "log_group_name": "/aws/lambda/fn",
        "log_stream_name": "2026/01/01/[$LATEST]abc",
        "identity": ["id-1", "pool-1"],
        "client_context": [{"k": "v"}, {"platform": "x"}, "inst", "title"],
        "trace_id": "Root=1-abc",
        "tenant_id": "blue",
    }

    runtime.api.invoke("req-2", **{"Lambda-Runtime-Deadline-Ms": "1000"})
    second = runtime.api.next_post().json()
    assert second["remaining"] == 0
    assert second["identity"] == [None, None]
    assert second["client_context"] is None
    assert second["trace_id"] is None
    assert second["tenant_id"] is None


NOT_SERIALISABLE = "Object of type object is not JSON serializable"


def test_unserialisable_result_is_a_marshal_error(start) -> None:
    source = """\
        import decimal

        def handler(event, context):
            if event.get("decimal"):
                return {"price": decimal.Decimal("1.50"), "count": decimal.Decimal("2")}
            return object()
    """
    runtime = start("app.handler", {"app.py": source})
    runtime.api.invoke("req-1")
    post = runtime.api.next_post()
    assert post.path == f"{API}/invocation/req-1/error"
    assert post.json() == {
        "errorMessage": f"Unable to marshal response: {NOT_SERIALISABLE}",
        "errorType": "Runtime.MarshalError",
        "requestId": "req-1",
        "stackTrace": [],
    }
    runtime.api.invoke("req-2", {"decimal": True})
    assert runtime.api.next_post().json() == {"price": 1.5, "count": 2}


def test_memory_error_reports_out_of_memory_and_kills_itself(start) -> None:
    source = "def handler(event, context):\n    raise MemoryError()\n"
    runtime = start("app.handler", {"app.py": source})
    runtime.api.invoke("req-1")
    post = runtime.api.next_post()
    assert post.json() == {
        "errorType": "Runtime.OutOfMemory",
        "errorMessage": "RequestId: req-1 Error: Runtime exited with error: signal: killed",
    }
    assert post.output_then.endswith(MARKER.format("req-1"))
    assert runtime.wait() == -signal.SIGKILL


def test_logging_uses_the_aws_format(start) -> None:
    source = """\
        import logging

        def handler(event, context):
            logging.getLogger().warning("careful")
            return None
    """
    runtime = start("app.handler", {"app.py": source})
    runtime.api.invoke("req-1")
    post = runtime.api.next_post()
    level, stamp, request_id, message = post.output_then.splitlines()[0].split("\t")
    assert (level, request_id, message) == ("[WARNING]", "req-1", "careful")
    assert stamp.endswith("Z") and len(stamp) == len("2026-01-01T00:00:00.000Z")
    assert post.body == b"null"


def test_an_exec_wrapper_starts_the_runtime_with_the_runtimes_command(start,
                                                                      tmp_path: Path) -> None:
    wrapper = tmp_path / "wrapper"
    wrapper.write_text('#!/bin/sh\nexport WRAPPED_BY=wrapper\nexec "$@"\n')
    wrapper.chmod(0o755)
    source = """\
        import os

        def handler(event, context):
            return os.environ.get("WRAPPED_BY")
    """
    runtime = start("app.handler", {"app.py": source},
                    variables={"AWS_LAMBDA_EXEC_WRAPPER": str(wrapper)})
    runtime.api.invoke("req-1")
    assert runtime.api.next_post().json() == "wrapper"


def test_an_exec_wrapper_that_does_not_exist_ends_the_runtime_with_status_127(
        start, tmp_path: Path) -> None:
    runtime = start("app.handler", {"app.py": ECHO},
                    variables={"AWS_LAMBDA_EXEC_WRAPPER": str(tmp_path / "missing")})
    assert runtime.wait() == 127
    assert "missing: No such file or directory" in runtime.read_output()


def test_output_goes_into_the_pipe_the_simulator_gives_and_the_function_never_sees_it(
        start, tmp_path: Path) -> None:
    pipe = tmp_path / "output-pipe"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    runtime = start("app.handler", {"app.py": """\
        import os, sys

        def handler(event, context):
            print("to stdout")
            print("to stderr", file=sys.stderr)
            return {"sees": os.environ.get("LAMBDA_SIM_OUTPUT")}
    """}, variables={"LAMBDA_SIM_OUTPUT": str(pipe)})
    runtime.api.invoke("req-1")

    post = runtime.api.next_post()

    assert post.json() == {"sees": None}
    assert post.output_then == ""  # nothing on the process's own stdout
    assert os.read(reader, 65536) == ("to stdout\nto stderr\n" + MARKER.format("req-1")).encode()
    os.close(reader)


def test_a_pipe_that_cannot_be_opened_leaves_output_where_it_was(start, tmp_path: Path) -> None:
    runtime = start("app.handler", {"app.py": ECHO},
                    variables={"LAMBDA_SIM_OUTPUT": str(tmp_path / "no-such-pipe")})
    runtime.api.invoke("req-1", {"a": 1})

    post = runtime.api.next_post()

    assert post.json() == {"got": {"a": 1}}
    assert post.output_then.startswith("to stdout\n")
