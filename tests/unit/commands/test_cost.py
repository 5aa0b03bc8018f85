"""`lambda-sim cost` as a user types it, against an in-process simulator on the fake executor:
the JSON for scripts, the table for people (each function, the total, the free tier and the
total after it, and which prices), and no simulator as one error line."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from simulator.cli import main
from simulator.commands.cost import gb_seconds, usd
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.http_server import SimulatorServer
from tests.helpers import ROLE, lambda_client, make_zip, running_server


def echo(event: Any, context: FakeContext) -> Any:
    return event


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("cost-state"),
                        FakeExecutor({"app.echo": echo})) as running:
        yield running


def invoked_function(server: SimulatorServer, times: int, **settings: Any) -> str:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    client = lambda_client(server.url)
    client.create_function(FunctionName=name, Runtime="python3.11", Role=ROLE,
                           Handler="app.echo", Code={"ZipFile": make_zip({"app.py": "#"})},
                           **settings)
    client.get_waiter("function_active_v2").wait(FunctionName=name)
    for _ in range(times):
        client.invoke(FunctionName=name, Payload=b"{}")
    return name


def test_json_has_each_functions_cost_and_the_free_tier_apart(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = invoked_function(server, 3, MemorySize=512, Architectures=["arm64"])

    assert main(["cost", "--json", "--endpoint", server.url]) == 0

    report = json.loads(capsys.readouterr().out)
    [row] = [row for row in report["functions"] if row["function"] == name]
    assert (row["architecture"], row["memoryMb"], row["requests"]) == ("arm64", 512, 3)
    assert row["costUsd"] > 0
    assert set(report["totals"]) == {"requests", "gbSeconds", "beforeFreeTierUsd",
                                     "freeTier", "afterFreeTierUsd"}
    assert report["prices"]["region"] == "us-east-1"


def test_the_table_shows_functions_totals_and_the_free_tier(
        server: SimulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    name = invoked_function(server, 2)

    assert main(["cost", "--endpoint", server.url]) == 0

    out = capsys.readouterr().out
    assert name in out and "x86_64" in out and "128 MB" in out
    for label in ("total", "free tier", "total after free tier"):
        assert label in out
    assert "us-east-1 prices of" in out and "https://aws.amazon.com/lambda/pricing/" in out


def test_no_simulator_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"

    assert main(["cost", "--endpoint", url]) == 1

    out, err = capsys.readouterr()
    assert out == ""
    [line] = err.strip().splitlines()
    assert line.startswith(f"error: no simulator answers at {url}")


def test_amounts_show_cents_or_a_local_functions_fractions_of_a_cent() -> None:
    assert usd(2.733338) == "$2.73"
    assert usd(1234.5) == "$1,234.50"
    assert usd(0) == "$0.00"
    assert usd(0.0000020833) == "$0.0000020833"
    assert usd(-0.0000006) == "-$0.0000006"


def test_gb_seconds_show_down_to_a_128_mb_functions_millisecond() -> None:
    assert gb_seconds(0.000125) == "0.000125"
    assert gb_seconds(540_000) == "540,000"
    assert gb_seconds(0) == "0"
