"""Work taken off a warm invoke's path in the server, timed in this process: what it would add
to each invoke, against the server's CPU per warm invoke measured by `server`."""

from __future__ import annotations

import importlib.util
import io
import logging
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from werkzeug.test import EnvironBuilder

from bench.client import lambda_client
from bench.measurements.figures import Figure, share, us
from simulator.api.invoke_path import InvokePath
from simulator.api.request_headers import QuickHeadParsing
from simulator.app import MAX_REQUEST_BYTES, Simulator
from simulator.config import Settings
from simulator.environments.output import report_line
from simulator.executors.fake import FakeExecutor
from simulator.executors.runtime_files import bootstrap_path
from simulator.invocation.invoker import InvokeOutcome

FUNCTION = "MeasuredEmpty"
PARSES = 5_000
INVOKES = 2_000
LINES = 2_000
REPEATS = 5  # each timing is the best of these, as timeit reports


def figures(server_cpu_per_invoke: float) -> list[Figure]:
    return [*_head_parsing(server_cpu_per_invoke), _flask(server_cpu_per_invoke),
            *_console_lines(server_cpu_per_invoke)]


def best_per_call(call: Callable[[], object], count: int) -> float:
    """Seconds a call, the best of `REPEATS` runs of `count` calls."""
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(count):
            call()
        runs.append((time.perf_counter() - start) / count)
    return min(runs)


# -- request heads ------------------------------------------------------------------------


