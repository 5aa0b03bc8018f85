"""Shared test helpers: zips of handler code, boto3 clients, a server in a thread."""

from __future__ import annotations

import io
import json
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.base import Executor
from simulator.http_server import SimulatorServer

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def make_zip(files: Mapping[str, str | bytes]) -> bytes:
    """Source text is dedented; bytes (a package's files) go in as they are."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content if isinstance(content, bytes)
                             else textwrap.dedent(content))
    return buffer.getvalue()


def unique_name(prefix: str = "fn") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def lambda_client(endpoint: str, **config: Any) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1}, read_timeout=120, **config),
    )


def create_function(client: Any, code: str | Mapping[str, str | bytes], name: str | None = None,
                    **settings: Any) -> str:
    """Create a function from handler source (`app.py`) and wait until it is Active."""
    name = name or unique_name()
    files = {"app.py": code} if isinstance(code, str) else code
    client.create_function(
        FunctionName=name,
        Runtime=settings.pop("Runtime", "python3.11"),
        Role=settings.pop("Role", ROLE),
        Handler=settings.pop("Handler", "app.handler"),
        Code={"ZipFile": make_zip(files)},
        **settings,
    )
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    return name


@contextmanager
def running_server(state_dir: Path, executor: str | Executor, **settings: Any
                   ) -> Iterator[SimulatorServer]:
    """A real simulator on a free port, in this process, torn down afterwards."""
    options: dict[str, Any] = dict(port=0, state_dir=state_dir, **settings)
    if isinstance(executor, str):
        options["executor"] = executor
        simulator = Simulator(Settings.from_env(environ={}, **options))
    else:
        simulator = Simulator(Settings.from_env(environ={}, **options), executor=executor)
    server = SimulatorServer(simulator).start()
    try:
        yield server
    finally:
        server.stop()


def eventually(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll `condition` until it holds (True) or `timeout` seconds pass (False). The default
    is long: a condition that holds returns at once, and a busy machine may be slow."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def s3_client(endpoint: str) -> Any:
    """The simulator's own S3 (moto, on the same endpoint)."""
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def invoke_ok(client: Any, name: str, **options: Any) -> Any:
    """Invoke synchronously; the decoded answer, after checking the function did not fail."""
    response = client.invoke(FunctionName=name, **options)
    body = json.loads(response["Payload"].read())
    assert "FunctionError" not in response, body
    return body
