"""How a measurement reads in a table cell, and how it compares with ours."""

from __future__ import annotations

from bench.results import Measurement, Metric, Results
from bench.rounds import spread_percent

MISSING = "—"


def number(value: float) -> str:
    """Three significant digits, no exponent."""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio_text(ratio: float) -> str:
    """`0.96×`, `7.6×`, `149×`: enough digits to tell a loss from a tie."""
    if ratio < 10:
        return f"{ratio:.2f}×"
    return f"{ratio:.1f}×" if ratio < 100 else f"{ratio:,.0f}×"


def value_text(metric: Metric, value: float) -> str:
    if metric.unit == "/s":
        return f"{number(value)}/s"
    if metric.unit == "envs":
        return f"{value:.0f}"
    return f"{number(value)} {metric.unit}"


def advantage(metric: Metric, ours: float, peer: float) -> float | None:
    """How many times better ours is (below 1: worse); None where it means nothing."""
    if metric.unit == "envs" or ours <= 0 or peer <= 0:
        return None
    return peer / ours if metric.lower_is_better else ours / peer


def comparison(results: Results, metric: Metric, target: str, compare_to: str | None
               ) -> float | None:
    if compare_to is None:
        return None
    ours, peer = results.value(metric.key, compare_to), results.value(metric.key, target)
    if ours is None or peer is None:
        return None
    return advantage(metric, ours, peer)


def cell(results: Results, metric: Metric, target: str, compare_to: str | None) -> str:
    found: Measurement | None = results.get(metric.key, target)
    if found is None or found.value is None:
        return found.shown or MISSING if found else MISSING
    text = value_text(metric, found.value)
    spread = spread_percent(found)
    if spread is not None:
        text += f" ±{spread:.0f}%"
    ratio = comparison(results, metric, target, compare_to)
    if ratio is not None:
        text += f" ({ratio_text(ratio)})"
    if found.errors:
        text += f" [{found.errors} err]"
    return text
