"""The way a streamed response travels from the Runtime API, where the runtime writes it, to
the HTTP response that carries it to the caller (InvokeWithResponseStream, a function URL in
`RESPONSE_STREAM` mode), while the invocation runs on the path every invoke shares.

Bounded: at most `buffer_bytes` wait for a slow caller, and the runtime's writer waits beyond
that, which holds the function back as a slow client does on AWS. Paced as AWS paces: the
first 6 MB go out as fast as they come, the rest at 2 MB a second."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator

from simulator.errors import LambdaError
from simulator.models import InvocationResult

log = logging.getLogger(__name__)

BUFFER_BYTES = 1024 * 1024
UNCAPPED_BYTES = 6 * 1024 * 1024
CAPPED_BYTES_PER_SECOND = 2 * 1024 * 1024


class ResponseStream:
    """A `ResponseSink` the invocation writes to, read by the thread answering the caller.
    It is finished once, by whoever ran the invocation, with its result or the error that
    kept it from running (a throttle, say)."""

    def __init__(self, buffer_bytes: int = BUFFER_BYTES, uncapped_bytes: int = UNCAPPED_BYTES,
                 capped_bytes_per_second: float = CAPPED_BYTES_PER_SECOND) -> None:
        self._buffer_bytes = buffer_bytes
        self._uncapped_bytes = uncapped_bytes
        self._capped_rate = capped_bytes_per_second
        self._cond = threading.Condition()
        self._queue: deque[bytes] = deque()
        self._queued_bytes = 0
        self._written_bytes = 0
        self._capped_since: float | None = None
        self._abandoned = False
        self._finished = False
        self.content_type: str | None = None  # set when the runtime begins to stream
        self.result: InvocationResult | None = None
        self.error: Exception | None = None

    # -- the runtime's side (through the Runtime API) --------------------------------------------

    def open(self, content_type: str) -> None:
        with self._cond:
            self.content_type = content_type
            self._cond.notify_all()

    def write(self, chunk: bytes) -> bool:
        """One writer only, the Runtime API thread reading the runtime's response."""
        self._pace(len(chunk))
        with self._cond:
            while (self._queue and self._queued_bytes + len(chunk) > self._buffer_bytes
                   and not self._closed):
                self._cond.wait()
            if self._closed:
                return False
            self._queue.append(chunk)
            self._queued_bytes += len(chunk)
            self._cond.notify_all()
            return True

    def _pace(self, size: int) -> None:
        """Past the uncapped burst, wait until the capped rate allows these bytes out."""
        self._written_bytes += size
        capped = self._written_bytes - self._uncapped_bytes
        if capped <= 0:
            return
        now = time.monotonic()
        if self._capped_since is None:
            self._capped_since = now
        delay = self._capped_since + capped / self._capped_rate - now
        if delay > 0:
            with self._cond:
                self._cond.wait_for(lambda: self._closed, timeout=delay)

    @property
    def _closed(self) -> bool:
        """Condition held: nothing written now reaches the caller."""
        return self._finished or self._abandoned

    # -- the invocation's side ---------------------------------------------------------------

    def run_in_background(self, run: Callable[[], InvocationResult]) -> None:
        """Run the invocation on a thread of its own; the stream is finished when it
        returns."""
        threading.Thread(target=self._run, args=(run,), name="response-stream",
                         daemon=True).start()

    def _run(self, run: Callable[[], InvocationResult]) -> None:
        try:
            result = run()
        except LambdaError as error:  # refused before it ran: the caller answers with it
            self.finish(error=error)
        except Exception as error:
            log.exception("a streamed invocation failed in the simulator")
            self.finish(error=error)
        else:
            self.finish(result)

    def finish(self, result: InvocationResult | None = None,
               error: Exception | None = None) -> None:
        with self._cond:
            self.result = result
            self.error = error
            self._finished = True
            self._cond.notify_all()

    # -- the caller's side ---------------------------------------------------------------------

    def wait_started(self) -> None:
        """Until the runtime begins to stream, or the invocation is over without (a buffered
        answer, an error, a throttle)."""
        with self._cond:
            self._cond.wait_for(lambda: self.content_type is not None or self._finished)

    def chunks(self) -> Iterator[bytes]:
        """The chunks in the order written, until the invocation is over."""
        while True:
            with self._cond:
                self._cond.wait_for(lambda: bool(self._queue) or self._finished)
                if not self._queue:
                    return
                chunk = self._queue.popleft()
                self._queued_bytes -= len(chunk)
                self._cond.notify_all()
            yield chunk

    def abandon(self) -> None:
        """The caller has gone: what the runtime writes from now on is dropped."""
        with self._cond:
            self._abandoned = True
            self._queue.clear()
            self._queued_bytes = 0
            self._cond.notify_all()
