"""Metric math expressions over series, and the ones refused."""

from __future__ import annotations

import pytest

from simulator.observability.errors import InvalidParameterValue
from simulator.observability.metric_math import evaluate


def test_metric_math_combines_series_and_refuses_the_rest() -> None:
    series = {"a": {0: 4.0, 60: 6.0}, "b": {0: 2.0, 120: 1.0}, "z": {0: 0.0}}
    assert evaluate("a / b", series, {}) == {0: 2.0}
    assert evaluate("-(a + 1) * 2", series, {}) == {0: -10.0, 60: -14.0}
    assert evaluate("b / z", series, {}) == {}
    assert evaluate("c * 2", series, {"c": "a - b"}) == {0: 4.0}
    for expression in ("SUM(METRICS())", "a ** 2", "7", "missing + 1", "1 / 0"):
        with pytest.raises(InvalidParameterValue):
            evaluate(expression, dict(series), {})
    with pytest.raises(InvalidParameterValue):
        evaluate("x", {}, {"x": "y + 1", "y": "x + 1"})
