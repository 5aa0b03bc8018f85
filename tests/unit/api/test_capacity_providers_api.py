"""The routes of Lambda Managed Instances, through a boto3 client whose requests the
simulator's app answers: an empty list, and AWS's errors for everything else."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.helpers import ROLE
from tests.unit.api.created import create


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def test_no_capacity_provider_is_listed(boto: Any) -> None:
    assert boto.list_capacity_providers()["CapacityProviders"] == []


def test_none_can_be_created(boto: Any) -> None:
    with pytest.raises(boto.exceptions.CapacityProviderLimitExceededException):
        boto.create_capacity_provider(
            CapacityProviderName="fleet",
            VpcConfig={"SubnetIds": ["subnet-1"], "SecurityGroupIds": []},
            PermissionsConfig={"CapacityProviderOperatorRoleArn": ROLE})


@pytest.mark.parametrize("operation", ["get_capacity_provider", "update_capacity_provider",
                                       "delete_capacity_provider",
                                       "list_function_versions_by_capacity_provider"])
def test_none_is_found(boto: Any, operation: str) -> None:
    with pytest.raises(boto.exceptions.ResourceNotFoundException) as raised:
        getattr(boto, operation)(CapacityProviderName="fleet")

    assert raised.value.response["Error"]["Message"] == (
        "Capacity provider not found: "
        "arn:aws:lambda:us-east-1:000000000000:capacity-provider:fleet")


@pytest.mark.parametrize("operation, extra", [
    ("get_function_scaling_config", {}),
    ("put_function_scaling_config", {"FunctionScalingConfig": {"MinExecutionEnvironments": 0}}),
])
def test_a_function_has_no_scaling_config(client: FlaskClient, boto: Any, operation: str,
                                          extra: dict[str, Any]) -> None:
    name = create(client)

    with pytest.raises(ClientError) as raised:
        getattr(boto, operation)(FunctionName=name, Qualifier="$LATEST.PUBLISHED", **extra)

    assert raised.value.response["Error"]["Code"] == "AccessDeniedException"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
