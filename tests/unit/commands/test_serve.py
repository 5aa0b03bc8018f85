"""`lambda-sim serve` in this process: the flags and `LAMBDA_SIM_*` variables it runs with, the
template it loads, a clean stop on SIGTERM, and what stops it from starting (a state folder of
a newer version, a broken template) as one line and exit 1. The signal handlers it installs
are caught here, so the test sends its SIGTERM by calling the handler."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from signal import SIGINT, SIGTERM
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from simulator import __version__
from simulator.cli import main
from simulator.commands import serve
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, eventually, make_zip

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Name:
    Type: String
    Default: from-template
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: !Ref Name
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
"""


class Serving:
    """Runs `lambda-sim serve`; `while_up` runs on another thread once the server is up, then
    SIGTERM is delivered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.handlers: dict[int, Callable[[int, Any], None]] = {}
        self.servers: list[SimulatorServer] = []
        self.up = threading.Event()  # the server answers (the handlers are set before)
        self.result: Any = None
        signals = SimpleNamespace(SIGTERM=SIGTERM, SIGINT=SIGINT, signal=self._register)
        monkeypatch.setattr(serve, "signal", signals)
        start = SimulatorServer.start

        def recorded_start(server: SimulatorServer) -> SimulatorServer:
            self.servers.append(server)
            started = start(server)
            self.up.set()
            return started

        monkeypatch.setattr(SimulatorServer, "start", recorded_start)

    def _register(self, number: int, handler: Callable[[int, Any], None]) -> None:
        self.handlers[number] = handler

    def run(self, argv: list[str], while_up: Callable[[str], Any] | None = None) -> int:
        seen: dict[str, Any] = {}

        def drive() -> None:
            self.up.wait(timeout=20)
            if not self.servers:  # the command ended before serving
                return
            try:
                if while_up is not None:
                    seen["result"] = while_up(self.servers[0].url)
            except BaseException as error:  # re-raised on the test's thread
                seen["error"] = error
            finally:
                self.handlers[SIGTERM](SIGTERM, None)

        driver = threading.Thread(target=drive, daemon=True)
        driver.start()
        try:
            code = main(["serve", *argv])
        finally:
            self.up.set()
            driver.join(timeout=20)
        if "error" in seen:
            raise seen["error"]
        self.result = seen.get("result")
        return code


@pytest.fixture
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[Serving]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    for variable in ("LAMBDA_SIM_TEMPLATE", "LAMBDA_SIM_REGION", "LAMBDA_SIM_HOST",
                     "LAMBDA_SIM_PORT", "LAMBDA_SIM_EXECUTOR", "LAMBDA_SIM_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    yield Serving(monkeypatch)
    root.handlers[:] = handlers
    root.setLevel(level)


def health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_simulator/health", timeout=10) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def regional_client(url: str, region: str) -> Any:
    return boto3.client("lambda", endpoint_url=url, region_name=region,
                        aws_access_key_id="test", aws_secret_access_key="test")


def function_arn(url: str, region: str, name: str = "probe") -> str:
    created = regional_client(url, region).create_function(
        FunctionName=name, Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": make_zip({"app.py": "def handler(e, c):\n    return e\n"})})
    return str(created["FunctionArn"])


def refuses_connections(server: SimulatorServer) -> bool:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    with socket.socket() as probe:
        return probe.connect_ex((host, int(port))) != 0


def write_project(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("def handler(event, context):\n    return event\n")
    (root / "template.yaml").write_text(TEMPLATE)
    return root / "template.yaml"


def test_a_state_folder_of_a_newer_version_is_one_line_and_exit_1(
        serving: Serving, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = sqlite3.connect(tmp_path / "functions.db")
    database.execute("PRAGMA user_version=99")
    database.close()
    code = serving.run(["--state-dir", str(tmp_path), "--executor", "process", "--port", "0"])
    assert code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"error: {tmp_path / 'functions.db'} holds ")
    assert "written by a newer Lambda Simulator (schema version 99" in err
    assert "Traceback" not in err
    assert serving.servers == []  # nothing was served
    database = sqlite3.connect(tmp_path / "functions.db")
    assert database.execute("PRAGMA user_version").fetchone()[0] == 99  # left as it was
    database.close()


def function_names(url: str, region: str) -> list[str]:
    """The region's functions once the template's are there (it loads after the server
    starts)."""
    client = regional_client(url, region)
    eventually(lambda: bool(client.list_functions()["Functions"]), timeout=10)
    return [function["FunctionName"] for function in client.list_functions()["Functions"]]


def test_serves_with_its_flags_loads_the_template_and_stops_cleanly_on_sigterm(
        serving: Serving, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_SIM_REGION", "ap-south-1")
    template = write_project(tmp_path / "project")
    state = tmp_path / "state"
    code = serving.run(["--state-dir", str(state), "--executor", "process", "--port", "0",
                        "--region", "eu-west-1", "--template", str(template),
                        "--parameter-overrides", "Name=overridden", "no-equals-sign"],
                       while_up=lambda url: (health(url), function_names(url, "eu-west-1"),
                                             function_arn(url, "eu-west-1")))
    assert code == 0
    answered, names, arn = serving.result
    assert answered["status"] == "ok" and answered["executor"] == "process"
    assert names == ["overridden"]
    assert arn.startswith("arn:aws:lambda:eu-west-1:")  # the flag wins over the variable
    [server] = serving.servers
    err = capsys.readouterr().err
    assert (f"Lambda Simulator {__version__} on {server.url} · executor process (requested) · "
            f"state {state}") in err
    assert f"template {template}: stack project, 1 functions (overridden), watching for " \
        "changes" in err
    assert "warning" not in err  # 127.0.0.1 is reachable from this machine only
    assert err.rstrip().endswith("stopping: removing execution environments")
    assert set(serving.handlers) == {SIGTERM, SIGINT}  # Ctrl-C stops it the same way
    assert refuses_connections(server)
    assert (state / "functions.db").is_file()


def test_a_sigterm_while_the_server_starts_stops_it_cleanly(
        serving: Serving, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    servers_when_handled: list[int] = []

    def terminated_at_once(number: int, handler: Callable[[int, Any], None]) -> None:
        servers_when_handled.append(len(serving.servers))
        if number == SIGTERM:
            handler(SIGTERM, None)  # as soon as it is handled

    monkeypatch.setattr(serve, "signal", SimpleNamespace(
        SIGTERM=SIGTERM, SIGINT=SIGINT, signal=terminated_at_once))
    code = main(["serve", "--state-dir", str(tmp_path / "state"), "--executor", "process",
                 "--port", "0"])

    assert code == 0
    assert servers_when_handled == [0, 0]  # handled before the server started answering
    [server] = serving.servers
    assert capsys.readouterr().err.rstrip().endswith("stopping: removing execution environments")
    assert refuses_connections(server)


def test_lambda_sim_variables_apply_where_no_flag_is_given(
        serving: Serving, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAMBDA_SIM_REGION", "ap-south-1")
    monkeypatch.setenv("LAMBDA_SIM_EXECUTOR", "process")
    monkeypatch.setenv("LAMBDA_SIM_HOST", "127.0.0.2")
    monkeypatch.setenv("LAMBDA_SIM_TEMPLATE", str(write_project(tmp_path / "project")))
    code = serving.run(["--state-dir", str(tmp_path / "state"), "--port", "0"],
                       while_up=lambda url: (health(url), function_names(url, "ap-south-1"),
                                             function_arn(url, "ap-south-1")))
    assert code == 0
    answered, names, arn = serving.result
    assert answered["executor"] == "process"
    assert names == ["from-template"]
    assert arn.startswith("arn:aws:lambda:ap-south-1:")
    assert serving.servers[0].url.startswith("http://127.0.0.2:")
    err = " ".join(capsys.readouterr().err.split())
    assert ("warning: listening on 127.0.0.2: reachable from other machines, which must sign "
            "requests with the access token") in err
    # None was given: one was generated, which this machine (the requests above) needs not.
    token_file = tmp_path / "state" / "access-token"
    assert f"an access token was generated ({token_file})" in err
    assert len(token_file.read_text().strip()) == 40
    assert token_file.stat().st_mode & 0o777 == 0o600


def test_a_broken_template_is_one_line_exit_1_and_the_server_stops(
        serving: Serving, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: [unclosed\n")
    code = serving.run(["--state-dir", str(tmp_path / "state"), "--executor", "process",
                        "--port", "0", "--template", str(template),
                        "--host", "127.0.0.2", "--access-token", "secret"])
    assert code == 1
    err = capsys.readouterr().err
    # a token given is used, not generated
    assert ("warning: listening on 127.0.0.2: reachable from other machines, which must sign "
            "requests with the access token") in " ".join(err.split())
    assert "generated" not in err
    assert err.splitlines()[-1].startswith(f"error: {template}")
    assert "Traceback" not in err
    [server] = serving.servers
    assert refuses_connections(server)


@pytest.mark.parametrize(("flags", "complaint"), [
    (["--executor", "podman"], "argument --executor: invalid choice: 'podman'"),
    (["--port", "http"], "argument --port: invalid int value: 'http'"),
    (["--watch-mode", "sometimes"], "argument --watch-mode: invalid choice: 'sometimes'"),
    (["--strict", "yes"], "unrecognized arguments: yes"),
    (["--idle-timeout", "soon"], "argument --idle-timeout: invalid float value: 'soon'"),
])
def test_invalid_flags_are_usage_errors(
        serving: Serving, flags: list[str], complaint: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", *flags])
    assert exited.value.code == 2
    assert complaint in capsys.readouterr().err
    assert serving.servers == []
