"""Provisioned concurrency as AWS runs it: a config on a published version or an alias starts
that many execution environments and reports IN_PROGRESS until they have initialised, READY
with the count that is really warm, or FAILED with the reason when they could not start. Its
size is bounded by the account's unreserved concurrency and the function's reservation,
with AWS's errors; a version and an alias pointing at it can't both hold one."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    UntypedInvalidParameterValueException,
)
from simulator.functions.function_operations import UNRESERVED_MINIMUM, FunctionOperations
from simulator.functions.validation import Violations, check_range, parse_function_reference
from simulator.functions.version_store import VersionStore
from simulator.models import LATEST, FunctionConfig, ProvisionedConcurrency

log = logging.getLogger(__name__)

# Environments start a few at a time, whatever was asked: the engine starts containers at a
# bounded rate, and each start holds a thread until the runtime has initialised.
STARTING_AT_ONCE = 4
INIT_TIMEOUT_SECONDS = 60.0
# How the pool words a start whose init code failed (EnvironmentPool.start_warm), and the
# StatusReason AWS gives a config whose environments' init failed; the pool's words for
# any other failure are the reason.
INIT_FAILED = "the function's initialization failed"
INIT_FAILURE_REASON = "FUNCTION_ERROR_INIT_FAILURE"


class ProvisionedConcurrencyConfigNotFound(ResourceNotFoundException):
    code = "ProvisionedConcurrencyConfigNotFoundException"
    message_key = "message"


@dataclass
class _Config:
    """One config's request and how its environments' starts went."""

    function: FunctionConfig  # the version it keeps warm
    qualifier: str  # a version number or an alias name, as it was put
    requested: int
    since: float
    last_modified: str
    started: int = 0
    failure: str | None = None

    @property
    def settled(self) -> bool:
        return self.failure is not None or self.started >= self.requested


class ProvisionedConcurrencyConfigs:
    def __init__(self, settings: Settings, functions: FunctionOperations,
                 versions: VersionStore, pool: EnvironmentPool) -> None:
        self._settings = settings
        self._functions = functions
        self._versions = versions
        self._pool = pool
        self._lock = threading.Lock()
        self._configs: dict[tuple[str, str], _Config] = {}
        self._starts = ThreadPoolExecutor(STARTING_AT_ONCE,
                                          thread_name_prefix="provisioned-concurrency")
        pool.provisioned_of = self.counts_of

    def put(self, reference: str, qualifier: str | None, body: dict[str, Any]
            ) -> dict[str, Any]:
        if not qualifier or qualifier == LATEST:
            raise InvalidParameterValueException(
                "Provisioned Concurrency Configs cannot be applied to unpublished function "
                "versions.")
        count = body.get("ProvisionedConcurrentExecutions")
        violations = Violations()
        check_range(violations, count, "provisionedConcurrentExecutions", 1, None)
        violations.raise_if_any()
        requested = int(str(count))
        function = self._target(reference, qualifier)
        with self._lock:
            self._check_conflicts(function, qualifier)
            self._check_limits(function, qualifier, requested)
            key = (function.name, qualifier)
            previous = self._configs.get(key)
            config = _Config(function, qualifier, requested, time.time(), _now())
            self._configs[key] = config
        kept = min(requested, self._pool.provisioned_count(function.pool_key)) \
            if previous is not None else 0
        if previous is not None:
            self._pool.end_provisioning(function.pool_key, keep=kept)
        config.started = kept
        answer = self._describe(config)  # as the request left it: the starts come after
        for _ in range(requested - kept):
            self._starts.submit(self._start_one, config)
        return answer

    def get(self, reference: str, qualifier: str | None) -> dict[str, Any]:
        return self._describe(self._config(reference, qualifier))

    def list_configs(self, reference: str) -> dict[str, Any]:
        function = self._functions.function(reference)
        with self._lock:
            configs = [config for (name, _), config in sorted(self._in_force().items())
                       if name == function.name]
        return {"ProvisionedConcurrencyConfigs": [
            {"FunctionArn": self._qualified_arn(config), **self._describe(config)}
            for config in configs]}

    def delete(self, reference: str, qualifier: str | None) -> None:
        if not qualifier or qualifier == LATEST:
            raise InvalidParameterValueException(
                "The function resource provided must be an alias or a published version.")
        function = self._target(reference, qualifier)
        with self._lock:
            removed = self._configs.pop((function.name, qualifier), None)
        if removed is not None:
            self._pool.end_provisioning(function.pool_key)

    def forget_alias(self, function_name: str, alias: str) -> None:
        """A deleted alias takes its config with it; its environments stay, on demand."""
        with self._lock:
            removed = self._configs.pop((function_name, alias), None)
        if removed is not None:
            self._pool.end_provisioning(removed.function.pool_key)

    def in_force(self) -> list[ProvisionedConcurrency]:
        """The configs in force, for what they would cost (a copy: safe from any thread)."""
        with self._lock:
            return [ProvisionedConcurrency(config.function, config.qualifier, config.requested,
                                           config.since)
                    for config in self._in_force().values()]

    def counts_of(self, function_name: str) -> dict[str, int]:
        """The function's provisioned concurrency by version key: what comes out of its
        reserved concurrency."""
        counts: dict[str, int] = {}
        with self._lock:
            for (name, _), config in self._in_force().items():
                if name == function_name:
                    key = config.function.version_key
                    counts[key] = counts.get(key, 0) + config.requested
        return counts

    def close(self) -> None:
        self._starts.shutdown(wait=False, cancel_futures=True)

    # -- the environments ------------------------------------------------------------------

    def _start_one(self, config: _Config) -> None:
        with self._lock:
            current = self._configs.get((config.function.name, config.qualifier)) is config
        if not current or config.failure is not None:
            return
        reason = self._pool.start_warm(config.function, INIT_TIMEOUT_SECONDS, provisioned=True)
        with self._lock:
            if reason is None:
                config.started += 1
            elif config.failure is None:
                config.failure = reason
                log.warning("provisioned concurrency of %s:%s failed: %s",
                            config.function.name, config.qualifier, reason)

    # -- helpers ---------------------------------------------------------------------------

    def _describe(self, config: _Config) -> dict[str, Any]:
        with self._lock:
            started, failure = config.started, config.failure
        warm = min(self._pool.provisioned_count(config.function.pool_key), config.requested)
        answer: dict[str, Any] = {
            "RequestedProvisionedConcurrentExecutions": config.requested,
            "AvailableProvisionedConcurrentExecutions": warm if config.settled else 0,
            "AllocatedProvisionedConcurrentExecutions": min(started, warm),
            "Status": "FAILED" if failure is not None
            else "READY" if started >= config.requested else "IN_PROGRESS",
            "LastModified": config.last_modified,
        }
        if failure is not None:
            answer["StatusReason"] = INIT_FAILURE_REASON if failure.startswith(INIT_FAILED) \
                else (f"{config.requested - started} of {config.requested} execution "
                      f"environments could not start: {failure}")
        return answer

    def _config(self, reference: str, qualifier: str | None) -> _Config:
        if not qualifier or qualifier == LATEST:
            raise InvalidParameterValueException(
                "The function resource provided must be an alias or a published version.")
        function = self._target(reference, qualifier)
        with self._lock:
            config = self._in_force().get((function.name, qualifier))
        if config is None:
            raise ProvisionedConcurrencyConfigNotFound(
                "No Provisioned Concurrency Config found for this function")
        return config

    def _target(self, reference: str, qualifier: str) -> FunctionConfig:
        """The version a qualifier names, with AWS's wording when the alias doesn't exist."""
        name, _ = parse_function_reference(reference)
        if not qualifier.isdigit() and (self._functions.latest(name) is None
                                        or self._versions.alias(name, qualifier) is None):
            raise ResourceNotFoundException(
                f"Cannot find alias arn: {self._function_arn(name)}:{qualifier}")
        return self._functions.function(reference, qualifier)

    def _in_force(self) -> dict[tuple[str, str], _Config]:
        """The configs whose version still exists: a deleted function's go with it."""
        for key, config in list(self._configs.items()):
            latest = self._functions.latest(config.function.name)
            if latest is None or all(version.generation != config.function.generation
                                     for version in self._functions.published_versions(
                                         config.function.name)):
                del self._configs[key]
        return self._configs

    def _check_conflicts(self, function: FunctionConfig, qualifier: str) -> None:
        for (name, other), config in self._in_force().items():
            if name != function.name or other == qualifier or \
                    config.function.version != function.version:
                continue
            if qualifier.isdigit():
                raise ResourceConflictException(
                    "Version is pointed by a Provisioned Concurrency alias")
            raise ResourceConflictException(
                "Alias can't be used for Provisioned Concurrency configuration on an already "
                "Provisioned version")

    def _check_limits(self, function: FunctionConfig, qualifier: str, requested: int) -> None:
        """AWS's bounds: a function with reserved concurrency provisions within it; others
        draw on the account's unreserved concurrency, which keeps its minimum."""
        others = [config for key, config in self._in_force().items()
                  if key != (function.name, qualifier)]
        reservations = {latest.name: latest.reserved_concurrency
                        for latest in self._functions.all_latest()}
        reserved = reservations.get(function.name)
        if reserved is not None:
            same_function = sum(config.requested for config in others
                                if config.function.name == function.name)
            if same_function + requested > reserved:
                raise InvalidParameterValueException(
                    "Requested Provisioned Concurrency should not be greater than the "
                    "reservedConcurrentExecution for function")
            return
        unreserved = self._settings.account_concurrency - sum(
            value or 0 for value in reservations.values()) - sum(
            config.requested for config in others
            if reservations.get(config.function.name) is None)
        # AWS words these two refusals without the usual `Type`.
        if requested > unreserved:
            raise UntypedInvalidParameterValueException(
                "Specified ConcurrentExecutions for function is greater than account's "
                f"unreserved concurrency [{unreserved}].")
        if unreserved - requested < UNRESERVED_MINIMUM:
            raise UntypedInvalidParameterValueException(
                "Specified ConcurrentExecutions for function decreases account's "
                f"UnreservedConcurrentExecution below its minimum value of "
                f"[{UNRESERVED_MINIMUM}].")

    def _qualified_arn(self, config: _Config) -> str:
        return f"{self._function_arn(config.function.name)}:{config.qualifier}"

    def _function_arn(self, name: str) -> str:
        return f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}:function:{name}"


def _now() -> str:
    return datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
