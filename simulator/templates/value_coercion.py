"""Template values the way CloudFormation reads them: `true` and "true" alike, numbers that
arrive as strings from parameters, JSON documents given either as text or as mappings."""

from __future__ import annotations

import json
from typing import Any, overload

from simulator.templates.specs import TemplateError


def stringify(value: Any) -> str:
    """A scalar as CloudFormation turns it into text (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


@overload
def as_int(value: Any, default: int, where: str) -> int: ...
@overload
def as_int(value: Any, default: None, where: str) -> int | None: ...
def as_int(value: Any, default: int | None, where: str) -> int | None:
    """`value` as a whole number; TemplateError naming `where` when it is not one."""
    if value is None:
        return default
    try:
        return int(stringify(value))
    except ValueError:
        raise TemplateError(f"{where} must be a whole number, not {value!r}") from None


def as_document(value: Any, where: str) -> dict[str, Any] | None:
    """A JSON document property (a RedrivePolicy, an EventPattern) given as text or mapping."""
    if value is None or isinstance(value, dict):
        return value
    try:
        document = json.loads(value)
    except (TypeError, ValueError):
        raise TemplateError(f"{where} must be a JSON object, not {value!r}") from None
    if not isinstance(document, dict):
        raise TemplateError(f"{where} must be a JSON object, not {value!r}")
    return document
