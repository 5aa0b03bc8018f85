"""Turning CloudFormation resource properties into API parameters: templates give tags as
lists of Key/Value, policy documents as objects, and numbers or booleans as strings (a
parameter's value); the APIs want maps, JSON text and typed values."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.stacks.provisioning import ProvisioningContext


def compact(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters that have a value: an absent property sends nothing."""
    return {name: value for name, value in parameters.items() if value is not None}


def tag_map(tags: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """`[{Key, Value}]` as `{Key: Value}` (Lambda, SQS, SNS-style maps)."""
    return {str(tag["Key"]): str(tag["Value"]) for tag in tags or ()}


def tag_list(tags: Iterable[Mapping[str, Any]] | None) -> list[dict[str, str]]:
    """`[{Key, Value}]` with string values, as IAM, S3 and DynamoDB take them."""
    return [{"Key": str(tag["Key"]), "Value": str(tag["Value"])} for tag in tags or ()]


def as_int(value: Any) -> int | None:
    return None if value is None else int(value)


def as_bool(value: Any) -> bool | None:
    """A boolean property, which a parameter passes as the text "true" or "false"."""
    if value is None or isinstance(value, bool):
        return value
    return str(value).lower() == "true"


def as_json(value: Any) -> str | None:
    """A document property (policy, pattern, redrive policy): objects become JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def attribute_text(value: Any) -> str:
    """An SQS or SNS attribute value: every one is text on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def changed(old: Mapping[str, Any], new: Mapping[str, Any], names: Iterable[str]) -> bool:
    """Whether any of the named properties differs between the two."""
    return any(old.get(name) != new.get(name) for name in names)



def resource_name(context: ProvisioningContext, properties: Mapping[str, Any],
                  name_property: str, max_length: int) -> str:
    """The name the template gives, else CloudFormation's generated one."""
    given = properties.get(name_property)
    return str(given) if given else context.generated_name(max_length)


class ReplacedByProperties:
    """A type whose listed properties each need a new resource when they change (the
    properties CloudFormation documents as "Update requires: Replacement")."""

    replacement_properties: frozenset[str] = frozenset()

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return changed(old_properties, new_properties, self.replacement_properties)


class Immutable:
    """A type every property of which needs a new resource when it changes."""

    def replaces(self, old_properties: Mapping[str, Any], new_properties: Mapping[str, Any]
                 ) -> bool:
        return dict(old_properties) != dict(new_properties)
