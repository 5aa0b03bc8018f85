"""A container's output through a named pipe in a folder of ours, read here directly.

Docker's own path for a container's output runs through the engine's processes (the shim
reads the runtime's pipe, the engine forwards it on an attached HTTP stream), and each
invocation writes at least its end-of-invocation marker: every warm invoke kept the engine's
processes busy on the CPU just when the server and the runtime needed it. A runtime that is
given `OUTPUT_VARIABLE` sends its stdout and stderr into this pipe instead, and the engine
carries none of it. The engine's stream stays attached for whatever a
runtime writes before it opens the pipe, or a runtime that does not know it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

OUTPUT_PIPE_NAME = "output"
OUTPUT_VARIABLE = "LAMBDA_SIM_OUTPUT"  # names the pipe, as the container sees it
READ_BYTES = 65536
# After the container has ended, how long its last output may take to be read.
DRAIN_SECONDS = 2.0


class OutputPipe:
    """The pipe at `folder`/output: made, opened for reading (and held open for writing by
    us, so that reading ends only once we let go, after the container has ended), and read on
    a thread of its own."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / OUTPUT_PIPE_NAME
        os.mkfifo(self.path)
        os.chmod(self.path, 0o622)  # the runtime's user, another one, writes
        self._reader = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._holder: int | None = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
        os.set_blocking(self._reader, True)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def read_into(self, deliver: Callable[[bytes], None], name: str) -> None:
        """Hand each chunk the runtime writes to `deliver`, from a thread of its own."""
        self._thread = threading.Thread(target=self._pump, args=(deliver,), daemon=True,
                                        name=name)
        self._thread.start()

    def finish(self) -> None:
        """The container has ended: its last output is read, then the reading stops."""
        self._let_go()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(DRAIN_SECONDS)

    def close(self) -> None:
        """Never read (its container did not start): let go of both ends."""
        self._let_go()
        if self._thread is None:
            os.close(self._reader)

    def _let_go(self) -> None:
        with self._lock:
            holder, self._holder = self._holder, None
        if holder is not None:
            os.close(holder)

    def _pump(self, deliver: Callable[[bytes], None]) -> None:
        try:
            while chunk := os.read(self._reader, READ_BYTES):
                deliver(chunk)
        except OSError as error:
            log.debug("output pipe %s: %s", self.path, error)
        finally:
            os.close(self._reader)
