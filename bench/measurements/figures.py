"""One measured figure as the report lists it, and how its numbers read."""

from __future__ import annotations

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    claim: str  # what the code's reasoning relies on
    where: str  # the modules that rely on it
    measured: str
    method: str


def not_measured(claim: str, where: str, why: str) -> Figure:
    return Figure(claim, where, f"not measured: {why}", "")


def median(values: list[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:.0f} ms" if value >= 10 else f"{value:.2f} ms"


def us(seconds: float) -> str:
    value = seconds * 1e6
    return f"{value:.0f} µs" if value >= 10 else f"{value:.1f} µs"


def mb(size: float) -> str:
    return f"{size / 2**20:.1f} MB"


def share(part: float, whole: float) -> str:
    """`part` as a share of `whole`, with the fraction a comment would have rounded it to."""
    fraction = part / whole
    return f"{fraction:.0%} (1/{1 / fraction:.1f})" if fraction > 0 else "0%"
