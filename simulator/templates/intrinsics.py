"""Evaluate CloudFormation intrinsic functions and conditions against one local stack.

A value that cannot be had locally (an import from another stack, an unknown attribute) does
not stop the load: it becomes a warning and the property is left unset, because the rest of
the template is still worth running."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from simulator.templates.naming import (
    LAYER_TYPES,
    NAME_PROPERTIES,
    PhysicalResource,
    Stack,
    describe,
    generated_name,
)
from simulator.templates.specs import TemplateError
from simulator.templates.value_coercion import as_bool, stringify

NO_VALUE = object()  # what `AWS::NoValue` stands for: the property or list item is removed
SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class Unresolvable(Exception):
    """An intrinsic that has no local value; the message says why."""


def is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return bool(key == "Ref" or key.startswith("Fn::"))


class Resolver:
    """Resolves values against the stack's parameters, mappings, conditions and resources.

    Resources are named on first reference, so a name that depends on a parameter or on another
    resource is worked out in whatever order the template needs."""

    def __init__(
        self,
        stack: Stack,
        parameters: dict[str, Any],
        resources: dict[str, dict[str, Any]],
        mappings: dict[str, Any],
        conditions: dict[str, Any],
        warnings: list[str],
    ) -> None:
        self.stack = stack
        self.parameters = parameters
        self.resources = resources
        self.mappings = mappings
        self.conditions = conditions
        self.warnings = warnings
        self._physical: dict[str, PhysicalResource] = {}
        self._naming: list[str] = []  # the resources being named, outermost first
        self._condition_values: dict[str, bool] = {}
        self._functions: dict[str, Callable[[Any], Any]] = {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::If": self._if,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
            "Fn::GetAZs": self._get_azs,
            "Fn::ImportValue": self._import_value,
        }

    def resolve(self, value: Any, where: str) -> Any:
        """`value` with every intrinsic evaluated; one that cannot be is warned about (naming
        `where`) and left None."""
        resolved = self._resolve(value, where)
        return None if resolved is NO_VALUE else resolved

    def _resolve(self, value: Any, where: str) -> Any:
        if isinstance(value, dict) and not is_intrinsic(value):
            items = ((key, self._resolve(item, f"{where}.{key}")) for key, item in value.items())
            return {key: item for key, item in items if item is not NO_VALUE}
        if isinstance(value, list):
            items = (self._resolve(item, f"{where}[{index}]") for index, item in enumerate(value))
            return [item for item in items if item is not NO_VALUE]
        try:
            return self.evaluate(value)
        except Unresolvable as problem:
            self.warnings.append(f"{where}: {problem}; the value is left unset.")
            return None

    def evaluate(self, value: Any) -> Any:
        """`value` fully evaluated; Unresolvable if any part of it has no local value."""
        if isinstance(value, dict):
            if is_intrinsic(value):
                ((name, arguments),) = value.items()
                function = self._functions.get(name)
                if function is None:
                    raise Unresolvable(f"{name} is not supported by the simulator")
                return function(arguments)
            items = ((key, self.evaluate(item)) for key, item in value.items())
            return {key: item for key, item in items if item is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in map(self.evaluate, value) if item is not NO_VALUE]
        return value

    def exists(self, logical_id: str) -> bool:
        """Whether a resource is created: it has no Condition, or a true one."""
        condition = self.resources[logical_id].get("Condition")
        return condition is None or self.condition(condition)

    def condition(self, name: Any) -> bool:
        """The value of a named condition; one that cannot be decided locally is warned about
        once and taken as false."""
        if not isinstance(name, str) or name not in self.conditions:
            raise TemplateError(f"the condition {name!r} is used but not defined under Conditions")
        if name not in self._condition_values:
            self._condition_values[name] = False  # also breaks a condition that uses itself
            try:
                self._condition_values[name] = self._condition_expression(self.conditions[name])
            except Unresolvable as problem:
                self.warnings.append(
                    f"Conditions.{name}: {problem}; the condition is taken as false."
                )
        return self._condition_values[name]

    def physical(self, logical_id: str) -> PhysicalResource:
        """The name, reference and attributes of a resource, worked out on first use."""
        if logical_id not in self._physical:
            resource = self.resources.get(logical_id)
            if resource is None:
                raise Unresolvable(f"no parameter or resource is named {logical_id}")
            if not self.exists(logical_id):
                raise Unresolvable(f"{logical_id} is not created: its Condition is false")
            if logical_id in self._naming:
                cycle = " -> ".join([*self._naming[self._naming.index(logical_id):], logical_id])
                raise TemplateError(f"the names of these resources depend on each other: "
                                    f"{cycle}; name one of them without the others")
            self._naming.append(logical_id)
            try:
                self._physical[logical_id] = self._describe(logical_id, resource)
            finally:
                self._naming.pop()
        return self._physical[logical_id]

    def _describe(self, logical_id: str, resource: dict[str, Any]) -> PhysicalResource:
        resource_type = str(resource.get("Type"))
        properties = resource.get("Properties") or {}
        name_property = NAME_PROPERTIES.get(resource_type, "")
        given = None
        if name_property in properties:
            try:
                given = self.evaluate(properties[name_property])
            except Unresolvable as problem:
                self.warnings.append(
                    f"Resources.{logical_id}.Properties.{name_property}: {problem}; "
                    "a generated name is used."
                )
        if given and given is not NO_VALUE:  # `!Ref AWS::NoValue`: as if no name were given
            name = stringify(given)
        elif resource_type in LAYER_TYPES:
            name = logical_id
        else:
            fifo_key = "FifoQueue" if "FifoQueue" in properties else "FifoTopic"
            where = f"Resources.{logical_id}.Properties.{fifo_key}"
            fifo = self.resolve(properties.get(fifo_key), where)
            suffix = ".fifo" if as_bool(fifo) else ""
            name = generated_name(self.stack, logical_id, resource_type, suffix)
        return describe(self.stack, logical_id, resource_type, name)

    def _condition_expression(self, expression: Any) -> bool:
        if not isinstance(expression, dict) or len(expression) != 1:
            raise Unresolvable(f"{expression!r} is not a condition function")
        ((name, arguments),) = expression.items()
        if name == "Condition":
            return self.condition(arguments)
        if name == "Fn::Equals":
            left, right = self._arguments(name, arguments, 2)
            return bool(self._comparable(left) == self._comparable(right))
        if name == "Fn::Not":
            (operand,) = self._arguments(name, arguments, 1)
            return not self._condition_expression(operand)
        if name == "Fn::And":
            return all(self._condition_expression(operand) for operand in arguments)
        if name == "Fn::Or":
            return any(self._condition_expression(operand) for operand in arguments)
        raise Unresolvable(f"{name} is not a condition function")

    def _comparable(self, value: Any) -> Any:
        value = self.evaluate(value)
        return [stringify(item) for item in value] if isinstance(value, list) else stringify(value)

    @staticmethod
    def _arguments(name: str, arguments: Any, count: int) -> list[Any]:
        if not isinstance(arguments, list) or len(arguments) != count:
            raise Unresolvable(f"{name} takes a list of {count} values, not {arguments!r}")
        return arguments

    def _ref(self, target: Any) -> Any:
        if not isinstance(target, str):
            raise Unresolvable(f"Ref needs a name, not {target!r}")
        pseudo = self._pseudo_parameter(target)
        if pseudo is not None:
            return pseudo
        if target in self.parameters:
            value = self.parameters[target]
            if isinstance(value, Unresolvable):
                raise value
            return value
        return self.physical(target).ref

    def _pseudo_parameter(self, name: str) -> Any:
        stack = self.stack
        return {
            "AWS::Region": stack.region,
            "AWS::AccountId": stack.account_id,
            "AWS::StackName": stack.name,
            "AWS::StackId": f"arn:{stack.partition}:cloudformation:{stack.region}:"
            f"{stack.account_id}:stack/{stack.name}/local",
            "AWS::Partition": stack.partition,
            "AWS::URLSuffix": stack.url_suffix,
            "AWS::NoValue": NO_VALUE,
            "AWS::NotificationARNs": [],
        }.get(name)

    def _get_att(self, arguments: Any) -> str:
        if isinstance(arguments, str):
            arguments = arguments.split(".", 1)
        logical_id, attribute = self._arguments("Fn::GetAtt", self.evaluate(arguments), 2)
        resource = self.physical(logical_id)
        if attribute not in resource.attributes:
            resource_type = self.resources[logical_id].get("Type")
            raise Unresolvable(
                f"Fn::GetAtt {logical_id}.{attribute}: the simulator does not know the "
                f"{attribute} attribute of {resource_type}"
            )
        return resource.attributes[attribute]

    def _sub(self, arguments: Any) -> str:
        if isinstance(arguments, str):
            text, variables = arguments, {}
        else:
            text, variables = self._arguments("Fn::Sub", arguments, 2)
        if not isinstance(text, str) or not isinstance(variables, dict):
            raise Unresolvable(f"Fn::Sub takes a string, or a string and a map: {arguments!r}")

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                value = self.evaluate(variables[name])
            elif "." in name and not name.startswith("AWS::"):
                value = self._get_att(name)
            else:
                value = self._ref(name)
            return stringify(value)

        return SUB_VARIABLE.sub(substitute, text)

    def _join(self, arguments: Any) -> str:
        delimiter, items = self._arguments("Fn::Join", self.evaluate(arguments), 2)
        if not isinstance(items, list):
            raise Unresolvable(f"Fn::Join needs a list to join, not {items!r}")
        return stringify(delimiter).join(stringify(item) for item in items)

    def _select(self, arguments: Any) -> Any:
        index, items = self._arguments("Fn::Select", self.evaluate(arguments), 2)
        try:
            if not isinstance(items, list) or int(index) < 0:
                raise IndexError(index)  # CloudFormation takes items of a list, counted from 0
            return items[int(index)]
        except (ValueError, TypeError, IndexError, KeyError):
            raise Unresolvable(f"Fn::Select cannot take item {index!r} of {items!r}") from None

    def _split(self, arguments: Any) -> list[str]:
        delimiter, text = self._arguments("Fn::Split", self.evaluate(arguments), 2)
        if not stringify(delimiter):
            raise Unresolvable("Fn::Split needs a delimiter that is not empty")
        return stringify(text).split(stringify(delimiter))

    def _if(self, arguments: Any) -> Any:
        condition, when_true, when_false = self._arguments("Fn::If", arguments, 3)
        return self.evaluate(when_true if self.condition(condition) else when_false)

    def _find_in_map(self, arguments: Any) -> Any:
        keys = self._arguments("Fn::FindInMap", self.evaluate(arguments), 3)
        value: Any = self.mappings
        for key in keys:
            if not isinstance(value, dict) or stringify(key) not in value:
                raise Unresolvable(f"Fn::FindInMap finds no {'/'.join(map(stringify, keys))}")
            value = value[stringify(key)]
        return value

    def _base64(self, argument: Any) -> str:
        return base64.b64encode(stringify(self.evaluate(argument)).encode()).decode()

    def _get_azs(self, argument: Any) -> list[str]:
        region = self.evaluate(argument) or self.stack.region
        return [f"{region}{zone}" for zone in "abc"]

    def _import_value(self, argument: Any) -> Any:
        raise Unresolvable(
            f"Fn::ImportValue {argument!r}: values exported by other stacks are not available "
            "locally"
        )
