"""A call's template made ready to deploy, with CloudFormation's checks in its order: the text
read, the sections, the capabilities a transform needs, the parameter values, the template's
Rules, the transform applied, the resulting template checked (functions, references,
cycles), then the IAM capabilities its resources need."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulator.stacks.dependencies import creation_order, resource_dependencies
from simulator.stacks.errors import InsufficientCapabilities
from simulator.stacks.intrinsic_functions import StackIdentity
from simulator.stacks.parameter_values import ParameterSet, given_values, resolve_parameters
from simulator.stacks.sam_transform import apply_transforms, declared_transforms
from simulator.stacks.template_parsing import check_sections, check_template, parse_template
from simulator.stacks.template_rules import check_rules

IAM_NAMES = {"AWS::IAM::Role": "RoleName", "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
             "AWS::IAM::User": "UserName", "AWS::IAM::Group": "GroupName",
             "AWS::IAM::InstanceProfile": "InstanceProfileName"}
IAM_TYPES = frozenset({*IAM_NAMES, "AWS::IAM::Policy", "AWS::IAM::AccessKey",
                       "AWS::IAM::UserToGroupAddition"})


@dataclass(frozen=True)
class PreparedTemplate:
    body: str
    original: dict[str, Any]
    processed: dict[str, Any]
    parameters: ParameterSet


def prepare(body: str, given: Sequence[Mapping[str, Any]], previous: Mapping[str, str],
            identity: StackIdentity, ssm_value: Callable[[str], str],
            capabilities: Sequence[str], through_change_set: bool) -> PreparedTemplate:
    """`through_change_set`: a change set may declare transforms without
    CAPABILITY_AUTO_EXPAND; CreateStack and UpdateStack may not."""
    original = parse_template(body)
    check_sections(original)
    if declared_transforms(original) and not through_change_set and \
            "CAPABILITY_AUTO_EXPAND" not in capabilities:
        raise InsufficientCapabilities("Requires capabilities : [CAPABILITY_AUTO_EXPAND]")
    parameters = resolve_parameters(original.get("Parameters") or {},
                                    given_values(given, previous), ssm_value)
    check_rules(original, parameters.values, identity)
    processed = apply_transforms(original, identity, parameters.raw)
    check_template(processed)
    creation_order(resource_dependencies(processed["Resources"]))
    needed = required_capabilities(processed)
    if needed and not set(capabilities) & {needed, "CAPABILITY_NAMED_IAM"}:
        raise InsufficientCapabilities(f"Requires capabilities : [{needed}]")
    return PreparedTemplate(body, original, processed, parameters)


def required_capabilities(template: Mapping[str, Any]) -> str | None:
    """CAPABILITY_NAMED_IAM when an IAM resource is given a name, CAPABILITY_IAM when there
    are IAM resources, else None."""
    needed = None
    for resource in (template.get("Resources") or {}).values():
        kind = resource.get("Type")
        if kind not in IAM_TYPES:
            continue
        needed = "CAPABILITY_IAM"
        if IAM_NAMES.get(kind) in (resource.get("Properties") or {}):
            return "CAPABILITY_NAMED_IAM"
    return needed


def capabilities_reason(template: Mapping[str, Any]) -> str | None:
    """Why a template needs the capability it needs (GetTemplateSummary's reason)."""
    kinds = sorted({str(resource.get("Type")) for resource in
                    (template.get("Resources") or {}).values()
                    if resource.get("Type") in IAM_TYPES})
    if not kinds:
        return None
    return f"The following resource(s) require capabilities: [{', '.join(kinds)}]"
