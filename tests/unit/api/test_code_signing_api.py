"""The routes of code signing configurations and of the configuration a function uses,
through Flask's test client on the simulator's app and through a boto3 client whose requests
that test client answers: paths (the ARN percent-encoded in its segment), statuses, bodies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.unit.api.created import create

PUBLISHERS = {"SigningProfileVersionArns": [
    "arn:aws:signer:us-east-1:000000000000:/signing-profiles/test"]}


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def test_create_answers_201_and_get_reads_it_by_its_encoded_arn(client: FlaskClient) -> None:
    created = client.post("/2020-04-22/code-signing-configs",
                          json={"AllowedPublishers": PUBLISHERS})
    arn = created.get_json()["CodeSigningConfig"]["CodeSigningConfigArn"]

    fetched = client.get(f"/2020-04-22/code-signing-configs/{quote(arn, safe='')}")

    assert created.status_code == 201
    assert fetched.status_code == 200 and fetched.get_json() == created.get_json()


def test_boto3_manages_a_configuration_and_the_function_using_it(
        client: FlaskClient, boto: Any) -> None:
    name = create(client)
    arn = boto.create_code_signing_config(
        Description="signed", AllowedPublishers=PUBLISHERS)["CodeSigningConfig"][
        "CodeSigningConfigArn"]

    updated = boto.update_code_signing_config(
        CodeSigningConfigArn=arn, CodeSigningPolicies={"UntrustedArtifactOnDeployment": "Enforce"})
    put = boto.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=arn)
    got = boto.get_function_code_signing_config(FunctionName=name)
    listed = boto.list_functions_by_code_signing_config(CodeSigningConfigArn=arn)
    with pytest.raises(boto.exceptions.ResourceConflictException):
        boto.delete_code_signing_config(CodeSigningConfigArn=arn)
    removed = boto.delete_function_code_signing_config(FunctionName=name)
    deleted = boto.delete_code_signing_config(CodeSigningConfigArn=arn)

    assert updated["CodeSigningConfig"]["CodeSigningPolicies"] == {
        "UntrustedArtifactOnDeployment": "Enforce"}
    assert (put["CodeSigningConfigArn"], put["FunctionName"]) == (arn, name)
    assert got["CodeSigningConfigArn"] == arn
    assert listed["FunctionArns"] == [f"arn:aws:lambda:us-east-1:000000000000:function:{name}"]
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_code_signing_config(CodeSigningConfigArn=arn)


def test_boto3_raises_the_modeled_not_found_errors(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    absent = "arn:aws:lambda:us-east-1:000000000000:code-signing-config:csc-" + "0" * 17

    with pytest.raises(boto.exceptions.CodeSigningConfigNotFoundException):
        boto.put_function_code_signing_config(FunctionName=name, CodeSigningConfigArn=absent)
    with pytest.raises(boto.exceptions.ResourceNotFoundException) as raised:
        boto.list_functions_by_code_signing_config(CodeSigningConfigArn=absent)
    assert "Type" not in raised.value.response


def test_a_function_without_a_configuration_answers_an_empty_object(
        client: FlaskClient) -> None:
    name = create(client)

    response = client.get(f"/2020-06-30/functions/{name}/code-signing-config")

    assert response.status_code == 200 and response.get_json() == {}


def test_the_list_pages_with_marker_and_max_items(client: FlaskClient, boto: Any) -> None:
    for _ in range(2):
        boto.create_code_signing_config(AllowedPublishers=PUBLISHERS)

    first = boto.list_code_signing_configs(MaxItems=1)
    rest = boto.list_code_signing_configs(Marker=first["NextMarker"], MaxItems=50)

    assert len(first["CodeSigningConfigs"]) == 1
    assert first["CodeSigningConfigs"][0] not in rest["CodeSigningConfigs"]
