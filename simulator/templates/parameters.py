"""The values of a template's Parameters: each Default, replaced by the caller's overrides,
checked against AllowedValues the way CloudFormation checks them at deploy time."""

from __future__ import annotations

from typing import Any

from simulator.templates.intrinsics import Unresolvable
from simulator.templates.specs import TemplateError
from simulator.templates.value_coercion import stringify

LIST_TYPES = ("CommaDelimitedList", "List<")
SSM_TYPE = "AWS::SSM::Parameter::Value<"


def parameter_values(
    declared: dict[str, Any], overrides: dict[str, str], warnings: list[str]
) -> dict[str, Any]:
    """Each parameter's value: a string, a list for list types, or an Unresolvable for a
    Parameter Store lookup nobody overrode (an override gives the value itself, as there is no
    Parameter Store to read locally)."""
    for name in overrides.keys() - declared.keys():
        warnings.append(f"The parameter override {name} matches no parameter of the template; "
                        "it is ignored.")
    values: dict[str, Any] = {}
    for name, declaration in declared.items():
        declaration = declaration if isinstance(declaration, dict) else {}
        kind = stringify(declaration.get("Type", "String"))
        if name in overrides:
            raw: Any = overrides[name]
        elif kind.startswith(SSM_TYPE):
            values[name] = Unresolvable(
                f"parameter {name} is read from SSM Parameter Store, which the simulator does "
                f"not have; pass its value as a parameter override"
            )
            continue
        elif "Default" in declaration:
            raw = declaration["Default"]
        else:
            raise TemplateError(
                f"parameter {name} has no Default; give it a value with a parameter override "
                f"({name}=...)"
            )
        values[name] = checked_value(name, kind, raw, declaration.get("AllowedValues"))
    return values


def checked_value(name: str, kind: str, raw: Any, allowed: Any) -> Any:
    """A value of the parameter's type; a list's items are each checked against
    AllowedValues, as CloudFormation checks them."""
    if _is_list(kind):
        items = raw if isinstance(raw, list) else stringify(raw).split(",")
        return [_allowed(name, stringify(item).strip(), allowed) for item in items]
    value = stringify(raw)
    if kind == "Number":
        try:
            float(value)
        except ValueError:
            message = f"parameter {name} is a Number, but its value is {value!r}"
            raise TemplateError(message) from None
    return _allowed(name, value, allowed)


def _is_list(kind: str) -> bool:
    """`List<...>`, `CommaDelimitedList`, and the same read from Parameter Store
    (`AWS::SSM::Parameter::Value<List<String>>`)."""
    inner = kind.removeprefix(SSM_TYPE).removesuffix(">") if kind.startswith(SSM_TYPE) else kind
    return inner.startswith(LIST_TYPES)


def _allowed(name: str, value: str, allowed: Any) -> str:
    if isinstance(allowed, list) and value not in map(stringify, allowed):
        raise TemplateError(
            f"parameter {name} is {value!r}, which is not one of its AllowedValues "
            f"{', '.join(map(stringify, allowed))}"
        )
    return value
