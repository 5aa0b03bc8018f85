"""`lambda-sim images build` without Docker: its arguments, what it prints per runtime (a line
for people, or JSON), and no engine as one error line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docker
import pytest

from simulator.cli import main
from simulator.executors import image_builder
from simulator.executors.image_builder import BuildOutcome

OUTCOMES = [
    BuildOutcome("python3.11", "lambda-sim/python3.11:latest", "built",
                 "built on python:3.11-slim-bookworm in 4.2 s"),
    BuildOutcome("nodejs22.x", "lambda-sim/nodejs22.x:latest", "unchanged", ""),
    BuildOutcome("python3.12", "lambda-sim/python3.12:latest", "skipped",
                 "python:3.12-slim-bookworm is not here and cannot be pulled"),
]


class AnsweringEngine:
    """A Docker client whose engine answers; the build itself is replaced below."""

    def ping(self) -> bool:
        return True


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each build_images call's arguments; it reports the progress line and OUTCOMES."""
    calls: list[dict[str, Any]] = []

    def build_images(client: Any, runtimes: list[str] | None, offline: bool | None,
                     report: Any) -> list[BuildOutcome]:
        calls.append({"runtimes": runtimes, "offline": offline})
        report("building lambda-sim/python3.11:latest on python:3.11-slim-bookworm")
        return OUTCOMES

    monkeypatch.setattr(docker, "from_env", AnsweringEngine)
    monkeypatch.setattr(image_builder, "build_images", build_images)
    return calls


def test_images_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["images"])
    assert exited.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_no_docker_engine_is_one_error_line_and_exit_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    for variable in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["images", "build", "python3.11"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no Docker engine answers: "), err


def test_without_arguments_every_runtime_builds_on_whichever_base_is_at_hand(
        builds: list[dict[str, Any]]) -> None:
    assert main(["images", "build"]) == 0
    assert builds == [{"runtimes": None, "offline": None}]


def test_named_runtimes_and_offline_are_passed_on(builds: list[dict[str, Any]]) -> None:
    assert main(["images", "build", "python3.11", "nodejs22.x", "--offline"]) == 0
    assert builds == [{"runtimes": ["python3.11", "nodejs22.x"], "offline": True}]


def test_each_runtime_gets_a_line_with_its_status_image_and_reason(
        builds: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", "build"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "    built python3.11: lambda-sim/python3.11:latest "
        "(built on python:3.11-slim-bookworm in 4.2 s)",
        "unchanged nodejs22.x: lambda-sim/nodejs22.x:latest",
        "  skipped python3.12: lambda-sim/python3.12:latest "
        "(python:3.12-slim-bookworm is not here and cannot be pulled)",
    ]


def test_json_lists_the_outcomes_on_stdout_and_nothing_for_people(
        builds: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["images", "build", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == [
        {"runtime": o.runtime, "image": o.image, "status": o.status, "reason": o.reason}
        for o in OUTCOMES
    ]
    assert err == ""


def test_a_skipped_runtime_does_not_fail_the_command(
        builds: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_builder, "build_images",
                        lambda client, runtimes, offline, report: OUTCOMES[2:])
    assert main(["images", "build", "python3.12"]) == 0


def test_an_unknown_runtime_is_one_error_line(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(docker, "from_env", AnsweringEngine)
    assert main(["images", "build", "nosuch"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: unknown runtime(s) ['nosuch']") and err.count("\n") == 1
