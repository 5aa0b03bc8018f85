"""The command line's one output helper: where the running simulator is taken to be, JSON for
scripts on stdout, people's output on stderr, and failures as a `CommandError`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from simulator.commands import console
from simulator.config import DEFAULT_PORT


def test_the_endpoint_flag_wins_over_aws_endpoint_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://from-env:1")
    assert console.endpoint("http://flag:2") == "http://flag:2"


def test_without_the_flag_aws_endpoint_url_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://from-env:1")
    assert console.endpoint(None) == "http://from-env:1"


def test_without_either_the_local_default_port_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert console.endpoint(None) == f"http://127.0.0.1:{DEFAULT_PORT}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "")
    assert console.endpoint("") == f"http://127.0.0.1:{DEFAULT_PORT}"


def test_a_trailing_slash_is_dropped_so_paths_can_be_appended(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert console.endpoint("http://127.0.0.1:9000//") == "http://127.0.0.1:9000"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9001/")
    assert console.endpoint(None) == "http://127.0.0.1:9001"


def test_fail_raises_a_command_error_carrying_the_message() -> None:
    with pytest.raises(console.CommandError) as raised:
        console.fail("the bucket is gone")
    assert str(raised.value) == "the bucket is gone"


def test_print_json_writes_indented_json_to_stdout_with_a_final_newline(
        capsys: pytest.CaptureFixture[str]) -> None:
    console.print_json({"b": [1, 2], "a": None})
    out, err = capsys.readouterr()
    assert err == ""
    assert out == '{\n  "b": [\n    1,\n    2\n  ],\n  "a": null\n}\n'


def test_print_json_writes_values_json_lacks_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    console.print_json({"path": Path("/var/task"), "when": when})
    assert json.loads(capsys.readouterr().out) == {"path": "/var/task",
                                                   "when": "2024-01-02 03:04:05+00:00"}


def test_messages_for_people_go_to_stderr_and_results_to_stdout(
        capsys: pytest.CaptureFixture[str]) -> None:
    console.console.print("[green]progress[/] line")
    console.stdout.print("result")
    out, err = capsys.readouterr()
    assert err == "progress line\n"
    assert out == "result\n"
