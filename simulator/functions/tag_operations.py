"""TagResource, UntagResource and ListTags on functions. Tags belong to the function (its
unqualified ARN), not to a version or alias, and changing them changes nothing that runs."""

from __future__ import annotations

import re
from typing import Any

from simulator.errors import InvalidParameterValueException, ResourceNotFoundException
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import Violations, validate_tags
from simulator.models import FunctionConfig

TAGGABLE_RESOURCE_RULE = (
    r"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|code-signing-config:csc-[a-z0-9]{17}"
    r"|event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12}|(capacity-provider|network-connector):[a-zA-Z0-9-_]{1,64})"
)
FUNCTION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):function:"
    r"(?P<name>[a-zA-Z0-9\-_]+)(:(?P<qualifier>[a-zA-Z0-9$\-_]+))?")


class TagService:
    def __init__(self, functions: FunctionOperations) -> None:
        self._functions = functions

    def tag(self, resource: str, body: dict[str, Any]) -> None:
        function = self._function(resource)
        self._functions.store_tags(function, validate_tags(body.get("Tags") or {},
                                                         existing=function.tags))

    def untag(self, resource: str, keys: list[str]) -> None:
        function = self._function(resource)
        self._functions.store_tags(
            function, {k: v for k, v in function.tags.items() if k not in keys})

    def list_tags(self, resource: str) -> dict[str, Any]:
        return {"Tags": dict(self._function(resource).tags)}

    def _function(self, resource: str) -> FunctionConfig:
        """The `$LATEST` configuration of the function `resource` names."""
        v = Violations()
        if not re.fullmatch(TAGGABLE_RESOURCE_RULE, resource):
            v.add(resource, "resource",
                  f"Member must satisfy regular expression pattern: {TAGGABLE_RESOURCE_RULE}")
        v.raise_if_any()
        match = FUNCTION_ARN.fullmatch(resource)
        if match is None:
            raise InvalidParameterValueException(
                f"Tags are supported on functions in this simulator, not on {resource}")
        if match["qualifier"] is not None:
            raise InvalidParameterValueException(
                "Tags are not supported on function versions or aliases: use the function's "
                f"unqualified ARN, not {resource}")
        settings = self._functions.settings
        function = self._functions.latest(match["name"])
        if function is None or match["region"] != settings.region or \
                match["account"] != settings.account_id:
            raise ResourceNotFoundException(f"Function not found: {resource}")
        return function
