"""Our simulator as a target: `lambda-sim serve` with one executor, in a fresh state dir."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import psutil

from bench import processes
from bench.client import ROLE
from bench.functions import (
    HANDLER,
    KINDS,
    MEMORY,
    RELOAD,
    RUNTIME,
    TIMEOUT,
    code_zip,
    function_name,
    sam_template,
)
from bench.target import (
    MB,
    ApiTarget,
    Say,
    TargetUnavailable,
    container_memory_mb,
    free_port,
    remove_containers,
    wait_for_port,
)

STATE_LABEL = "lambda-sim.state-dir"
START_SECONDS = 60


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "simulator.cli", "serve", *args]


def hot_reload_flag() -> bool:
    """Whether `lambda-sim serve` takes a template to watch (the hot-reload work)."""
    help_text = subprocess.run(serve_command("--help"), capture_output=True, text=True).stdout
    return "--template" in help_text


class OursTarget(ApiTarget):
    budgeted = False

    def __init__(self, executor: str) -> None:
        super().__init__()
        self.executor = executor
        self.name = f"ours ({executor})"
        self.description = f"`lambda-sim serve --executor {executor}`"
        self._folder = Path(tempfile.mkdtemp(prefix=f"bench-{executor}-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._reloads = hot_reload_flag()

    def start(self, say: Say) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)  # a stop removes it
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = self._folder / "server.log"
        state_dir = self._folder / "state"
        flags = ["--port", str(port), "--state-dir", str(state_dir),
                 "--executor", self.executor, "--idle-timeout", "3600"]
        if self._reloads:
            flags += ["--template", str(sam_template([RELOAD], self._folder / "template"))]
        self._process = processes.spawn(serve_command(*flags), log)
        self.server_pid = self._process.pid
        try:
            wait_for_port(port, START_SECONDS, lambda: self._process.poll() is None)
        except TargetUnavailable as error:
            raise TargetUnavailable(f"{error}: {processes.tail(log)}") from None
        for kind in KINDS:
            self.control.create_function(
                FunctionName=function_name(kind), Runtime=RUNTIME, Handler=HANDLER,
                Role=ROLE, Code={"ZipFile": code_zip(kind)}, Timeout=TIMEOUT,
                MemorySize=MEMORY)

    def stop(self) -> None:
        processes.stop(self._process, grace=120)
        if self.executor == "docker":
            remove_containers({"label": f"{STATE_LABEL}={self._folder / 'state'}"})
        shutil.rmtree(self._folder, ignore_errors=True)

    def unsupported(self, scenario: str) -> str | None:
        if scenario == "reload" and not self._reloads:
            return "hot reload not implemented"
        return None

    def code_folder(self, kind: str) -> Path | None:
        return self._folder / "template" / kind if self._reloads else None

    def force_cold(self, kind: str, round_: int) -> None:
        """A configuration change retires the function's environments."""
        self.control.update_function_configuration(
            FunctionName=function_name(kind),
            Environment={"Variables": {"BENCH_ROUND": str(round_)}})

    def environment_count(self, kind: str) -> int:
        with urllib.request.urlopen(f"{self.url}/_simulator/functions", timeout=10) as answer:
            rows = json.load(answer)["functions"]
        row = next(r for r in rows if r["name"] == function_name(kind))
        return int(row["warm"] + row["busy"] + row["starting"])

    def environment_mb(self, kind: str) -> tuple[float, str] | None:
        if self.executor == "docker":
            return container_memory_mb({"label": f"lambda-sim.function={function_name(kind)}",
                                        "status": "running"})
        assert self.server_pid is not None
        runtimes = [child for child in psutil.Process(self.server_pid).children(recursive=True)
                    if any("bootstrap" in part for part in child.cmdline())]
        if not runtimes:
            return None
        sizes = sorted(child.memory_info().rss for child in runtimes)
        return sizes[len(sizes) // 2] / MB, f"RSS of a runtime process (median of {len(sizes)})"
