"""The routes of resource-based policies (functions' here, layer versions' in the layers
blueprint), through Flask's test client on the simulator's app and through a boto3 client whose
requests that test client answers: paths, query parameters, statuses, and the policy as JSON
text inside the JSON answer."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from flask.testing import FlaskClient

from simulator.app import Simulator
from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from tests.helpers import make_zip, unique_name
from tests.unit.api.created import create

ARN = "arn:aws:lambda:us-east-1:000000000000:function:"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Simulator]:
    settings = Settings.from_env(environ={}, port=0, state_dir=tmp_path_factory.mktemp("state"))
    simulator = Simulator(settings, executor=FakeExecutor({}))
    yield simulator
    simulator.close()


def grant(sid: str = "sns") -> dict[str, str]:
    return {"StatementId": sid, "Action": "lambda:InvokeFunction",
            "Principal": "sns.amazonaws.com"}


def test_add_permission_answers_201_with_the_statement_as_json_text(
        client: FlaskClient) -> None:
    name = create(client)

    response = client.post(f"/2015-03-31/functions/{name}/policy", json=grant())

    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["Statement"]
    assert json.loads(body["Statement"]) == {
        "Sid": "sns", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": ARN + name}


def test_boto3_adds_reads_and_removes_a_permission(client: FlaskClient, boto: Any) -> None:
    name = create(client)

    added = boto.add_permission(FunctionName=name, **grant())
    policy = boto.get_policy(FunctionName=name)
    removed = boto.remove_permission(FunctionName=name, StatementId="sns",
                                     RevisionId=policy["RevisionId"])

    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(policy["Policy"])["Statement"] == [json.loads(added["Statement"])]
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_policy(FunctionName=name)


def test_the_qualifier_travels_in_the_query(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    client.post(f"/2015-03-31/functions/{name}/versions")

    boto.add_permission(FunctionName=name, Qualifier="1", **grant())

    assert json.loads(boto.get_policy(FunctionName=name, Qualifier="1")["Policy"])[
        "Statement"][0]["Resource"] == f"{ARN}{name}:1"
    assert client.get(f"/2015-03-31/functions/{name}/policy").status_code == 404
    deleted = client.delete(f"/2015-03-31/functions/{name}/policy/sns?Qualifier=1")
    assert deleted.status_code == 204


def test_errors_carry_aws_codes_for_boto3(client: FlaskClient, boto: Any) -> None:
    name = create(client)
    boto.add_permission(FunctionName=name, **grant())

    with pytest.raises(boto.exceptions.ResourceConflictException):
        boto.add_permission(FunctionName=name, **grant())
    with pytest.raises(boto.exceptions.PreconditionFailedException):
        boto.remove_permission(FunctionName=name, StatementId="sns", RevisionId="stale")
    with pytest.raises(boto.exceptions.InvalidParameterValueException):
        boto.add_permission(FunctionName=name, **{**grant("bad"), "Principal": "nobody"})
    with pytest.raises(ClientError) as invalid:
        boto.add_permission(FunctionName=name, **grant("not.valid"))
    assert invalid.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(boto.exceptions.ResourceNotFoundException) as missing:
        boto.remove_permission(FunctionName=name, StatementId="nope")
    assert missing.value.response["Error"]["Message"] == (
        "Statement nope is not found in resource policy.")


def test_a_wrongly_typed_member_is_a_validation_error(client: FlaskClient) -> None:
    name = create(client)

    response = client.post(f"/2015-03-31/functions/{name}/policy",
                           json={**grant(), "InvokedViaFunctionUrl": "yes"})

    assert response.status_code == 400
    assert response.get_json()["__type"] == "ValidationException"


# -- a layer version's policy (the layers blueprint) ------------------------------------

def test_boto3_grants_a_layer_version_to_an_account(client: FlaskClient, boto: Any) -> None:
    layer = unique_name("layer")
    boto.publish_layer_version(LayerName=layer,
                               Content={"ZipFile": make_zip({"python/x.py": "X = 1\n"})})

    added = boto.add_layer_version_permission(
        LayerName=layer, VersionNumber=1, StatementId="xaccount",
        Action="lambda:GetLayerVersion", Principal="111122223333")
    policy = boto.get_layer_version_policy(LayerName=layer, VersionNumber=1)

    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert added["RevisionId"] == policy["RevisionId"]
    assert json.loads(added["Statement"])["Principal"] == {
        "AWS": "arn:aws:iam::111122223333:root"}
    with pytest.raises(boto.exceptions.PreconditionFailedException):
        boto.remove_layer_version_permission(LayerName=layer, VersionNumber=1,
                                             StatementId="xaccount", RevisionId="stale")
    removed = boto.remove_layer_version_permission(
        LayerName=layer, VersionNumber=1, StatementId="xaccount",
        RevisionId=policy["RevisionId"])
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(boto.exceptions.ResourceNotFoundException):
        boto.get_layer_version_policy(LayerName=layer, VersionNumber=1)


def test_add_layer_version_permission_reads_the_revision_from_the_query(
        client: FlaskClient) -> None:
    layer = unique_name("layer")
    client.post(f"/2018-10-31/layers/{layer}/versions", json={"Content": {
        "ZipFile": base64.b64encode(make_zip({"python/x.py": "X = 1\n"})).decode()}})
    path = f"/2018-10-31/layers/{layer}/versions/1/policy"
    first = client.post(path, json={"StatementId": "a", "Action": "lambda:GetLayerVersion",
                                    "Principal": "*"}).get_json()

    stale = client.post(f"{path}?RevisionId=stale", json={
        "StatementId": "b", "Action": "lambda:GetLayerVersion", "Principal": "*"})
    fresh = client.post(f"{path}?RevisionId={first['RevisionId']}", json={
        "StatementId": "b", "Action": "lambda:GetLayerVersion", "Principal": "*"})

    assert stale.status_code == 412
    assert fresh.status_code == 201
