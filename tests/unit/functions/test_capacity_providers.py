"""Lambda Managed Instances, which cannot exist locally: no capacity provider is listed,
found or created, and no function has a scaling configuration, each answered in AWS's words
(the capacity provider's not-found as recorded against AWS in LocalStack's Lambda API
snapshots, Apache-2.0, Nov 2025)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.environments.pool import EnvironmentPool
from simulator.errors import (
    AccessDeniedException,
    CapacityProviderLimitExceededException,
    ResourceNotFoundException,
    ValidationException,
)
from simulator.functions.capacity_providers import CapacityProviders
from tests.helpers import ROLE
from tests.unit.functions.control_plane import ControlPlane

CAPACITY_PROVIDER = "arn:aws:lambda:us-east-1:000000000000:capacity-provider:"
CREATE = {"CapacityProviderName": "fleet",
          "VpcConfig": {"SubnetIds": ["subnet-1"], "SecurityGroupIds": []},
          "PermissionsConfig": {"CapacityProviderOperatorRoleArn": ROLE}}


@pytest.fixture
def plane(tmp_path: Path, pool: EnvironmentPool) -> Iterator[ControlPlane]:
    opened = ControlPlane.open(tmp_path, pool)
    opened.create()
    yield opened
    opened.close()


@pytest.fixture
def providers(plane: ControlPlane) -> CapacityProviders:
    return CapacityProviders(plane.settings, plane.functions)


def test_the_account_lists_no_capacity_provider(providers: CapacityProviders) -> None:
    assert providers.list(None, None) == {"CapacityProviders": []}
    assert providers.list("Active", "50") == {"CapacityProviders": []}


@pytest.mark.parametrize("state, max_items, message", [
    ("Busy", None, "Value 'Busy' at 'state' failed to satisfy constraint: Member must satisfy "
                   "enum value set: [Pending, Active, Failed, Deleting]"),
    (None, "51", "Value '51' at 'maxItems' failed to satisfy constraint: Member must have "
                 "value less than or equal to 50"),
    (None, "many", "Value 'many' at 'maxItems' failed to satisfy constraint: Member must be "
                   "an integer"),
])
def test_the_list_is_checked(providers: CapacityProviders, state: str | None,
                             max_items: str | None, message: str) -> None:
    with pytest.raises(ValidationException, match=re.escape(message)):
        providers.list(state, max_items)


@pytest.mark.parametrize("name", ["fleet", CAPACITY_PROVIDER + "fleet"])
def test_no_capacity_provider_is_found(providers: CapacityProviders, name: str) -> None:
    with pytest.raises(ResourceNotFoundException) as raised:
        providers.capacity_provider(name)

    assert raised.value.message == f"Capacity provider not found: {CAPACITY_PROVIDER}fleet"
    assert raised.value.body()["Type"] == "User"


def test_a_malformed_name_fails_the_members_pattern(providers: CapacityProviders) -> None:
    with pytest.raises(ValidationException, match="at 'capacityProviderName'"):
        providers.capacity_provider("no spaces")


def test_no_capacity_provider_can_be_created(providers: CapacityProviders) -> None:
    with pytest.raises(CapacityProviderLimitExceededException, match="quota is 0"):
        providers.create(CREATE)


def test_a_create_is_checked_first(providers: CapacityProviders) -> None:
    with pytest.raises(ValidationException) as raised:
        providers.create({"CapacityProviderName": "fleet"})

    assert raised.value.message == (
        "2 validation errors detected: Value null at 'vpcConfig' failed to satisfy constraint: "
        "Member must not be null; Value null at 'permissionsConfig' failed to satisfy "
        "constraint: Member must not be null")


@pytest.mark.parametrize("qualifier", ["$LATEST.PUBLISHED", "1"])
def test_a_function_has_no_scaling_config(plane: ControlPlane, providers: CapacityProviders,
                                          qualifier: str) -> None:
    plane.publish()

    with pytest.raises(AccessDeniedException) as raised:
        providers.scaling_config("fn", qualifier)

    assert raised.value.message == ("The function provided by the arn does not contain a "
                                    "capacity provider configuration")
    assert raised.value.status == 403
    with pytest.raises(AccessDeniedException):
        providers.scaling_config("fn", qualifier, {"FunctionScalingConfig": {
            "MinExecutionEnvironments": 1, "MaxExecutionEnvironments": 2}})


def test_a_missing_function_or_version_is_not_found_first(providers: CapacityProviders) -> None:
    with pytest.raises(ResourceNotFoundException, match="function:nope"):
        providers.scaling_config("nope", "1")
    with pytest.raises(ResourceNotFoundException, match=re.escape("function:fn:9")):
        providers.scaling_config("fn", "9")


@pytest.mark.parametrize("reference, qualifier, body, member", [
    ("fn", None, None, "Value null at 'qualifier'"),
    ("fn", "$LATEST", None, "Value '$LATEST' at 'qualifier'"),
    ("fn:1", "1", None, "Value 'fn:1' at 'functionName'"),
    ("fn", "1", {"FunctionScalingConfig": {"MaxExecutionEnvironments": 15001}},
     "Value '15001' at 'functionScalingConfig.maxExecutionEnvironments'"),
])
def test_a_scaling_config_request_is_checked(
        providers: CapacityProviders, reference: str, qualifier: str | None,
        body: dict[str, dict[str, int]] | None, member: str) -> None:
    with pytest.raises(ValidationException, match=re.escape(member)):
        providers.scaling_config(reference, qualifier, body)
