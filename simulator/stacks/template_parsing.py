"""A template's text read as CloudFormation reads it (JSON, or YAML with the short tags), and
the checks CloudFormation makes before it starts any work: the sections, each resource's
Type, the intrinsic functions used, and that every name referred to exists."""

from __future__ import annotations

import json
from typing import Any

import yaml

from simulator.stacks.dependencies import referenced_names
from simulator.stacks.errors import TemplateFormatError, ValidationError
from simulator.templates.reader import parse_yaml

SECTIONS = frozenset({"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
                      "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs",
                      "Hooks"})
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
FUNCTIONS = ("Fn::Base64", "Fn::GetAtt", "Fn::GetAZs", "Fn::ImportValue", "Fn::Join",
             "Fn::Split", "Fn::FindInMap", "Fn::Select", "Ref", "Fn::Equals", "Fn::If",
             "Fn::Not", "Condition", "Fn::And", "Fn::Or", "Fn::Sub", "Fn::Cidr")
PARAMETER_TYPES = ("String", "Number", "List<Number>", "CommaDelimitedList")
MAX_BODY_BYTES = 51_200
PSEUDO_PARAMETERS = frozenset({"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue",
                               "AWS::Partition", "AWS::Region", "AWS::StackId",
                               "AWS::StackName", "AWS::URLSuffix"})


def parse_template(text: str) -> dict[str, Any]:
    """The template as a dict; ValidationError when CloudFormation could not read it."""
    document: Any
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateFormatError(
                f"JSON not well-formed. (line {error.lineno},  column {error.colno})") from None
    else:
        try:
            document = parse_yaml(text)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise TemplateFormatError(f"YAML not well-formed.{where}") from None
        except yaml.YAMLError:
            raise TemplateFormatError("YAML not well-formed.") from None
    if not isinstance(document, dict):
        raise TemplateFormatError("unsupported structure.")
    return document


def check_sections(template: dict[str, Any]) -> None:
    """The checks that apply before any transform: the sections themselves."""
    transform = template.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    # The SAM transform takes its Globals section away before CloudFormation reads the rest.
    allowed = SECTIONS | ({"Globals"} if SAM_TRANSFORM in transforms else set())
    unknown = sorted(set(template) - allowed)
    if unknown:
        raise TemplateFormatError(f"Invalid template property or properties [{', '.join(unknown)}]")
    resources = template.get("Resources")
    if not isinstance(resources, dict) or not resources:
        raise TemplateFormatError("At least one Resources member must be defined.")


def check_template(template: dict[str, Any]) -> None:
    """CloudFormation's checks of a template ready to deploy (after its transforms)."""
    check_sections(template)
    resources: dict[str, Any] = template["Resources"]
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise TemplateFormatError(
                f"[/Resources/{logical_id}] Every Resources object must contain a Type member.")
    for declaration in (template.get("Parameters") or {}).values():
        kind = declaration.get("Type") if isinstance(declaration, dict) else None
        if not isinstance(kind, str):
            raise TemplateFormatError("Every Parameters object must contain a Type member.")
        if not _known_parameter_type(kind):
            raise TemplateFormatError(f"Unrecognized parameter type: {kind}")
    for name, output in (template.get("Outputs") or {}).items():
        if not isinstance(output, dict) or "Value" not in output:
            raise TemplateFormatError(
                f"Every Outputs member must contain a Value object, the Outputs member {name} "
                "is invalid.")
    for section in ("Resources", "Outputs", "Conditions"):
        _check_functions(template.get(section) or {})
    _check_references(template)


def _known_parameter_type(kind: str) -> bool:
    return kind in PARAMETER_TYPES or kind.startswith(("AWS::", "List<AWS::"))


def _check_functions(value: Any) -> None:
    if isinstance(value, dict):
        if len(value) == 1:
            (key,) = value
            if key.startswith("Fn::") and key not in FUNCTIONS:
                raise ValidationError(
                    f"Template error: Encountered unsupported function: {key} Supported "
                    f"functions are: [{', '.join(FUNCTIONS)}]")
        for item in value.values():
            _check_functions(item)
    elif isinstance(value, list):
        for item in value:
            _check_functions(item)


def _check_references(template: dict[str, Any]) -> None:
    """Every Ref, GetAtt, Sub variable and DependsOn names a parameter or resource, and every
    Condition used is declared."""
    resources: dict[str, Any] = template["Resources"]
    known = set(resources) | set(template.get("Parameters") or {}) | PSEUDO_PARAMETERS
    conditions = set(template.get("Conditions") or {})
    for section in ("Resources", "Outputs"):
        missing: set[str] = set()
        for entry in (template.get(section) or {}).values():
            if not isinstance(entry, dict):
                continue
            names, attributes = referenced_names(entry)
            missing |= names - known
            for resource in attributes - set(resources):
                raise ValidationError(
                    f"Template error: instance of Fn::GetAtt references undefined resource "
                    f"{resource}")
            condition = entry.get("Condition")
            if condition is not None and condition not in conditions:
                raise TemplateFormatError(
                    f"Unresolved condition dependency {condition} in the {section} block of "
                    "the template")
        if missing:
            listed = ", ".join(sorted(missing))
            raise TemplateFormatError(f"Unresolved resource dependencies [{listed}] in the "
                                      f"{section} block of the template")
