"""SAM's `Globals` section: properties every AWS::Serverless::Function inherits.

As SAM applies them: a function's own value wins, mappings merge key by key (so Environment
Variables from both are kept), lists add the function's items after the global ones, and an
intrinsic function counts as a plain value."""

from __future__ import annotations

from typing import Any

from simulator.templates.intrinsics import is_intrinsic

SIMULATED_SECTIONS = ("Function",)


def function_globals(document: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """The `Globals.Function` properties; the sections that only shape API Gateway or other
    services the simulator lacks are warned about."""
    sections = document.get("Globals") or {}
    if not isinstance(sections, dict):
        return {}
    for section in sections.keys() - set(SIMULATED_SECTIONS):
        warnings.append(f"Globals.{section} is not simulated; it is ignored.")
    function = sections.get("Function") or {}
    return function if isinstance(function, dict) else {}


def merged(global_value: Any, own_value: Any) -> Any:
    """`own_value` with `global_value` applied underneath it."""
    if is_plain(global_value, dict) and is_plain(own_value, dict):
        result = dict(global_value)
        for key, value in own_value.items():
            result[key] = merged(global_value[key], value) if key in global_value else value
        return result
    if isinstance(global_value, list) and isinstance(own_value, list):
        return global_value + own_value
    return own_value


def is_plain(value: Any, kind: type) -> bool:
    return isinstance(value, kind) and not is_intrinsic(value)
