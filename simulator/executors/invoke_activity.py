"""When invokes last took an environment, so that work an executor does ahead of demand (a
standby container's start) waits for a lull in them.

Starting a container keeps the engine busy on the CPU for a while (docs/MEASUREMENTS.md).
Warm invokes that run meanwhile share the CPU with it; put off until invokes pause, the
start costs them nothing. A launch that needs the container now does not wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class InvokeActivity:
    """Noting an invoke is one assignment: it is on every invoke's path."""

    def __init__(self, lull_seconds: float, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self._lull = lull_seconds
        self._clock = clock
        self._last = clock() - lull_seconds
        self._changed = threading.Condition()
        self._hurries = 0

    def note(self) -> None:
        """An invoke took an environment."""
        self._last = self._clock()

    def hurry(self) -> None:
        """A launch needs what is being put off: every wait under way ends now."""
        with self._changed:
            self._hurries += 1
            self._changed.notify_all()

    def wait_for_lull(self, longest: float, stop: threading.Event) -> None:
        """Return once no invoke has come for the lull's length, after `longest` seconds
        at most, or at once on a hurry or once `stop` is set."""
        deadline = self._clock() + longest
        with self._changed:
            hurries = self._hurries
            while not stop.is_set() and self._hurries == hurries:
                now = self._clock()
                quiet_in = self._lull - (now - self._last)
                if quiet_in <= 0 or now >= deadline:
                    return
                self._changed.wait(min(quiet_in, deadline - now))
