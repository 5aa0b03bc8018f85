"""`lambda-sim` itself: its subcommands, `--version`, and how a command's failure reaches the
user (one `error:` line and exit 1; Ctrl-C exits 130; a usage error exits 2)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from simulator import __version__
from simulator.cli import main


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == __version__


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    usage = capsys.readouterr().out
    for command in ("serve", "invoke", "logs", "ls", "deploy", "emit", "images", "init"):
        assert f"    {command} " in usage, command


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["explode"])
    assert exited.value.code == 2
    assert "invalid choice: 'explode'" in capsys.readouterr().err


def test_a_command_error_is_one_error_line_and_exit_1(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "kept.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"error: {tmp_path} exists and is not empty\n"


def test_an_error_is_printed_as_it_is_never_read_as_markup(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "c[bold]d[red]"
    folder.mkdir()
    (folder / "kept.txt").write_text("mine")
    assert main(["init", str(folder)]) == 1
    assert capsys.readouterr().err == f"error: {folder} exists and is not empty\n"


def test_a_successful_command_exits_0(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "project")]) == 0


def test_ctrl_c_during_a_command_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    class Interrupted(io.StringIO):
        def read(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", Interrupted())
    assert main(["invoke", "fn", "--event", "-", "--endpoint", "http://127.0.0.1:9"]) == 130


def test_python_dash_m_runs_the_cli_with_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("mine")
    result = subprocess.run([sys.executable, "-m", "simulator.cli", "init", str(tmp_path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == f"error: {tmp_path} exists and is not empty\n"
