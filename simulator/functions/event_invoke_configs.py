"""PutFunctionEventInvokeConfig and its kin: how asynchronous invocations of `$LATEST`, of a
published version or of an alias retry and where their outcomes go. Each has its own
configuration, which the invoke path reads for what was invoked. A version's (and
`$LATEST`'s) is kept with it (`FunctionConfig.event_invoke_config`); an alias's, which AWS
keeps apart from its version's, is kept in `$LATEST`'s record under `ALIAS_CONFIGS`, so that
it goes with the function."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from simulator.errors import InvalidParameterValueException, ResourceNotFoundException
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import Violations, check_pattern, validate_event_invoke_config
from simulator.models import LATEST, FunctionConfig

# The key of `$LATEST`'s configuration under which its aliases' are kept, by alias name.
ALIAS_CONFIGS = "AliasConfigs"
DESTINATION_KINDS = ("OnSuccess", "OnFailure")
DESTINATION_SERVICES = frozenset({"sqs", "sns", "lambda", "events"})
DESTINATION_PATTERN = re.compile(
    r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
    r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)")
FUNCTION_MISSING = "The function doesn't exist."
SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
NO_SETTINGS = "You must specify at least one of error handling or destination setting."


@dataclass(frozen=True)
class Target:
    """What a configuration belongs to: `$LATEST`, a version (`function`), or an alias of
    `function`'s version."""

    latest: FunctionConfig
    function: FunctionConfig
    alias: str | None

    @property
    def qualifier(self) -> str:
        return self.alias or self.function.version


class EventInvokeConfigs:
    def __init__(self, functions: FunctionOperations) -> None:
        self._functions = functions

    def put(self, reference: str, qualifier: str | None, body: dict[str, Any],
            merge: bool = False) -> dict[str, Any]:
        """Put replaces the whole configuration; Update (merge=True) changes the given fields.
        AWS checks the fields, then refuses a Put that sets nothing, before it looks the
        function up."""
        config = self._checked_fields(body)
        if not merge and all(body.get(field) is None for field in SETTINGS):
            raise InvalidParameterValueException(NO_SETTINGS)
        target = self._target(reference, qualifier, FUNCTION_MISSING)
        self._check_lambda_destinations(target.function, config)
        if merge:
            current = self._config(target)
            if current is None:
                raise ResourceNotFoundException(self._missing(target.latest.name,
                                                              target.qualifier))
            config = {**current, **config}
        config["LastModified"] = time.time()
        self._store(target, config)
        return self._describe(target, config)

    def get(self, reference: str, qualifier: str | None) -> dict[str, Any]:
        target, config = self._existing(reference, qualifier)
        return self._describe(target, config)

    def list(self, reference: str) -> dict[str, Any]:
        name = self._functions.resolve_qualifier(reference, None)[0]
        latest = self._functions.latest(name)
        if latest is None:
            raise ResourceNotFoundException(FUNCTION_MISSING)
        targets = [Target(latest, function, None)
                   for function in [latest, *self._functions.published_versions(name)]]
        aliases = self._alias_configs(latest)
        targets += [Target(latest, latest, alias) for alias in sorted(aliases)]
        return {"FunctionEventInvokeConfigs": [
            self._describe(target, config) for target in targets
            if (config := self._config(target)) is not None]}

    def delete(self, reference: str, qualifier: str | None) -> None:
        target, _ = self._existing(reference, qualifier)
        self._store(target, None)

    def as_invoked(self, reference: str) -> FunctionConfig:
        """The function an asynchronous event for `reference` runs (an alias's traffic
        weights pick the version), carrying the configuration of what was invoked: through
        an alias, the alias's own, as AWS applies it. Raises ResourceNotFoundException when
        the reference no longer resolves."""
        function = self._functions.function(reference, route=True)
        named = self._functions.resolve_qualifier(reference, None)[1]
        latest = self._functions.latest(function.name) or function
        target = Target(latest, function, named if names_alias(named) else None)
        return replace(function, event_invoke_config=self._config(target))

    # -- helpers --------------------------------------------------------------------------

    def _target(self, reference: str, qualifier: str | None, missing: str | None) -> Target:
        """The function, version or alias named; one that does not exist is refused with
        `missing` (None: AWS's "doesn't have an EventInvokeConfig" naming it)."""
        name, named = self._functions.resolve_qualifier(reference, qualifier)
        latest = self._functions.latest(name)
        try:
            function = self._functions.function(name, named)
        except ResourceNotFoundException:
            function = None
        if latest is None or function is None:
            raise ResourceNotFoundException(missing or self._missing(name, named or LATEST))
        return Target(latest, function, named if names_alias(named) else None)

    def _existing(self, reference: str, qualifier: str | None
                  ) -> tuple[Target, dict[str, Any]]:
        """AWS answers the same "doesn't have an EventInvokeConfig" for a function, version or
        alias that does not exist as for one without a configuration."""
        target = self._target(reference, qualifier, None)
        config = self._config(target)
        if config is None:
            raise ResourceNotFoundException(self._missing(target.latest.name, target.qualifier))
        return target, config

    def _config(self, target: Target) -> dict[str, Any] | None:
        if target.alias is not None:
            return self._alias_configs(target.latest).get(target.alias)
        return _own(target.function.event_invoke_config)

    def _alias_configs(self, latest: FunctionConfig) -> dict[str, dict[str, Any]]:
        """The function's aliases' configurations; one of an alias since deleted is gone."""
        kept = (latest.event_invoke_config or {}).get(ALIAS_CONFIGS, {})
        return {alias: config for alias, config in kept.items()
                if self._functions.lookup(f"{latest.name}:{alias}") is not None}

    def _store(self, target: Target, config: dict[str, Any] | None) -> None:
        """An alias's configuration, or `$LATEST`'s own, is stored beside the others kept in
        `$LATEST`'s record; a version's is the version's alone."""
        if target.alias is None and target.function.version != LATEST:
            self._functions.store_settings(target.function, event_invoke_config=config)
            return
        latest = self._functions.latest(target.latest.name) or target.latest
        own = _own(latest.event_invoke_config) if target.alias is not None else config
        aliases = self._alias_configs(latest)
        if target.alias is not None:
            aliases.pop(target.alias, None)
            if config is not None:
                aliases[target.alias] = config
        kept = {**(own or {}), **({ALIAS_CONFIGS: aliases} if aliases else {})}
        self._functions.store_settings(latest, event_invoke_config=kept or None)

    def _checked_fields(self, body: dict[str, Any]) -> dict[str, Any]:
        """The configuration a body sets: the destinations' ARN pattern and the services they
        name are checked here, in AWS's words, then the retry and age limits."""
        destinations = body.get("DestinationConfig") or {}
        violations = Violations()
        for kind in DESTINATION_KINDS:
            target = (destinations.get(kind) or {}).get("Destination")
            if target is not None:
                check_pattern(violations, target, f"destinationConfig.{kind[0].lower()}"
                              f"{kind[1:]}.destination", DESTINATION_PATTERN)
        violations.raise_if_any()
        for kind in DESTINATION_KINDS:
            target = (destinations.get(kind) or {}).get("Destination")
            if target and _service(target) not in DESTINATION_SERVICES:
                raise InvalidParameterValueException(
                    f"The provided destination config {_java_destinations(destinations)} "
                    "is invalid.")
        return validate_event_invoke_config(body)

    def _check_lambda_destinations(self, function: FunctionConfig,
                                   config: dict[str, Any]) -> None:
        """A function destination must exist, and must not be the function itself."""
        for destination in config.get("DestinationConfig", {}).values():
            target = destination["Destination"]
            if _service(target) != "lambda":
                continue
            found = self._functions.lookup(target)
            if found is None:
                raise InvalidParameterValueException(f"The destination ARN {target} is invalid.")
            if found.name == function.name:
                raise InvalidParameterValueException(
                    "You can't specify the function as a destination for itself.")

    def _missing(self, name: str, qualifier: str) -> str:
        settings = self._functions.settings
        arn = f"arn:aws:lambda:{settings.region}:{settings.account_id}:function:{name}"
        return f"The function {arn}:{qualifier} doesn't have an EventInvokeConfig"

    def _describe(self, target: Target, config: dict[str, Any]) -> dict[str, Any]:
        """AWS names the version or alias in FunctionArn and shows both destinations, empty
        or not."""
        settings = self._functions.settings
        arn = target.latest.arn(settings.region, settings.account_id)
        destinations = {"OnSuccess": {}, "OnFailure": {}, **config.get("DestinationConfig", {})}
        return {**config, "FunctionArn": f"{arn}:{target.qualifier}",
                "DestinationConfig": destinations}


