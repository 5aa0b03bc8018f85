"""The resource changes a change set lists: what a template would add, modify (replacing the
resource or not) and remove, worked out against the resources as they stand. A property
that depends on a resource not yet made makes its change Conditional, as CloudFormation
reports it."""

from __future__ import annotations

from typing import Any

from simulator.stacks.engine import Engine
from simulator.stacks.intrinsic_functions import Evaluator, NotYetKnown, ResolutionFailed
from simulator.stacks.parameter_values import ParameterSet
from simulator.stacks.stack_store import StackRecord


def resource_changes(engine: Engine, stack: StackRecord, template: dict[str, Any],
                     parameters: ParameterSet) -> list[dict[str, Any]]:
    evaluator = engine.evaluator(stack, template, parameters.values, stack.resources, [])
    resources: dict[str, Any] = template.get("Resources") or {}
    changes = []
    for logical_id, resource in resources.items():
        try:
            if not evaluator.creates(logical_id):
                continue
        except ResolutionFailed:
            continue
        current = stack.resources.get(logical_id)
        kind = str(resource.get("Type"))
        if current is None or current.physical_id is None:
            changes.append(_change("Add", logical_id, kind))
            continue
        if current.resource_type != kind:
            changes.append(_change("Modify", logical_id, kind, current.physical_id, "True"))
            continue
        try:
            properties = evaluator.resolve(resource.get("Properties") or {}) or {}
        except NotYetKnown:
            changes.append(_change("Modify", logical_id, kind, current.physical_id,
                                   "Conditional", _changed_names(current.properties, None)))
            continue
        except ResolutionFailed:
            properties = {}
        if properties == current.properties:
            continue
        replaces = engine.actions.replaces(kind, current.properties, properties)
        changes.append(_change("Modify", logical_id, kind, current.physical_id,
                               "True" if replaces else "False",
                               _changed_names(current.properties, properties)))
    for logical_id, current in stack.resources.items():
        if logical_id not in resources or not _created(evaluator, logical_id):
            changes.append(_change("Remove", logical_id, current.resource_type,
                                   current.physical_id))
    return changes


def _created(evaluator: Evaluator, logical_id: str) -> bool:
    try:
        return evaluator.creates(logical_id)
    except ResolutionFailed:
        return False


def _changed_names(old: dict[str, Any], new: dict[str, Any] | None) -> list[str]:
    if new is None:
        return sorted(old)
    return sorted(name for name in set(old) | set(new) if old.get(name) != new.get(name))


def _change(action: str, logical_id: str, kind: str, physical_id: str | None = None,
            replacement: str | None = None, changed: list[str] | None = None
            ) -> dict[str, Any]:
    change: dict[str, Any] = {"Action": action, "LogicalResourceId": logical_id,
                              "ResourceType": kind}
    if physical_id is not None:
        change["PhysicalResourceId"] = physical_id
    if action == "Modify":
        recreation = {"True": "Always", "False": "Never"}.get(replacement or "", "Conditionally")
        change.update({"Replacement": replacement, "Scope": ["Properties"], "Details": [
            {"Target": {"Attribute": "Properties", "Name": name,
                        "RequiresRecreation": recreation},
             "Evaluation": "Static", "ChangeSource": "DirectModification"}
            for name in changed or []]})
    else:
        change.update({"Scope": [], "Details": []})
    return {"Type": "Resource", "ResourceChange": change}


def missing_import(engine: Engine, stack: StackRecord, template: dict[str, Any],
                   parameters: ParameterSet) -> str | None:
    """The reason a change set fails when the template imports an export nobody makes."""
    evaluator = engine.evaluator(stack, template, parameters.values, stack.resources, [])
    for value in _imports(template.get("Resources") or {}, template.get("Outputs") or {}):
        try:
            evaluator.resolve(value)
        except NotYetKnown:
            continue
        except ResolutionFailed as error:
            if str(error).startswith("No export named"):
                return str(error)
    return None


def _imports(*values: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, dict):
            if set(value) == {"Fn::ImportValue"}:
                found.append(value)
            else:
                found.extend(_imports(*value.values()))
        elif isinstance(value, list):
            found.extend(_imports(*value))
    return found
