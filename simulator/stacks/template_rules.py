"""A template's `Rules`, checked as CloudFormation checks them before it deploys anything:
each rule whose RuleCondition holds (or that has none) asserts its Assertions over the
parameter values, and the first that fails refuses the call with its AssertDescription (the
CDK's "CDK bootstrap stack version 6 required" is one).

Rule functions read parameters only. `Fn::RefAll`, `Fn::ValueOf` and `Fn::ValueOfAll` ask
for values of the account's own resources (its VPCs, subnets, ...), which a local run does not
have: an assertion built on them is not refused here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from simulator.stacks.errors import ValidationError
from simulator.stacks.intrinsic_functions import Evaluator, ResolutionFailed, StackIdentity

ACCOUNT_VALUE_FUNCTIONS = frozenset({"Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll"})


class _AccountValue(Exception):
    """A rule asks for what only the account's own resources would answer."""


def check_rules(template: Mapping[str, Any], parameters: Mapping[str, Any],
                identity: StackIdentity) -> None:
    rules = template.get("Rules") or {}
    if not isinstance(rules, dict):
        raise ValidationError("Template format error: Every Rules member must be an object")
    evaluator = Evaluator(template, identity, parameters, lambda logical_id: None,
                          _no_imports)
    for name, rule in rules.items():
        if not isinstance(rule, dict):
            raise ValidationError(f"Template format error: Rule {name} must be an object")
        try:
            if "RuleCondition" in rule and not _holds(rule["RuleCondition"], evaluator):
                continue
            for assertion in rule.get("Assertions") or []:
                if not _holds(assertion.get("Assert"), evaluator):
                    raise ValidationError(str(assertion.get("AssertDescription") or
                                              f"Template rule {name} failed"))
        except _AccountValue:
            continue
        except ResolutionFailed as error:
            raise ValidationError(str(error)) from None


def _no_imports(name: str) -> str:
    raise ResolutionFailed("Template error: Fn::ImportValue may not be used in Rules")


def _holds(expression: Any, evaluator: Evaluator) -> bool:
    if not isinstance(expression, dict) or len(expression) != 1:
        raise ResolutionFailed("Template error: a rule's condition or assertion must be one "
                               "rule function")
    ((name, arguments),) = expression.items()
    if name in ACCOUNT_VALUE_FUNCTIONS:
        raise _AccountValue(name)
    if name == "Fn::Not":
        return not _holds(_only(arguments), evaluator)
    if name == "Fn::And":
        return all(_holds(operand, evaluator) for operand in _list(name, arguments))
    if name == "Fn::Or":
        return any(_holds(operand, evaluator) for operand in _list(name, arguments))
    if name == "Fn::Equals":
        left, right = _pair(name, arguments)
        return _text(_value(left, evaluator)) == _text(_value(right, evaluator))
    if name == "Fn::Contains":
        members, value = _pair(name, arguments)
        return _text(_value(value, evaluator)) in _texts(_value(members, evaluator))
    if name == "Fn::EachMemberEquals":
        members, value = _pair(name, arguments)
        return all(member == _text(_value(value, evaluator))
                   for member in _texts(_value(members, evaluator)))
    if name == "Fn::EachMemberIn":
        members, allowed = _pair(name, arguments)
        allowed_values = _texts(_value(allowed, evaluator))
        return all(member in allowed_values for member in _texts(_value(members, evaluator)))
    raise ResolutionFailed(f"Template error: {name} is not a rule function")


def _value(argument: Any, evaluator: Evaluator) -> Any:
    if isinstance(argument, dict) and len(argument) == 1 and \
            next(iter(argument)) in ACCOUNT_VALUE_FUNCTIONS:
        raise _AccountValue(next(iter(argument)))
    return evaluator.resolve(argument)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",")]
    if isinstance(value, list):
        return [_text(item) for item in value]
    return [_text(value)]


def _only(arguments: Any) -> Any:
    return arguments[0] if isinstance(arguments, list) and len(arguments) == 1 else arguments


def _list(name: str, arguments: Any) -> list[Any]:
    if not isinstance(arguments, list):
        raise ResolutionFailed(f"Template error: {name} takes a list")
    return arguments


def _pair(name: str, arguments: Any) -> tuple[Any, Any]:
    if not isinstance(arguments, list) or len(arguments) != 2:
        raise ResolutionFailed(f"Template error: {name} takes a list of two")
    return arguments[0], arguments[1]
