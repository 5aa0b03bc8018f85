"""Metric math for GetMetricData: arithmetic over other queries' results (`100 * e / i`).

Supported: query ids, numbers, `+ - * /`, unary minus and parentheses. Two series combine
at the timestamps both have; a division by zero leaves that timestamp out. Functions
(`SUM(...)`, `FILL(...)`, ...) are refused with a clear error."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable

from simulator.observability.errors import InvalidParameterValue

Series = dict[int, float]
Value = Series | float

OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def evaluate(expression: str, series: dict[str, Series], expressions: dict[str, str],
             evaluating: frozenset[str] = frozenset()) -> Series:
    """The series an expression yields. `series` holds the results known so far (and gets
    those of referenced expressions); `expressions` the other queries' expressions."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise _invalid(expression, "it is not valid metric math") from None
    try:
        value = _value(tree.body, expression, series, expressions, evaluating)
    except ZeroDivisionError:
        raise _invalid(expression, "it divides a number by zero") from None
    if isinstance(value, float):
        raise _invalid(expression, "it must refer to at least one metric")
    return value


def _value(node: ast.expr, expression: str, series: dict[str, Series],
           expressions: dict[str, str], evaluating: frozenset[str]) -> Value:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
            and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.Name):
        return _reference(node.id, expression, series, expressions, evaluating)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        operand = _value(node.operand, expression, series, expressions, evaluating)
        sign = -1.0 if isinstance(node.op, ast.USub) else 1.0
        return _combine(operator.mul, sign, operand)
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        left = _value(node.left, expression, series, expressions, evaluating)
        right = _value(node.right, expression, series, expressions, evaluating)
        return _combine(OPERATORS[type(node.op)], left, right)
    raise _invalid(expression, "only query ids, numbers and + - * / are supported")


def _reference(name: str, expression: str, series: dict[str, Series],
               expressions: dict[str, str], evaluating: frozenset[str]) -> Series:
    if name in series:
        return series[name]
    if name not in expressions:
        raise _invalid(expression, f"{name} is not the id of another query")
    if name in evaluating:
        raise _invalid(expression, f"{name} refers to itself")
    series[name] = evaluate(expressions[name], series, expressions, evaluating | {name})
    return series[name]


def _combine(apply: Callable[[float, float], float], left: Value, right: Value) -> Value:
    if isinstance(left, float) and isinstance(right, float):
        return apply(left, right)
    if isinstance(left, float):
        assert isinstance(right, dict)
        pairs = {t: (left, v) for t, v in right.items()}
    elif isinstance(right, float):
        pairs = {t: (v, right) for t, v in left.items()}
    else:
        pairs = {t: (v, right[t]) for t, v in left.items() if t in right}
    combined: Series = {}
    for timestamp, (a, b) in pairs.items():
        try:
            combined[timestamp] = apply(a, b)
        except ZeroDivisionError:
            continue
    return combined


def _invalid(expression: str, why: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Invalid metric math expression {expression!r}: {why}.")
