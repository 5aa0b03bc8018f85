"""Lambda Managed Instances: capacity providers, and the scaling of the function versions that
run on them. They cannot exist locally (Lambda runs such functions on EC2 instances it
provisions in the caller's VPC), so every operation answers as AWS answers an account that
has no capacity provider and cannot create one.

AWS publishes no answer for "this account may not use Managed Instances", so each answer is the
nearest one AWS gives:
- ListCapacityProviders lists none, as for any account that has not created one.
- Get, Update, Delete and ListFunctionVersionsByCapacityProvider answer 404
  ResourceNotFoundException, "Capacity provider not found: <ARN>", AWS's wording for a
  capacity provider that does not exist (recorded from its tagging operations, Nov 2025).
- CreateCapacityProvider answers CapacityProviderLimitExceededException, the modeled error of
  an account whose capacity provider quota is used up: here the quota is 0. boto3 raises its
  modeled class, and the message says why.
- Get and PutFunctionScalingConfig of a function that exists answer 403
  AccessDeniedException, "The function provided by the arn does not contain a capacity
  provider configuration", what AWS answered for a function without a capacity provider in
  a probe reported publicly (us-east-1, Aug 2026): no function has one here."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from simulator.config import Settings
from simulator.errors import (
    AccessDeniedException,
    CapacityProviderLimitExceededException,
    ResourceNotFoundException,
)
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.validation import Violations, check_length, check_pattern, check_range

CAPACITY_PROVIDER_NAME = re.compile(
    r"(arn:aws[a-zA-Z-]*:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"capacity-provider:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+")
UNQUALIFIED_FUNCTION_NAME = re.compile(
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)")
PUBLISHED_QUALIFIER = re.compile(r"(\$LATEST\.PUBLISHED|[0-9]+)")
CAPACITY_PROVIDER_STATES = ("Pending", "Active", "Failed", "Deleting")
MAX_LIST_ITEMS = 50
MAX_EXECUTION_ENVIRONMENTS = 15000
NO_CAPACITY_PROVIDERS = (
    "The maximum number of capacity providers for your account has been exceeded: this "
    "simulator's quota is 0, since Lambda Managed Instances run on EC2 instances in your VPC, "
    "which cannot be provisioned locally.")
NO_SCALING = "The function provided by the arn does not contain a capacity provider configuration"


class CapacityProviders:
    def __init__(self, settings: Settings, functions: FunctionOperations) -> None:
        self._settings = settings
        self._functions = functions

    def create(self, body: dict[str, Any]) -> NoReturn:
        v = Violations()
        for member, key in (("capacityProviderName", "CapacityProviderName"),
                            ("vpcConfig", "VpcConfig"),
                            ("permissionsConfig", "PermissionsConfig")):
            if body.get(key) is None:
                _null(v, member)
        if body.get("CapacityProviderName") is not None:
            _check_name(v, body["CapacityProviderName"])
        v.raise_if_any()
        raise CapacityProviderLimitExceededException(NO_CAPACITY_PROVIDERS)

    def list(self, state: str | None, max_items: str | None) -> dict[str, Any]:
        v = Violations()
        if state is not None and state not in CAPACITY_PROVIDER_STATES:
            v.add(state, "state", "Member must satisfy enum value set: "
                  f"[{', '.join(CAPACITY_PROVIDER_STATES)}]")
        if max_items is not None:
            check_range(v, _integer(max_items), "maxItems", 1, MAX_LIST_ITEMS)
        v.raise_if_any()
        return {"CapacityProviders": []}

    def capacity_provider(self, name: str) -> NoReturn:
        """The one Get, Update, Delete and ListFunctionVersionsByCapacityProvider name: none
        exists here."""
        v = Violations()
        _check_name(v, name)
        v.raise_if_any()
        arn = name if name.startswith("arn:") else (
            f"arn:aws:lambda:{self._settings.region}:{self._settings.account_id}:"
            f"capacity-provider:{name}")
        raise ResourceNotFoundException(f"Capacity provider not found: {arn}")

    def scaling_config(self, reference: str, qualifier: str | None,
                       body: dict[str, Any] | None = None) -> NoReturn:
        """Get (`body` None) and PutFunctionScalingConfig: once the function and version are
        found, it has no capacity provider."""
        v = Violations()
        check_pattern(v, reference, "functionName", UNQUALIFIED_FUNCTION_NAME)
        if not v.messages:
            check_length(v, reference, "functionName", 140)
        if qualifier is None:
            _null(v, "qualifier")
        else:
            check_pattern(v, qualifier, "qualifier", PUBLISHED_QUALIFIER)
        scaling = (body or {}).get("FunctionScalingConfig") or {}
        for key in ("MinExecutionEnvironments", "MaxExecutionEnvironments"):
            if scaling.get(key) is not None:
                check_range(v, scaling[key], f"functionScalingConfig.{key[0].lower()}{key[1:]}",
                            0, MAX_EXECUTION_ENVIRONMENTS)
        v.raise_if_any()
        published = None if qualifier == "$LATEST.PUBLISHED" else qualifier
        self._functions.function(reference, published)
        raise AccessDeniedException(NO_SCALING)


def _check_name(v: Violations, name: Any) -> None:
    check_pattern(v, name, "capacityProviderName", CAPACITY_PROVIDER_NAME)
    if isinstance(name, str) and CAPACITY_PROVIDER_NAME.fullmatch(name):
        check_length(v, name, "capacityProviderName", 140)


def _integer(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _null(v: Violations, member: str) -> None:
    v.messages.append(
        f"Value null at '{member}' failed to satisfy constraint: Member must not be null")
