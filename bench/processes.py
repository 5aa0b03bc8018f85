"""Servers the harness starts: each in a session of its own, stopped by its own id."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None,
          cwd: Path | None = None) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})}, cwd=cwd, start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes] | None, first: int = signal.SIGTERM,
         grace: float = 60.0) -> None:
    """Signal the process group we started, then kill it if it is still there after `grace`."""
    if process is None or process.poll() is not None:
        return
    _signal_group(process, first)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        _signal_group(process, signal.SIGKILL)
        process.wait(10)


def tail(log: Path, lines: int = 5) -> str:
    try:
        text = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