class _HandlerWithoutSocket(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def __init__(self) -> None:  # parse_request needs no connection
        pass


class _QuickHandlerWithoutSocket(QuickHeadParsing, _HandlerWithoutSocket):
    pass


def _head_parsing(server_cpu_per_invoke: float) -> list[Figure]:
    heads = warm_invoke_heads()
    stdlib = [_parse_time(_HandlerWithoutSocket(), head) for head in heads]
    quick = [_parse_time(_QuickHandlerWithoutSocket(), head) for head in heads]
    saved = sum(stdlib) - sum(quick)
    where = "simulator/api/request_headers.py"
    method = (f"`parse_request` of http.server's handler and of `QuickHeadParsing` on the "
              f"three heads of a warm invoke (boto3's Invoke, the runtime's `next` and "
              f"`response`), best of {REPEATS} × {PARSES:,}")
    return [
        Figure("Reading a request head with http.server (whose header parsing is "
               "email.parser) against the module's own reader", where,
               f"{us(min(stdlib))}–{us(max(stdlib))} a request against "
               f"{us(min(quick))}–{us(max(quick))}", method),
        Figure("What email.parser's header parsing adds to a warm invoke (three requests), "
               "as a share of the server's CPU for it", where,
               f"{us(saved)} an invoke: {share(saved, server_cpu_per_invoke + saved)}",
               method + "; the server's CPU per warm invoke as measured below"),
    ]


def warm_invoke_heads() -> list[bytes]:
    """boto3's Invoke request head, and the Python runtime's `next` and `response` heads."""
    bootstrap = _bootstrap_module()
    host = "127.0.0.1:9001"
    request_id = str(uuid.uuid4())
    next_head = (f"GET {bootstrap.API}/invocation/next HTTP/1.1\r\nHost: {host}\r\n"
                 f"Content-Length: 0\r\n\r\n")
    response_head = (f"POST {bootstrap.API}/invocation/{request_id}/response HTTP/1.1\r\n"
                     f"Host: {host}\r\nContent-Length: 4\r\n"
                     f"Content-Type: application/json\r\n{bootstrap.MEMORY_HEADER}: 21504\r\n\r\n")
    return [_boto3_invoke_head(), next_head.encode("latin-1"), response_head.encode("latin-1")]


def _bootstrap_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("measured_bootstrap", bootstrap_path())
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Captured(Exception):
    pass


def _boto3_invoke_head() -> bytes:
    """The head boto3 sends, caught before it leaves (nothing listens at that address)."""
    client = lambda_client("http://127.0.0.1:9")
    captured: list[Any] = []

    def capture(request: Any, **_: Any) -> None:
        captured.append(request)
        raise _Captured

    client.meta.events.register("before-send", capture)
    try:
        client.invoke(FunctionName=FUNCTION, Payload=b"{}")
    except _Captured:
        pass
    request = captured[0]
    url = urlsplit(request.url)
    target = url.path + (f"?{url.query}" if url.query else "")
    lines = [f"POST {target} HTTP/1.1", f"Host: {url.netloc}"]
    for name, value in request.headers.items():
        text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
        lines.append(f"{name}: {text}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _parse_time(handler: BaseHTTPRequestHandler, head: bytes) -> float:
    request_line, _, rest = head.partition(b"\n")

    def parse() -> None:
        handler.raw_requestline = request_line + b"\n"
        handler.rfile = io.BytesIO(rest)
        if not handler.parse_request():
            raise RuntimeError(f"the head did not parse: {head!r}")

    return best_per_call(parse, PARSES)


# -- Flask on the Invoke route --------------------------------------------------------------


class _AnsweringInvoker:
    """Answers at once, so the timing is the request handling around the invoke alone."""

    def invoke(self, *_: Any, **__: Any) -> InvokeOutcome:
        return InvokeOutcome(200, b"null")


def _flask(server_cpu_per_invoke: float) -> Figure:
    folder = Path(tempfile.mkdtemp(prefix="measurements-"))
    simulator = Simulator(Settings.from_env(environ={}, port=0, state_dir=folder / "state"),
                          executor=FakeExecutor())
    try:
        invoker = _AnsweringInvoker()
        simulator.app.extensions["invoker"] = invoker
        full_app = simulator.app
        invoke_path = InvokePath(full_app, invoker, MAX_REQUEST_BYTES)  # type: ignore[arg-type]
        base = EnvironBuilder(path=f"/2015-03-31/functions/{FUNCTION}/invocations",
                              method="POST", data=b"{}",
                              headers={"X-Amz-Invocation-Type": "RequestResponse"}
                              ).get_environ()
        flask_time = best_per_call(lambda: _call(full_app, base), INVOKES)
        direct_time = best_per_call(lambda: _call(invoke_path, base), INVOKES)
    finally:
        simulator.close()
        shutil.rmtree(folder, ignore_errors=True)
    extra = flask_time - direct_time
    return Figure(
        "What Flask's request context, routing and response objects add to a warm invoke, "
        "as a share of the server's CPU for it",
        "simulator/api/invoke_path.py",
        f"{us(extra)} an invoke ({us(flask_time)} through the full application, "
        f"{us(direct_time)} through `InvokePath`): "
        f"{share(extra, server_cpu_per_invoke + extra)}",
        f"the same Invoke request through each, to an invoker that answers at once, best of "
        f"{REPEATS} × {INVOKES:,}")


def _call(app: Any, base: dict[str, Any]) -> None:
    environ = dict(base, **{"wsgi.input": io.BytesIO(b"{}")})
    status: list[str] = []
    chunks = app(environ, lambda line, headers, *_: status.append(line))
    for _ in chunks:
        pass
    if hasattr(chunks, "close"):
        chunks.close()
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"the measured invoke answered {status}")


# -- function lines on the console -----------------------------------------------------------


def _console_lines(server_cpu_per_invoke: float) -> list[Figure]:
    lines = _invocation_lines()
    drain = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert drain.stdin is not None
    console = io.TextIOWrapper(drain.stdin, encoding="utf-8")
    logger = logging.getLogger("bench.measurements.console")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    handler = logging.StreamHandler(console)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    try:
        def write_each() -> None:
            for line in lines:
                console.write(line)
                console.flush()

        def log_each() -> None:
            for line in lines:
                logger.info("%s", line.rstrip("\n"))

        written = best_per_call(write_each, LINES)
        logged = best_per_call(log_each, LINES)
    finally:
        logger.removeHandler(handler)
        console.close()
        drain.wait(timeout=10)
    where = "simulator/commands/function_lines.py"
    method = (f"a warm invoke's START, END and REPORT lines written to a pipe that another "
              f"process drains, best of {REPEATS} × {LINES:,}; both shares are of the server's "
              f"CPU per warm invoke with both on the path")
    through_logging = logged - written
    with_both = server_cpu_per_invoke + logged
    return [
        Figure("Writing and flushing a warm invoke's START, END and REPORT lines where they "
               "are logged, as a share of the server's CPU for the invoke", where,
               f"{us(written)} an invoke: {share(written, with_both)}", method),
        Figure("Passing those lines through `logging` as well", where,
               f"{us(through_logging)} more an invoke: "
               f"{share(through_logging, with_both)}",
               method + "; a `StreamHandler` with a bare `%(message)s` format"),
    ]


def _invocation_lines() -> list[str]:
    request_id = str(uuid.uuid4())
    prefix = f"[{FUNCTION}] "
    return [f"{prefix}START RequestId: {request_id} Version: $LATEST\n",
            f"{prefix}END RequestId: {request_id}\n",
            prefix + report_line(request_id, 0.61, 128, 21, None)]
