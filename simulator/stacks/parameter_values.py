"""A stack's parameter values: the caller's, the previous ones it asks to keep, or each
Default, checked against the declaration (type, AllowedValues, AllowedPattern, lengths and
bounds) with CloudFormation's messages. Parameter Store types are read through `ssm_value`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.stacks.errors import ValidationError

SSM_TYPE = "AWS::SSM::Parameter::Value<"


@dataclass(frozen=True)
class ParameterSet:
    """`raw`: the values as given (what UsePreviousValue keeps); `values`: what Ref answers
    (lists for list types); `resolved`: the values read from Parameter Store."""

    raw: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    resolved: dict[str, str] = field(default_factory=dict)


def given_values(given: Sequence[Mapping[str, Any]], previous: Mapping[str, str]
                 ) -> dict[str, str]:
    """The caller's `Parameters` list as name → value, UsePreviousValue taken from
    `previous`."""
    values: dict[str, str] = {}
    for parameter in given:
        key = str(parameter.get("ParameterKey", ""))
        if parameter.get("UsePreviousValue"):
            if key not in previous:
                raise ValidationError(f"Invalid input for parameter key {key}. Cannot specify "
                                      "usePreviousValue as true for a parameter key not in the "
                                      "previous template")
            values[key] = previous[key]
        elif "ParameterValue" in parameter:
            values[key] = str(parameter["ParameterValue"])
    return values


def resolve_parameters(declared: Mapping[str, Any], given: Mapping[str, str],
                       ssm_value: Callable[[str], str]) -> ParameterSet:
    unknown = [name for name in given if name not in declared]
    if unknown:
        raise ValidationError(f"Parameters: [{', '.join(unknown)}] do not exist in the template")
    missing = [name for name, declaration in declared.items()
               if name not in given and "Default" not in _as_dict(declaration)]
    if missing:
        raise ValidationError(f"Parameters: [{', '.join(missing)}] must have values")
    result = ParameterSet()
    for name, declaration in declared.items():
        declaration = _as_dict(declaration)
        raw = given[name] if name in given else _text(declaration["Default"])
        kind = str(declaration.get("Type", "String"))
        result.raw[name] = raw
        if kind.startswith(SSM_TYPE):
            resolved = ssm_value(raw)
            result.resolved[name] = resolved
            kind = kind[len(SSM_TYPE):-1]
            raw = resolved
        result.values[name] = _checked(name, kind, raw, declaration)
    return result


def _as_dict(declaration: Any) -> dict[str, Any]:
    return declaration if isinstance(declaration, dict) else {}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(_text, value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _checked(name: str, kind: str, raw: str, declaration: Mapping[str, Any]) -> Any:
    if kind == "CommaDelimitedList" or kind.startswith("List<"):
        items = [item.strip() for item in raw.split(",")] if raw else []
        item_kind = "Number" if kind == "List<Number>" else "String"
        for item in items:
            _check(name, item_kind, item, declaration)
        return items
    _check(name, kind, raw, declaration)
    return raw


def _check(name: str, kind: str, value: str, declaration: Mapping[str, Any]) -> None:
    described = declaration.get("ConstraintDescription")

    def refuse(message: str) -> ValidationError:
        if described:
            return ValidationError(f"Parameter '{name}' failed to satisfy constraint: {described}")
        return ValidationError(f"Parameter '{name}' {message}")

    if kind == "Number":
        try:
            number = float(value)
        except ValueError:
            raise ValidationError(f"Parameter '{name}' must be a number.") from None
        if "MinValue" in declaration and number < float(declaration["MinValue"]):
            raise refuse(f"must be a number not less than {declaration['MinValue']}")
        if "MaxValue" in declaration and number > float(declaration["MaxValue"]):
            raise refuse(f"must be a number not greater than {declaration['MaxValue']}")
    allowed = declaration.get("AllowedValues")
    if isinstance(allowed, list) and value not in map(_text, allowed):
        raise refuse("must be one of AllowedValues")
    pattern = declaration.get("AllowedPattern")
    if isinstance(pattern, str) and re.fullmatch(pattern, value) is None:
        raise refuse(f"must match pattern {pattern}")
    if "MinLength" in declaration and len(value) < int(declaration["MinLength"]):
        raise refuse(f"must contain at least {declaration['MinLength']} characters")
    if "MaxLength" in declaration and len(value) > int(declaration["MaxLength"]):
        raise refuse(f"must contain at most {declaration['MaxLength']} characters")
