"""CloudFormation's intrinsic functions and conditions, evaluated while a stack deploys:
`Ref` and `Fn::GetAtt` read the resources provisioned so far, `Fn::ImportValue` other
stacks' exports. A value that cannot be had fails the deploy, naming the reason."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.stacks.dependencies import SUB_VARIABLE
from simulator.stacks.provisioning import Provisioned

NO_VALUE = object()  # `AWS::NoValue`: the property or list item is removed


class ResolutionFailed(Exception):
    """A value that cannot be worked out; the message is the reason CloudFormation gives."""


class NotYetKnown(ResolutionFailed):
    """A reference to a resource not provisioned yet (a change set's preview meets these)."""


@dataclass(frozen=True)
class StackIdentity:
    """What the pseudo parameters answer."""

    name: str
    stack_id: str
    region: str
    account_id: str
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"


class Evaluator:
    """Resolves values of one template at one moment of its deploy."""

    def __init__(self, template: Mapping[str, Any], identity: StackIdentity,
                 parameters: Mapping[str, Any],
                 resource: Callable[[str], Provisioned | None],
                 import_value: Callable[[str], str]) -> None:
        self.identity = identity
        self.parameters = parameters
        self.mappings: Mapping[str, Any] = template.get("Mappings") or {}
        self.conditions: Mapping[str, Any] = template.get("Conditions") or {}
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self._resource = resource
        self._import_value = import_value
        self._condition_values: dict[str, bool] = {}
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref, "Fn::GetAtt": self._get_att, "Fn::Sub": self._sub,
            "Fn::Join": self._join, "Fn::Select": self._select, "Fn::Split": self._split,
            "Fn::If": self._if, "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64, "Fn::GetAZs": self._get_azs,
            "Fn::ImportValue": self._import, "Fn::Cidr": self._cidr,
        }

    def resolve(self, value: Any) -> Any:
        """`value` with every intrinsic evaluated (`AWS::NoValue` gives None at the top)."""
        resolved = self._evaluate(value)
        return None if resolved is NO_VALUE else resolved

    def creates(self, logical_id: str) -> bool:
        """Whether the resource exists in this deploy: no Condition, or a true one."""
        condition = (self.resources.get(logical_id) or {}).get("Condition")
        return condition is None or self.condition(condition)

    def condition(self, name: Any) -> bool:
        if not isinstance(name, str) or name not in self.conditions:
            raise ResolutionFailed(f"Template error: unresolved condition dependency {name}")
        if name not in self._condition_values:
            self._condition_values[name] = self._condition_expression(self.conditions[name])
        return self._condition_values[name]

    def _evaluate(self, value: Any) -> Any:
        if isinstance(value, list):
            return [item for item in map(self._evaluate, value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            function = self._functions.get(name)
            if function is not None:
                return function(argument)
        items = ((key, self._evaluate(item)) for key, item in value.items())
        return {key: item for key, item in items if item is not NO_VALUE}

    def _condition_expression(self, expression: Any) -> bool:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise ResolutionFailed(f"Template error: {json.dumps(expression)} is not a condition")
        ((name, arguments),) = expression.items()
        if name == "Condition":
            return self.condition(arguments)
        if name == "Fn::Equals":
            left, right = _arguments(name, arguments, 2)
            return bool(_comparable(self._evaluate(left)) == _comparable(self._evaluate(right)))
        if name == "Fn::Not":
            (operand,) = _arguments(name, arguments, 1)
            return not self._condition_expression(operand)
        if name == "Fn::And":
            return all(self._condition_expression(operand) for operand in arguments)
        if name == "Fn::Or":
            return any(self._condition_expression(operand) for operand in arguments)
        raise ResolutionFailed(f"Template error: {name} is not a condition function")

    def _ref(self, name: Any) -> Any:
        if not isinstance(name, str):
            raise ResolutionFailed("Template error: every Ref object must have a single String "
                                   "value.")
        identity = self.identity
        pseudo: dict[str, Any] = {
            "AWS::Region": identity.region, "AWS::AccountId": identity.account_id,
            "AWS::StackName": identity.name, "AWS::StackId": identity.stack_id,
            "AWS::Partition": identity.partition, "AWS::URLSuffix": identity.url_suffix,
            "AWS::NoValue": NO_VALUE, "AWS::NotificationARNs": [],
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        return self._provisioned(name).physical_id

    def _provisioned(self, logical_id: str) -> Provisioned:
        if logical_id not in self.resources:
            raise ResolutionFailed(f"Template format error: Unresolved resource dependencies "
                                   f"[{logical_id}] in the Resources block of the template")
        if not self.creates(logical_id):
            raise ResolutionFailed(f"Template error: resource {logical_id} is not created: "
                                   "its Condition is false")
        provisioned = self._resource(logical_id)
        if provisioned is None:
            raise NotYetKnown(logical_id)
        return provisioned

    def _get_att(self, arguments: Any) -> Any:
        if isinstance(arguments, str):
            arguments = arguments.split(".", 1)
        logical_id, attribute = _arguments("Fn::GetAtt", arguments, 2)
        attribute = self._evaluate(attribute)
        provisioned = self._provisioned(logical_id)
        if attribute not in provisioned.attributes:
            raise ResolutionFailed(f"Template error: resource {logical_id} does not support "
                                   f"attribute type {attribute} in Fn::GetAtt")
        return provisioned.attributes[attribute]

    def _sub(self, arguments: Any) -> str:
        if isinstance(arguments, str):
            text, variables = arguments, {}
        else:
            text, variables = _arguments("Fn::Sub", arguments, 2)
            variables = self._evaluate(variables)
        if not isinstance(text, str) or not isinstance(variables, dict):
            raise ResolutionFailed("Template error: One or more Fn::Sub intrinsic functions "
                                   "don't specify expected arguments.")

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return _string(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return _string(self._get_att(name))
            return _string(self._ref(name))

        return SUB_VARIABLE.sub(substitute, text)

    def _join(self, arguments: Any) -> str:
        delimiter, items = _arguments("Fn::Join", self._evaluate(arguments), 2)
        if not isinstance(items, list):
            raise ResolutionFailed("Template error: every Fn::Join object requires two "
                                   "parameters, (1) a string delimiter and (2) a list of "
                                   "strings to be joined")
        return _string(delimiter).join(_string(item) for item in items)

    def _select(self, arguments: Any) -> Any:
        index, items = _arguments("Fn::Select", self._evaluate(arguments), 2)
        try:
            position = int(index)
            if not isinstance(items, list) or position < 0:
                raise IndexError(position)
            return items[position]
        except (ValueError, TypeError, IndexError):
            raise ResolutionFailed("Template error: Fn::Select cannot select nonexistent value "
                                   f"at index {index}") from None

    def _split(self, arguments: Any) -> list[str]:
        delimiter, text = _arguments("Fn::Split", self._evaluate(arguments), 2)
        return _string(text).split(_string(delimiter))

    def _if(self, arguments: Any) -> Any:
        condition, when_true, when_false = _arguments("Fn::If", arguments, 3)
        return self._evaluate(when_true if self.condition(condition) else when_false)

    def _find_in_map(self, arguments: Any) -> Any:
        keys = _arguments("Fn::FindInMap", self._evaluate(arguments), 3)
        value: Any = self.mappings
        for key in keys:
            if not isinstance(value, dict) or _string(key) not in value:
                raise ResolutionFailed(f"Template error: Unable to get mapping for "
                                       f"{'::'.join(map(_string, keys))}")
            value = value[_string(key)]
        return value

    def _base64(self, argument: Any) -> str:
        return base64.b64encode(_string(self._evaluate(argument)).encode()).decode()

    def _get_azs(self, argument: Any) -> list[str]:
        region = self._evaluate(argument) or self.identity.region
        return [f"{region}{zone}" for zone in "abcdef"]

    def _import(self, argument: Any) -> str:
        return str(self._import_value(_string(self._evaluate(argument))))

    def _cidr(self, arguments: Any) -> list[str]:
        block, count, bits = _arguments("Fn::Cidr", self._evaluate(arguments), 3)
        try:
            network = ipaddress.ip_network(_string(block), strict=False)
            prefix = network.max_prefixlen - int(bits)
            subnets = network.subnets(new_prefix=prefix)
            return [str(next(subnets)) for _ in range(int(count))]
        except (ValueError, StopIteration):
            raise ResolutionFailed(f"Template error: Fn::Cidr cannot make {count} blocks of "
                                   f"{bits} bits from {block}") from None


def _arguments(name: str, arguments: Any, count: int) -> list[Any]:
    if not isinstance(arguments, list) or len(arguments) != count:
        raise ResolutionFailed(f"Template error: {name} takes a list of {count} values, not "
                               f"{json.dumps(arguments, default=str)}")
    return arguments


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        raise ResolutionFailed(f"Template error: {json.dumps(value, default=str)} is not a "
                               "string")
    return str(value)


def _comparable(value: Any) -> Any:
    if isinstance(value, list):
        return [_string(item) for item in value]
    return _string(value)
