"""`lambda-sim durable` as a user types it, against an in-process simulator on the fake
executor: durable time moved forward, a function's executions listed, and bad input or no
simulator as one error line."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.cli import main
from simulator.commands.console import CommandError
from simulator.commands.durable import seconds_of
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, lambda_client, make_zip, running_server


def durable_answer(event: Any, context: FakeContext) -> Any:
    return {"Status": "SUCCEEDED", "Result": json.dumps("done")}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("durable-state"),
                        FakeExecutor({"app.handler": durable_answer})) as running:
        yield running


@pytest.mark.parametrize("duration, seconds", [
    ("90", 90), ("90s", 90), ("30m", 1800), ("3h", 10800), ("2d", 172800), ("1.5h", 5400)])
def test_durations_read_as_people_write_them(duration: str, seconds: float) -> None:
    assert seconds_of(duration) == seconds


@pytest.mark.parametrize("duration", ["", "soon", "-3h", "0", "3w"])
def test_anything_else_is_refused(duration: str) -> None:
    with pytest.raises(CommandError, match="not a duration"):
        seconds_of(duration)


def test_advance_moves_durable_time_forward(server: SimulatorServer,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["durable", "advance", "3h", "--endpoint", server.url, "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["aheadSeconds"]
    assert main(["durable", "advance", "30m", "--endpoint", server.url]) == 0

    assert first >= 10800
    assert f"{first + 1800:g} s ahead" in capsys.readouterr().err  # a message, not data


def test_ls_lists_a_functions_executions(server: SimulatorServer,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    client = lambda_client(server.url)
    client.create_function(FunctionName="flow", Runtime="python3.11", Role=ROLE,
                           Handler="app.handler", Code={"ZipFile": make_zip({"app.py": "#"})},
                           DurableConfig={"ExecutionTimeout": 60})
    client.get_waiter("function_active_v2").wait(FunctionName="flow")
    client.invoke(FunctionName="flow:$LATEST", DurableExecutionName="listed")

    assert main(["durable", "ls", "flow", "--endpoint", server.url, "--json"]) == 0
    [execution] = json.loads(capsys.readouterr().out)
    assert (execution["DurableExecutionName"], execution["Status"]) == ("listed", "SUCCEEDED")
    assert main(["durable", "ls", "flow", "--endpoint", server.url]) == 0
    assert "listed" in capsys.readouterr().out


def test_no_simulator_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    assert main(["durable", "advance", "1h", "--endpoint", f"http://127.0.0.1:{port}"]) == 1
    assert main(["durable", "ls", "f", "--endpoint", f"http://127.0.0.1:{port}"]) == 1

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error:") for line in lines)
