"""What a run produces: one measurement per (metric, target), and the metrics' definitions."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # "ms", "s", "MB", "/s", "envs"
    lower_is_better: bool = True


@dataclass
class Measurement:
    """A figure, or why there is none. `samples` feed the plots; `note` qualifies the cell."""

    value: float | None = None
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    note: str = ""
    missing: str = ""  # why not measured
    shown: str = ""  # what the cell says when there is no value (else "—")
    spread: tuple[float, float] | None = None  # least and most of the rounds' figures

    @classmethod
    def absent(cls, why: str) -> Measurement:
        return cls(missing=why)


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values)


@dataclass
class Results:
    """Measurements by metric key, then target name."""

    cells: dict[str, dict[str, Measurement]] = field(default_factory=dict)

    def put(self, metric: str, target: str, measurement: Measurement) -> None:
        self.cells.setdefault(metric, {})[target] = measurement

    def get(self, metric: str, target: str) -> Measurement | None:
        return self.cells.get(metric, {}).get(target)

    def value(self, metric: str, target: str) -> float | None:
        found = self.get(metric, target)
        return found.value if found else None
