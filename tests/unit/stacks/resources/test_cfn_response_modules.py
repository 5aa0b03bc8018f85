"""The cfn-response modules put beside inline code, run as a function would run them: each
PUTs its answer to the event's ResponseURL, here a local HTTP server."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from simulator.stacks.resources.cfn_response_modules import (
    NODE_MODULE,
    PYTHON_MODULE,
    response_module,
)


@dataclass
class Received:
    method: str = ""
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def answers() -> Iterator[tuple[str, list[Received]]]:
    """A local server that records each PUT; yields its URL and the requests."""
    received: list[Received] = []

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers["Content-Length"])
            received.append(Received("PUT", self.path, dict(self.headers),
                                     json.loads(self.rfile.read(length))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            return None

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def event(url: str) -> dict[str, str]:
    return {"ResponseURL": f"{url}/bucket/key?X-Amz-Signature=s", "RequestType": "Create",
            "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1",
            "RequestId": "req-1", "LogicalResourceId": "Setup"}


def python_module() -> types.ModuleType:
    module = types.ModuleType("cfnresponse")
    exec(compile(PYTHON_MODULE, "cfnresponse.py", "exec"), module.__dict__)  # noqa: S102
    return module


def test_each_runtime_family_gets_its_module_where_cloudformation_puts_it() -> None:
    assert response_module("python3.12") == ("cfnresponse.py", PYTHON_MODULE)
    assert response_module("nodejs20.x") == ("node_modules/cfn-response.js", NODE_MODULE)
    assert response_module("java21") is None
    assert response_module("provided.al2023") is None


def test_the_python_module_puts_the_answer_to_the_response_url(
        answers: tuple[str, list[Received]], capsys: pytest.CaptureFixture[str]) -> None:
    url, received = answers
    cfnresponse = python_module()
    context = types.SimpleNamespace(log_stream_name="2024/01/01/[$LATEST]abc")
    cfnresponse.send(event(url), context, cfnresponse.SUCCESS, {"Arn": "x"}, "phys-1",
                     noEcho=True)
    [request] = received
    assert (request.method, request.path) == ("PUT", "/bucket/key?X-Amz-Signature=s")
    assert request.headers.get("Content-Type") == ""
    assert request.body == {
        "Status": "SUCCESS",
        "Reason": "See the details in CloudWatch Log Stream: 2024/01/01/[$LATEST]abc",
        "PhysicalResourceId": "phys-1",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1",
        "RequestId": "req-1", "LogicalResourceId": "Setup", "NoEcho": True,
        "Data": {"Arn": "x"}}
    assert "Status code: 200" in capsys.readouterr().out


def test_a_python_failure_carries_its_reason_and_defaults_the_id_to_the_log_stream(
        answers: tuple[str, list[Received]]) -> None:
    url, received = answers
    cfnresponse = python_module()
    cfnresponse.send(event(url), types.SimpleNamespace(log_stream_name="stream-1"),
                     cfnresponse.FAILED, {}, reason="bucket missing")
    [request] = received
    assert (request.body["Status"], request.body["Reason"]) == ("FAILED", "bucket missing")
    assert request.body["PhysicalResourceId"] == "stream-1"
    assert request.body["NoEcho"] is False


def test_an_unreachable_response_url_is_printed_not_raised(
        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    cfnresponse = python_module()
    cfnresponse.send(event(f"http://127.0.0.1:{closed_port}"),
                     types.SimpleNamespace(log_stream_name="s"), cfnresponse.SUCCESS, {})
    assert "send(..) failed executing request" in capsys.readouterr().out


NODE_CALLER = """
const response = require("cfn-response");
const event = JSON.parse(process.argv[2]);
let done = false;
const context = { logStreamName: "node-stream", done: () => { done = true; } };
response.send(event, context, response.SUCCESS, { Answer: 42 }).then(() => {
  console.log(done ? "finished" : "not finished");
});
"""


def test_the_node_module_puts_the_answer_and_finishes_the_context(
        answers: tuple[str, list[Received]], tmp_path: Path) -> None:
    url, received = answers
    node = shutil.which("node")
    assert node is not None, "the Node.js module is run with the machine's node"
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "cfn-response.js").write_text(NODE_MODULE)
    (tmp_path / "index.js").write_text(NODE_CALLER)
    finished = subprocess.run([node, "index.js", json.dumps(event(url))], cwd=tmp_path,
                              capture_output=True, text=True, timeout=30, check=True)
    assert finished.stdout.strip().splitlines()[-1] == "finished"
    [request] = received
    assert request.path == "/bucket/key?X-Amz-Signature=s"
    assert request.body == {
        "Status": "SUCCESS", "Reason": "See the details in CloudWatch Log Stream: node-stream",
        "PhysicalResourceId": "node-stream",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/shop/1",
        "RequestId": "req-1", "LogicalResourceId": "Setup", "NoEcho": False,
        "Data": {"Answer": 42}}
