"""Runs inside python-lambda-local's virtualenv: times `lambda_local.main.call` (the handler in
a forked process, as the tool does) for each request read from stdin.

Protocol: a line `<handler file> <payload size>` in, a line `{"ms": ..., "error": ...}` out on
the original stdout; the tool's own logging goes to /dev/null."""

import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable

from lambda_local.context import Context
from lambda_local.main import call

TIMEOUT_SECONDS = 60


def load(path: str) -> Callable[..., object]:
    spec = importlib.util.spec_from_file_location("bench_handler", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    handlers = {}
    for line in sys.stdin:
        path, size = line.split()
        handler = handlers.setdefault(path, load(path))
        event = {"data": "x" * (int(size) - 11)}
        started = time.perf_counter()
        result, error = call(handler, event, Context(TIMEOUT_SECONDS))
        ms = (time.perf_counter() - started) * 1000
        answers.write(json.dumps({"ms": ms, "error": None if error is None else str(result)})
                      + "\n")


if __name__ == "__main__":
    main()
