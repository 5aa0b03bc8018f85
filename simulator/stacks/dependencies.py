"""Which resources a resource needs first (its Ref, GetAtt and Sub references and its
DependsOn), and the order CloudFormation creates them in; a cycle is refused as CloudFormation
refuses it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.stacks.errors import ValidationError

SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def referenced_names(value: Any) -> tuple[set[str], set[str]]:
    """(every name `value` refers to, the resources it reads attributes of); pseudo
    parameters (`AWS::...`) are left out."""
    names: set[str] = set()
    attributes: set[str] = set()
    _collect(value, names, attributes)
    names = {name for name in names if not name.startswith("AWS::")}
    return names | attributes, attributes


def _collect(value: Any, names: set[str], attributes: set[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _collect(item, names, attributes)
        return
    if not isinstance(value, dict):
        return
    if len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref" and isinstance(argument, str):
            names.add(argument)
            return
        if key == "Fn::GetAtt":
            target = argument.split(".", 1)[0] if isinstance(argument, str) else (
                argument[0] if isinstance(argument, list) and argument else None)
            if isinstance(target, str):
                attributes.add(target)
            if isinstance(argument, list):
                _collect(argument[1:], names, attributes)
            return
        if key == "Fn::Sub":
            _collect_sub(argument, names, attributes)
            return
    for item in value.values():
        _collect(item, names, attributes)


def _collect_sub(argument: Any, names: set[str], attributes: set[str]) -> None:
    text, variables = (argument, {}) if isinstance(argument, str) else (
        (argument + [None, None])[:2] if isinstance(argument, list) else (None, None))
    if not isinstance(variables, dict):
        variables = {}
    _collect(list(variables.values()), names, attributes)
    if not isinstance(text, str):
        return
    for match in SUB_VARIABLE.finditer(text):
        variable = match.group(1).strip()
        if variable.startswith("!") or variable in variables:
            continue
        if "." in variable and not variable.startswith("AWS::"):
            attributes.add(variable.split(".", 1)[0])
        else:
            names.add(variable)


def resource_dependencies(resources: Mapping[str, Any]) -> dict[str, set[str]]:
    """Each resource's resources to have first."""
    graph: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        needed, _ = referenced_names({key: value for key, value in resource.items()
                                      if key in ("Properties", "Metadata")})
        depends_on = resource.get("DependsOn") or []
        needed |= {depends_on} if isinstance(depends_on, str) else set(depends_on)
        graph[logical_id] = {name for name in needed if name in resources}
    return graph


def creation_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Every resource after the ones it needs, otherwise in template order;
    ValidationError naming the resources of a cycle."""
    order: list[str] = []
    placed: set[str] = set()
    remaining = {name: set(needs) for name, needs in graph.items()}
    while remaining:
        ready = [name for name, needs in remaining.items() if needs <= placed]
        if not ready:
            cycle = ", ".join(sorted(remaining))
            raise ValidationError(f"Circular dependency between resources: [{cycle}]")
        for name in ready:
            order.append(name)
            placed.add(name)
            del remaining[name]
    return order
