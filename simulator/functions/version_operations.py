"""PublishVersion and aliases: the operations on what a qualifier can name. Versions are
immutable snapshots; their environments are separate from `$LATEST`'s."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
    UntypedInvalidParameterValueException,
)
from simulator.functions.event_invoke_configs import forget_alias
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.provisioned_concurrency import ProvisionedConcurrencyConfigs
from simulator.functions.validation import Violations, check_pattern
from simulator.functions.version_store import Alias, VersionStore
from simulator.models import LATEST, FunctionConfig, new_revision_id

ALIAS_NAME = re.compile(r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)")
VERSION = re.compile(r"(\$LATEST|[0-9]+)")
VERSION_NUMBER = re.compile(r"[0-9]+")


class VersionService:
    def __init__(self, settings: Settings, functions: FunctionOperations,
                 versions: VersionStore, pool: EnvironmentPool) -> None:
        self._settings = settings
        self._functions = functions
        self._versions = versions
        # The configs on versions and aliases, which an alias's deletion takes with it.
        self.provisioned = ProvisionedConcurrencyConfigs(settings, functions, versions, pool)

    # -- versions -------------------------------------------------------------------------

    def publish(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        latest = self._functions.function(reference)
        if body.get("CodeSha256") and body["CodeSha256"] != latest.code_sha256:
            raise InvalidParameterValueException(
                f"CodeSHA256 ({body['CodeSha256']}) is different from current CodeSHA256 in "
                f"$LATEST ({latest.code_sha256}). Please try again with the CodeSHA256 in "
                "$LATEST.")
        if body.get("RevisionId") and body["RevisionId"] != latest.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id")
        published = len(self._functions.published_versions(latest.name))
        version = self._functions.publish(latest, body.get("Description"))
        if len(self._functions.published_versions(latest.name)) > published:
            # AWS gives $LATEST a new revision when a version is taken from it; publishing
            # again from that revision still answers this version.
            revision = new_revision_id()
            self._functions.store_settings(latest, revision_id=revision)
            version = replace(version, published_from=revision)
            self._functions.store_settings(version, published_from=revision)
        return self._describe(version)

    def list_versions(self, reference: str) -> dict[str, Any]:
        latest = self._functions.function(reference)
        return {"Versions": [self._describe(v, listed=True) for v in
                             [latest, *self._versions.versions(latest.name)]]}

    # -- aliases --------------------------------------------------------------------------

    def create_alias(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        """AWS's checks, in the order its answers show: the values, the function, the routing,
        the versions named, and last whether the alias exists."""
        self._check_alias(body.get("Name"), body.get("FunctionVersion"), body)
        name, version = str(body["Name"]), str(body["FunctionVersion"])
        try:
            function = self._functions.function(reference)
        except ResourceNotFoundException as missing:
            raise ResourceNotFoundException(f"{missing.message}:{version}") from None
        weights = self._weights(function, version, body)
        if self._versions.alias(function.name, name) is not None:
            raise ResourceConflictException(
                f"Alias already exists: {self._arn(function)}:{name}")
        alias = Alias(function.name, name, version, body.get("Description") or "", weights)
        self._versions.put_alias(alias)
        return alias.to_api(self._arn(function))

    def update_alias(self, reference: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self._functions.function(reference)
        alias = self._alias(function, name)
        if body.get("RevisionId") and body["RevisionId"] != alias.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id")
        version = str(body.get("FunctionVersion") or alias.function_version)
        self._check_alias(name, version, body)
        if "RoutingConfig" in body:
            weights = self._weights(function, version, body)
        else:
            self._check_version_exists(function, version)
            weights = alias.additional_weights
        updated = Alias(function.name, name, version,
                        body.get("Description", alias.description) or "", weights)
        self._versions.put_alias(updated)
        return updated.to_api(self._arn(function))

    def get_alias(self, reference: str, name: str) -> dict[str, Any]:
        function = self._functions.function(reference)
        alias = self._versions.alias(function.name, name)
        if alias is None:
            raise ResourceNotFoundException(
                f"Cannot find alias arn: {self._arn(function)}:{name}")
        return alias.to_api(self._arn(function))

    def list_aliases(self, reference: str, function_version: str | None) -> dict[str, Any]:
        function = self._functions.function(reference)
        aliases = [a for a in self._versions.aliases(function.name)
                   if function_version in (None, a.function_version)]
        return {"Aliases": [a.to_api(self._arn(function)) for a in aliases]}

    def delete_alias(self, reference: str, name: str) -> None:
        function = self._functions.function(reference)
        self._versions.delete_alias(function.name, name)
        forget_alias(self._functions, function.name, name)
        self.provisioned.forget_alias(function.name, name)
        self._functions.forget_policy(function.name, name)

    # -- helpers --------------------------------------------------------------------------

    def _describe(self, function: FunctionConfig, listed: bool = False) -> dict[str, Any]:
        return function.to_api(self._settings.region, self._settings.account_id, listed,
                               qualified=listed)

    def _arn(self, function: FunctionConfig) -> str:
        return function.arn(self._settings.region, self._settings.account_id)

    def _alias(self, function: FunctionConfig, name: str) -> Alias:
        alias = self._versions.alias(function.name, name)
        if alias is None:
            raise ResourceNotFoundException(f"Alias not found: {self._arn(function)}:{name}")
        return alias

    def _check_version_exists(self, function: FunctionConfig, version: str) -> None:
        """An alias points at `$LATEST` or a published version, as AWS checks."""
        if version != LATEST and self._versions.version(function.name, version) is None:
            raise ResourceNotFoundException(
                f"Function not found: {self._arn(function)}:{version}")

    def _check_alias(self, name: Any, version: Any, body: dict[str, Any]) -> None:
        v = Violations()
        check_pattern(v, name, "name", ALIAS_NAME)
        check_pattern(v, version, "functionVersion", VERSION)
        weights = _routing_weights(body)
        if any(not VERSION_NUMBER.fullmatch(str(key)) for key in weights):
            v.add(_java_map(weights), "routingConfig.additionalVersionWeights",
                  "Map keys must satisfy constraint: [Member must have length less than or "
                  "equal to 1024, Member must have length greater than or equal to 1, Member "
                  f"must satisfy regular expression pattern: {VERSION_NUMBER.pattern}]")
        elif any(not isinstance(weight, int | float) or not 0.0 <= weight <= 1.0
                 for weight in weights.values()):
            v.add(_java_map(weights), "routingConfig.additionalVersionWeights",
                  "Map value must satisfy constraint: [Member must have value less than or "
                  "equal to 1.0, Member must have value greater than or equal to 0.0, Member "
                  "must not be null]")
        v.raise_if_any()

    def _weights(self, function: FunctionConfig, version: str, body: dict[str, Any]
                 ) -> dict[str, float]:
        """The routing AWS takes: one more version, another than the alias's, published, and
        beside a published version rather than `$LATEST`."""
        weights = _routing_weights(body)
        if len(weights) > 1:
            raise InvalidParameterValueException(
                "Number of items in AdditionalVersionWeights cannot be greater than 1")
        if version in weights:
            raise InvalidParameterValueException(
                f"Invalid function version {version}. Function version {version} is already "
                "included in routing configuration.")
        self._check_version_exists(function, version)
        for additional in weights:
            self._check_version_exists(function, additional)
        if weights and version == LATEST:
            raise UntypedInvalidParameterValueException(
                "$LATEST is not supported for an alias pointing to more than 1 version")
        return {key: float(weight) for key, weight in weights.items()}


def _routing_weights(body: dict[str, Any]) -> dict[str, Any]:
    weights = (body.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
    return dict(weights) if isinstance(weights, dict) else {}


def _java_map(weights: dict[str, Any]) -> str:
    """How AWS's messages print a map: `{2=0.5}`."""
    return "{" + ", ".join(f"{key}={float(value)}" if isinstance(value, int | float)
                           else f"{key}={value}" for key, value in weights.items()) + "}"
