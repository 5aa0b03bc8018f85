"""python-lambda-local: the handler in a forked process, no API and no container. As a CLI
per invoke, and in-process (`lambda_local.main.call`) as the floor."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.client import Sample
from bench.functions import write_code
from bench.peers.venv import PeerVenv
from bench.target import Say, Target

VENV = PeerVenv("pll", "python-lambda-local", "python-lambda-local", "python-lambda-local")
DRIVER = Path(__file__).resolve().parent / "pll_driver.py"
TIMEOUT_SECONDS = "60"
SCENARIOS = ("warm", "payload")


class PllTarget(Target):
    compare_to = "ours (process)"

    def __init__(self, in_process: bool) -> None:
        self.in_process = in_process
        self.name = "pll in-process" if in_process else "pll CLI"
        self._folder = Path(tempfile.mkdtemp(prefix="bench-pll-"))
        self._driver: subprocess.Popen[str] | None = None
        self._events: dict[int, Path] = {}
        self._handlers: dict[str, Path] = {}

    def start(self, say: Say) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)  # a stop removes it
        self._events.clear()
        self._handlers.clear()
        version = VENV.ensure(say)
        how = "`lambda_local.main.call(...)` in one process" if self.in_process else \
            "`python-lambda-local -f handler app.py event.json` per invoke"
        self.description = f"python-lambda-local {version}: {how}"
        if self.in_process:
            self._driver = subprocess.Popen(
                [str(VENV.python), str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, bufsize=1)

    def stop(self) -> None:
        if self._driver is not None and self._driver.stdin is not None:
            self._driver.stdin.close()
            self._driver.wait(10)
        shutil.rmtree(self._folder, ignore_errors=True)

    def unsupported(self, scenario: str) -> str | None:
        if scenario.split(".")[0] in SCENARIOS:
            return None
        return "no Lambda API: it runs a handler once"

    def invoke(self, kind: str, body: bytes) -> Sample:
        if kind not in self._handlers:
            self._handlers[kind] = write_code(kind, self._folder / kind) / "app.py"
        handler = self._handlers[kind]
        if self.in_process:
            return self._call(handler, len(body))
        event = self._event_file(body)
        started = time.perf_counter()
        done = subprocess.run(
            [str(VENV.bin("python-lambda-local")), "-f", "handler", "-t", TIMEOUT_SECONDS,
             str(handler), str(event)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - started) * 1000
        error = None if done.returncode == 0 else f"exit {done.returncode}: " \
            f"{done.stderr.decode(errors='replace')[-160:]}"
        return Sample(ms, error=error)

    def _call(self, handler: Path, size: int) -> Sample:
        assert self._driver is not None and self._driver.stdin and self._driver.stdout
        self._driver.stdin.write(f"{handler} {size}\n")
        answer = json.loads(self._driver.stdout.readline() or '{"ms": 0, "error": "exited"}')
        return Sample(answer["ms"], error=answer["error"])

    def _event_file(self, body: bytes) -> Path:
        if len(body) not in self._events:
            path = self._folder / f"event-{len(body)}.json"
            path.write_bytes(body)
            self._events[len(body)] = path
        return self._events[len(body)]
