"""TagResource, UntagResource and ListTags on functions. Tags belong to the function (its
unqualified ARN), not to a version or alias, and changing them changes nothing that runs.
An event source mapping's tags are kept beside it (`ResourceTagStore`); whether the mapping
exists is the caller's to check, mappings being a layer above. A capacity provider cannot
exist here, so tagging one answers AWS's "not found"."""

from __future__ import annotations

import re
from typing import Any

from simulator.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.resource_tags import ResourceTagStore
from simulator.functions.validation import Violations, validate_tags
from simulator.models import FunctionConfig

# The pattern AWS's ValidationException quotes for a resource it cannot tag.
TAGGABLE_RESOURCE_RULE = (
    r"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)"
    r"|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)"
)
QUALIFIED_TAGS = ("Tags on function aliases and versions are not supported. Please specify a "
                  "function ARN.")
EMPTY_TAGS = "An error occurred and the request cannot be processed."
MAPPING_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:event-source-mapping:(?P<uuid>[0-9a-fA-F-]{36})")
CAPACITY_PROVIDER_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:capacity-provider:.+")
FUNCTION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[a-zA-Z0-9\-_]+)(:(?P<qualifier>[a-zA-Z0-9$\-_]+))?")


class TagService:
    def __init__(self, functions: FunctionOperations,
                 resource_tags: ResourceTagStore | None = None) -> None:
        """`resource_tags` holds the tags of event source mappings; by default, in the state
        folder."""
        self._functions = functions
        self._resource_tags = resource_tags or ResourceTagStore(
            functions.settings.state_dir / "resource-tags.db")

    def tag(self, resource: str, body: dict[str, Any]) -> None:
        existing = self._tags_of(resource)
        tags = body.get("Tags")
        if not tags:
            raise InvalidParameterValueException(EMPTY_TAGS)
        self._store(resource, validate_tags(tags, existing=existing))

    def untag(self, resource: str, keys: list[str]) -> None:
        existing = self._tags_of(resource)
        if not keys:
            raise ValidationException(
                "1 validation error detected: Value null at 'tagKeys' failed to satisfy "
                "constraint: Member must not be null")
        self._store(resource, {k: v for k, v in existing.items() if k not in keys})

    def list_tags(self, resource: str) -> dict[str, Any]:
        return {"Tags": self._tags_of(resource)}

    def forget(self, resource: str) -> None:
        """An event source mapping was deleted: its tags go with it."""
        self._resource_tags.forget(resource)

    def _tags_of(self, resource: str) -> dict[str, str]:
        _check_taggable(resource)
        if MAPPING_ARN.fullmatch(resource):
            return self._resource_tags.tags(resource)
        return dict(self._function(resource).tags)

    def _store(self, resource: str, tags: dict[str, str]) -> None:
        if MAPPING_ARN.fullmatch(resource):
            self._resource_tags.put(resource, tags)
        else:
            self._functions.store_tags(self._function(resource), tags)

    def _function(self, resource: str) -> FunctionConfig:
        """The `$LATEST` configuration of the function `resource` names."""
        if CAPACITY_PROVIDER_ARN.fullmatch(resource):
            raise ResourceNotFoundException(f"Capacity provider not found: {resource}")
        match = FUNCTION_ARN.fullmatch(resource)
        if match is None:
            raise InvalidParameterValueException(
                "Tags are supported on functions and event source mappings in this simulator, "
                f"not on {resource}")
        if match["qualifier"] is not None:
            raise InvalidParameterValueException(QUALIFIED_TAGS)
        settings = self._functions.settings
        function = self._functions.latest(match["name"])
        if function is None or match["region"] != settings.region or \
                match["account"] != settings.account_id:
            raise ResourceNotFoundException(f"Function not found: {resource}")
        return function


def _check_taggable(resource: str) -> None:
    v = Violations()
    if not re.fullmatch(TAGGABLE_RESOURCE_RULE, resource):
        v.add(resource, "resource",
              f"Member must satisfy regular expression pattern: {TAGGABLE_RESOURCE_RULE}")
    v.raise_if_any()