def forget_alias(functions: FunctionOperations, name: str, alias: str) -> None:
    """A deleted alias's configuration goes with it: an alias made again under its name
    starts without one, as on AWS."""
    latest = functions.latest(name)
    kept = (latest.event_invoke_config or {}) if latest is not None else {}
    aliases = dict(kept.get(ALIAS_CONFIGS, {}))
    if latest is None or alias not in aliases:
        return
    del aliases[alias]
    remaining = {**(_own(kept) or {}), **({ALIAS_CONFIGS: aliases} if aliases else {})}
    functions.store_settings(latest, event_invoke_config=remaining or None)


def names_alias(qualifier: str | None) -> bool:
    """A qualifier other than `$LATEST` or a version number names an alias."""
    return qualifier is not None and qualifier != LATEST and not qualifier.isdigit()


def _own(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """A version's (or `$LATEST`'s) own configuration, without its aliases' beside it."""
    own = {key: value for key, value in (config or {}).items() if key != ALIAS_CONFIGS}
    return own or None


def _service(arn: str) -> str:
    """The service an ARN names; a `kafka://` destination names none of AWS's."""
    return arn.split(":")[2] if arn.startswith("arn:") else ""


def _java_destinations(destinations: dict[str, Any]) -> str:
    """The destinations as AWS's Java model prints them in its refusal."""
    shown = []
    for kind in DESTINATION_KINDS:
        given = destinations.get(kind)
        destination = None if given is None else given.get("Destination")
        value = "null" if given is None else (
            f"{kind}(destination={'null' if destination is None else destination})")
        shown.append(f"{kind[0].lower()}{kind[1:]}={value}")
    return f"DestinationConfig({', '.join(shown)})"
