"""The Docker engine becomes unreachable for a while. Invokes that need it fail fast with a
ServiceException that says so, everything recovers by itself when it is back, and no container
is left behind. The server talks to the engine through a socket proxy the test cuts; the
machine's own engine is never touched."""

from __future__ import annotations

import json
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import require_docker
from tests.helpers import create_function, lambda_client, running_server
from tests.reliability.support import (
    TEST_NETWORK,
    UnixSocketProxy,
    state_dir_containers,
    wait_until,
)

HANDLER = """
def handler(event, context):
    return {"ok": True}
"""


def test_engine_outage_fails_fast_and_recovers(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    require_docker()
    proxy = UnixSocketProxy(tmp_path / "docker.sock")
    proxy.start()
    state_dir = tmp_path / "state"
    with monkeypatch.context() as scoped:
        scoped.setenv("DOCKER_HOST", proxy.docker_host)
        # No standby containers: one started before the outage needs no engine to be
        # claimed, and how many had started by then would decide how many cold starts fail.
        server_context = running_server(state_dir, "docker", standby=0, **TEST_NETWORK)
        server = server_context.__enter__()
    try:
        client = lambda_client(server.url)
        warm = create_function(client, HANDLER)
        colds = [create_function(client, HANDLER) for _ in range(4)]
        assert json.loads(client.invoke(FunctionName=warm)["Payload"].read()) == {"ok": True}

        proxy.stop()
        failures = []
        for cold in colds:
            started = time.monotonic()
            try:
                client.invoke(FunctionName=cold)
            except ClientError as failed:
                failures.append((failed.response, time.monotonic() - started))
        # Every cold start needs the engine, and fails fast.
        assert len(failures) == len(colds), failures
        for error, elapsed in failures:
            assert error["Error"]["Code"] == "ServiceException"
            assert error["ResponseMetadata"]["HTTPStatusCode"] == 500
            assert "Docker" in error["Error"]["Message"]
            assert elapsed < 5, f"took {elapsed:.1f} s to fail"

        proxy.start()
        for name in (*colds, warm):
            answer = wait_until(partial(_invoke_or_none, client, name), 30, 0.5)
            assert answer == {"ok": True}, f"{name} did not recover"
    finally:
        server_context.__exit__(None, None, None)
        proxy.stop()
    left = [c.name for c in state_dir_containers(state_dir)]
    for container in state_dir_containers(state_dir):
        container.remove()
    assert left == [], f"containers left behind after the outage: {left}"


def _invoke_or_none(client: Any, name: str) -> Any:
    try:
        response = client.invoke(FunctionName=name)
    except ClientError:
        return None
    return json.loads(response["Payload"].read())
