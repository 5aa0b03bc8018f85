"""PublishVersion and aliases: the operations on what a qualifier can name. Versions are
immutable snapshots; their environments are separate from `$LATEST`'s."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Any

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.provisioned_concurrency import ProvisionedConcurrencyConfigs
from simulator.functions.validation import Violations, check_pattern
from simulator.functions.version_store import Alias, VersionStore
from simulator.models import LATEST, FunctionConfig

ALIAS_NAME = re.compile(r"(?!^[0-9]+$)([a-zA-Z0-9\-_]+)")
VERSION = re.compile(r"(\$LATEST|[0-9]+)")


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
        version = self._versions.publish(replace(latest, generation=time.time_ns()),
                                         body.get("Description"))
        return self._describe(version)

    def list_versions(self, reference: str) -> dict[str, Any]:
        latest = self._functions.function(reference)
        return {"Versions": [self._describe(latest)] + [
            self._describe(v) for v in self._versions.versions(latest.name)]}

    # -- aliases --------------------------------------------------------------------------

    def create_alias(self, reference: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self._functions.function(reference)
        self._check_alias(body.get("Name"), body.get("FunctionVersion"))
        name = str(body["Name"])
        if self._versions.alias(function.name, name) is not None:
            raise ResourceConflictException(
                f"Alias already exists: {self._arn(function)}:{name}")
        self._check_version_exists(function, str(body["FunctionVersion"]))
        alias = Alias(function.name, name, body["FunctionVersion"],
                      body.get("Description") or "", self._weights(function, body))
        self._versions.put_alias(alias)
        return alias.to_api(self._arn(function))

    def update_alias(self, reference: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
        function = self._functions.function(reference)
        alias = self._alias(function, name)
        if body.get("RevisionId") and body["RevisionId"] != alias.revision_id:
            raise PreconditionFailedException(
                "The Revision Id provided does not match the latest Revision Id. Call the "
                "GetFunction/GetAlias API to retrieve the latest Revision Id")
        version = body.get("FunctionVersion") or alias.function_version
        self._check_alias(name, version)
        self._check_version_exists(function, str(version))
        updated = Alias(function.name, name, version,
                        body.get("Description", alias.description) or "",
                        self._weights(function, body) if "RoutingConfig" in body
                        else alias.additional_weights)
        self._versions.put_alias(updated)
        return updated.to_api(self._arn(function))

    def get_alias(self, reference: str, name: str) -> dict[str, Any]:
        function = self._functions.function(reference)
        return self._alias(function, name).to_api(self._arn(function))

    def list_aliases(self, reference: str, function_version: str | None) -> dict[str, Any]:
        function = self._functions.function(reference)
        aliases = [a for a in self._versions.aliases(function.name)
                   if function_version in (None, a.function_version)]
        return {"Aliases": [a.to_api(self._arn(function)) for a in aliases]}

    def delete_alias(self, reference: str, name: str) -> None:
        function = self._functions.function(reference)
        self._versions.delete_alias(function.name, name)
        self.provisioned.forget_alias(function.name, name)
        self._functions.forget_policy(function.name, name)

    # -- helpers --------------------------------------------------------------------------

    def _describe(self, function: FunctionConfig) -> dict[str, Any]:
        return function.to_api(self._settings.region,
                               self._settings.account_id)

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

    def _check_alias(self, name: Any, version: Any) -> None:
        v = Violations()
        check_pattern(v, name, "name", ALIAS_NAME)
        check_pattern(v, version, "functionVersion", VERSION)
        v.raise_if_any()

    def _weights(self, function: FunctionConfig, body: dict[str, Any]) -> dict[str, float]:
        weights = ((body.get("RoutingConfig") or {}).get("AdditionalVersionWeights")) or {}
        for version, weight in weights.items():
            if self._versions.version(function.name, version) is None:
                raise InvalidParameterValueException(
                    f"Function version {version} does not exist")
            if not 0.0 <= float(weight) <= 1.0:
                raise InvalidParameterValueException("Weights must be between 0.0 and 1.0")
        return {version: float(weight) for version, weight in weights.items()}

