"""A pytest plugin for testing your own functions against the simulator.

Installed with the package (entry point `pytest11`), it offers the `lambda_sim` fixture: a
simulator in the test process on a free port, shared by the session, that hands out boto3
clients already pointed at it::

    def test_hello(lambda_sim):
        lam = lambda_sim.client("lambda")
        lambda_sim.deploy_folder("hello", "src/hello", handler="app.handler")
        assert lam.invoke(FunctionName="hello")["StatusCode"] == 200

`--lambda-sim-executor process|docker|auto` picks where functions run (default: process,
which needs nothing installed)."""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

ROLE = "arn:aws:iam::000000000000:role/lambda-sim-tests"


class LambdaSim:
    """A running simulator and clients for it."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.url: str = server.url

    def client(self, service: str, **config: Any) -> Any:
        return boto3.client(
            service, endpoint_url=self.url, region_name=self.server.simulator.settings.region,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def deploy_folder(self, name: str, folder: str | Path, handler: str = "app.handler",
                      runtime: str = "python3.11", **settings: Any) -> str:
        """Zip a code folder and create (or replace) a function from it; returns its ARN."""
        lam = self.client("lambda")
        code = _zip_folder(Path(folder))
        try:
            lam.delete_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            pass
        created = lam.create_function(FunctionName=name, Runtime=runtime, Role=ROLE,
                                      Handler=handler, Code={"ZipFile": code}, **settings)
        lam.get_waiter("function_active_v2").wait(FunctionName=name)
        return str(created["FunctionArn"])

    def logs(self, name: str, settle_seconds: float = 5.0) -> list[str]:
        """Everything the function has logged so far, START/END/REPORT included; an
        invocation that has started but not yet logged its REPORT line (its output still on
        its way) is waited for, up to `settle_seconds`."""
        deadline = time.monotonic() + settle_seconds
        while True:
            lines = [event.message for event in self.server.simulator.logs.events(name)]
            started = sum(line.startswith("START ") for line in lines)
            reported = sum(line.startswith("REPORT ") for line in lines)
            if reported >= started or time.monotonic() >= deadline:
                return lines
            time.sleep(0.01)


def _zip_folder(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lambda-sim")
    group.addoption("--lambda-sim-executor", default=os.environ.get("LAMBDA_SIM_EXECUTOR",
                                                                    "process"),
                    choices=["process", "docker", "auto"],
                    help="where the lambda_sim fixture runs functions (default: process)")


@pytest.fixture(scope="session")
def lambda_sim(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[LambdaSim]:
    """A simulator for the test session, on a free port, removed afterwards."""
    from simulator.app import Simulator
    from simulator.config import Settings
    from simulator.http_server import SimulatorServer

    settings = Settings.from_env(
        environ={}, port=0, state_dir=tmp_path_factory.mktemp("lambda-sim"),
        executor=request.config.getoption("--lambda-sim-executor"),
    )
    server = SimulatorServer(Simulator(settings)).start()
    try:
        yield LambdaSim(server)
    finally:
        server.stop()
