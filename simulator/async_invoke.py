"""Event (asynchronous) invocations: accepted at once, run in the background."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)

RunEvent = Callable[[str, bytes], None]


class AsyncInvoker:
    def __init__(self, run: RunEvent, workers: int) -> None:
        self._run = run
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="async-invoke")

    def submit(self, function_name: str, payload: bytes) -> None:
        self._pool.submit(self._run_logged, function_name, payload)

    def _run_logged(self, function_name: str, payload: bytes) -> None:
        try:
            self._run(function_name, payload)
        except Exception:
            log.exception("asynchronous invocation of %s failed", function_name)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
