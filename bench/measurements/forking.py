"""A Python runtime's start by fork from the zygote, against a fresh interpreter that imports
the bootstrap (what the fork saves)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from bench.measurements.figures import Figure, median, ms
from simulator.executors.forkserver import ForkServer
from simulator.executors.runtime_files import bootstrap_path

FORKS = 20
INTERPRETER_STARTS = 10
RUNTIME_END_SECONDS = 10.0
BURST = 200  # environments started at once, as in a scale-out
# The zygote's own start-up: what a fresh interpreter also pays before it can serve.
IMPORT_BOOTSTRAP = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("bootstrap", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
"""


def figures() -> list[Figure]:
    forks = _fork_times()
    fork, start = median(forks), median(_interpreter_times())
    where = "simulator/executors/forkserver.py"
    return [
        Figure("A Python runtime's start by fork from the zygote", where,
               f"median {ms(fork)} (fastest {ms(min(forks))})",
               f"`ForkServer.fork` until the zygote names the runtime, median of {FORKS} "
               f"after one that starts the zygote; each runtime fails its init and ends before "
               f"the next fork"),
        Figure("A fresh interpreter that imports the bootstrap (what the fork saves)", where,
               f"{ms(start)}; {BURST} environments: {fork * BURST:.2f} s of forks against "
               f"{start * BURST:.1f} s of interpreter start-ups, one after another",
               f"`{Path(sys.executable).name} -c` importing the bootstrap as the zygote "
               f"does, start to exit, median of {INTERPRETER_STARTS}"),
    ]


def _fork_times() -> list[float]:
    folder = Path(tempfile.mkdtemp(prefix="measurements-"))
    server = ForkServer(sys.executable, os.environ.get("PATH", ""))
    # No Runtime API listens there: each runtime fails its init and ends.
    variables = {"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9", "_HANDLER": "missing.handler",
                 "LAMBDA_TASK_ROOT": str(folder)}
    times = []
    try:
        for attempt in range(FORKS + 1):
            ended = threading.Event()
            start = time.perf_counter()
            _, output = server.fork(variables, folder, None, partial(_set, ended))
            elapsed = time.perf_counter() - start
            os.close(output)
            ended.wait(RUNTIME_END_SECONDS)
            if attempt:
                times.append(elapsed)
    finally:
        server.close()
        shutil.rmtree(folder, ignore_errors=True)
    return times


def _set(event: threading.Event, _code: int) -> None:
    event.set()


def _interpreter_times() -> list[float]:
    environment = {"PATH": os.environ.get("PATH", ""), "LANG": "en_US.UTF-8",
                   "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    times = []
    for _ in range(INTERPRETER_STARTS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORT_BOOTSTRAP, str(bootstrap_path())],
                       env=environment, check=True, stdin=subprocess.DEVNULL, timeout=60)
        times.append(time.perf_counter() - start)
    return times
