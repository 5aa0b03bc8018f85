"""The routes of whole resource-based policies, through a boto3 client whose requests the
simulator's app answers: the ARN (a qualified one holds `$`) in the path, statuses, the
policy as JSON text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.unit.api.created import create

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def statement(name: str) -> dict[str, Any]:
    return {"Sid": "events", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": ARN + name}


def test_boto3_puts_reads_and_deletes_a_policy(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    document = json.dumps({"Version": "2012-10-17", "Statement": [statement(name)]})

    put = boto.put_resource_policy(ResourceArn=f"{ARN}{name}:$LATEST", Policy=document)
    got = boto.get_resource_policy(ResourceArn=ARN + name)
    policy = boto.get_policy(FunctionName=name)
    deleted = boto.delete_resource_policy(ResourceArn=ARN + name, RevisionId=got["RevisionId"])

    assert json.loads(put["Policy"])["Statement"] == [statement(name)]
    assert got["Policy"] == put["Policy"] == policy["Policy"]
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_resource_policy(ResourceArn=ARN + name)


def test_a_public_policy_raises_the_modeled_error(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    public = {**statement(name), "Principal": "*"}

    with pytest.raises(boto.exceptions.PublicPolicyException):
        boto.put_resource_policy(ResourceArn=ARN + name,
                                 Policy=json.dumps({"Statement": [public]}))
