"""What the invoke path tells observers: one call per invocation, after it ends or is
throttled, or is stopped as part of a recursive loop. Implementations run on the invoke path,
so they must only touch memory."""

from __future__ import annotations

from typing import Protocol

from simulator.models import InvocationResult


class InvocationObserver(Protocol):
    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        """`result` is None when the invocation was throttled (`throttled` True)."""

    def record_dropped(self, function_name: str) -> None:
        """An invocation Lambda stopped, not run, as part of a recursive loop."""


class Observers:
    """Several observers behind one."""

    def __init__(self, *observers: InvocationObserver) -> None:
        self._observers = observers

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        for observer in self._observers:
            observer.record(function_name, result, throttled)

    def record_dropped(self, function_name: str) -> None:
        for observer in self._observers:
            observer.record_dropped(function_name)


class NoObserver:
    """The default: nobody watches (unit tests, tools that build a service alone)."""

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        return None

    def record_dropped(self, function_name: str) -> None:
        return None
