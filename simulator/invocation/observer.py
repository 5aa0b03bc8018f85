"""What the invoke path tells observers: one call per invocation, after it ends or is
throttled. Implementations run on the invoke path, so they must only touch memory."""

from __future__ import annotations

from typing import Protocol

from simulator.models import InvocationResult


class InvocationObserver(Protocol):
    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        """`result` is None when the invocation was throttled (`throttled` True)."""


class Observers:
    """Several observers behind one."""

    def __init__(self, *observers: InvocationObserver) -> None:
        self._observers = observers

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        for observer in self._observers:
            observer.record(function_name, result, throttled)


class NoObserver:
    """The default: nobody watches (unit tests, tools that build a service alone)."""

    def record(self, function_name: str, result: InvocationResult | None,
               throttled: bool) -> None:
        return None
