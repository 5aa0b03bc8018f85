"""Resource-based policies through boto3 against a running simulator, as Terraform, CDK, SAM
and the console call them for every trigger: AddPermission, GetPolicy, RemovePermission on
functions, versions and aliases, and on layer versions; kept across a restart.

Expected documents and messages follow responses recorded against AWS (LocalStack's Lambda
API snapshots, Apache-2.0, recorded 2024-2025) and the AWS CLI's documented outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client, make_zip, running_server, unique_name

ACCOUNT_ARN = "arn:aws:lambda:us-east-1:000000000000"
HANDLER = "def handler(event, context):\n    return 'ok'\n"


@pytest.fixture
def lam(process_server: SimulatorServer) -> Any:
    return lambda_client(process_server.url)


def error_of(raised: pytest.ExceptionInfo[Any]) -> tuple[int, str, str]:
    response = raised.value.response
    return (response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"],
            response["Error"]["Message"])


def test_an_s3_trigger_permission_and_the_policy_document(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    arn = f"{ACCOUNT_ARN}:function:{name}"

    added = lam.add_permission(FunctionName=name, StatementId="s3",
                               Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                               SourceArn="arn:aws:s3:::uploads", SourceAccount="000000000000")
    lam.add_permission(FunctionName=name, StatementId="api", Action="lambda:InvokeFunction",
                       Principal="apigateway.amazonaws.com",
                       SourceArn="arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/")
    policy = lam.get_policy(FunctionName=name)

    s3 = {"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
          "Action": "lambda:InvokeFunction", "Resource": arn,
          "Condition": {"StringEquals": {"AWS:SourceAccount": "000000000000"},
                        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}}
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert json.loads(added["Statement"]) == s3
    assert json.loads(policy["Policy"]) == {
        "Version": "2012-10-17", "Id": "default",
        "Statement": [s3, {
            "Sid": "api", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
            "Action": "lambda:InvokeFunction", "Resource": arn,
            "Condition": {"ArnLike": {"AWS:SourceArn": (
                "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/")}}}]}
    assert policy["Policy"].startswith('{"Version":"2012-10-17","Id":"default","Statement":[')
    assert policy["RevisionId"]


def test_function_url_and_cross_account_permissions(lam: Any) -> None:
    name = create_function(lam, HANDLER)

    url = json.loads(lam.add_permission(
        FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
        FunctionUrlAuthType="NONE", PrincipalOrgID="o-1234567890")["Statement"])
    account = json.loads(lam.add_permission(
        FunctionName=name, StatementId="account", Action="lambda:GetFunction",
        Principal="111122223333")["Statement"])

    assert (url["Principal"], url["Action"]) == ("*", "lambda:InvokeFunctionUrl")
    assert url["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE",
                                                 "aws:PrincipalOrgID": "o-1234567890"}}
    assert account["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert account["Action"] == "lambda:GetFunction"


def test_versions_and_aliases_have_their_own_policies(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    arn = f"{ACCOUNT_ARN}:function:{name}"
    lam.publish_version(FunctionName=name)
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    grant = {"StatementId": "sns", "Action": "lambda:InvokeFunction",
             "Principal": "sns.amazonaws.com"}

    lam.add_permission(FunctionName=name, **grant)
    lam.add_permission(FunctionName=f"{name}:1", Qualifier="1", **grant)
    lam.add_permission(FunctionName=name, Qualifier="live", RevisionId=alias["RevisionId"],
                       **grant)

    def resources(**where: str) -> list[str]:
        policy = json.loads(lam.get_policy(FunctionName=name, **where)["Policy"])
        return [statement["Resource"] for statement in policy["Statement"]]

    assert resources() == [arn]
    assert resources(Qualifier="1") == [f"{arn}:1"]
    assert resources(Qualifier="live") == [f"{arn}:live"]
    lam.remove_permission(FunctionName=f"{arn}:live", StatementId="sns")
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName=name, Qualifier="live")
    assert resources(Qualifier="1") == [f"{arn}:1"]
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as latest:
        lam.add_permission(FunctionName=name, Qualifier="$LATEST", **{**grant, "StatementId": "x"})
    assert error_of(latest) == (400, "InvalidParameterValueException",
                                "We currently do not support adding policies for $LATEST.")


def test_errors_as_aws_answers_them(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    arn = f"{ACCOUNT_ARN}:function:{name}"
    grant = {"StatementId": "s3", "Action": "lambda:InvokeFunction",
             "Principal": "s3.amazonaws.com"}

    with pytest.raises(lam.exceptions.ResourceNotFoundException) as no_policy:
        lam.get_policy(FunctionName=name)
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as nothing_to_remove:
        lam.remove_permission(FunctionName=name, StatementId="s3")
    lam.add_permission(FunctionName=name, **grant)
    with pytest.raises(lam.exceptions.ResourceConflictException) as conflict:
        lam.add_permission(FunctionName=name, **grant)
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as unknown_sid:
        lam.remove_permission(FunctionName=name, StatementId="non-existent")
    with pytest.raises(lam.exceptions.PreconditionFailedException) as stale:
        lam.add_permission(FunctionName=name, RevisionId="wrong", **{**grant, "StatementId": "b"})
    with pytest.raises(lam.exceptions.ClientError) as bad_sid:
        lam.add_permission(FunctionName=name, **{**grant, "StatementId": "example.com"})
    with pytest.raises(lam.exceptions.InvalidParameterValueException) as bad_principal:
        lam.add_permission(FunctionName=name, **{**grant, "StatementId": "b",
                                                 "Principal": "invalid.nonaws.com"})
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as no_function:
        lam.add_permission(FunctionName="doesnotexist", **grant)
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as no_alias:
        lam.add_permission(FunctionName=f"{name}:alias-doesnotexist", **grant)

    assert error_of(no_policy) == (404, "ResourceNotFoundException",
                                   "The resource you requested does not exist.")
    assert error_of(nothing_to_remove) == (404, "ResourceNotFoundException",
                                           "No policy is associated with the given resource.")
    assert error_of(conflict) == (
        409, "ResourceConflictException", "The statement id (s3) provided already exists. "
        "Please provide a new statement id, or remove the existing statement.")
    assert error_of(unknown_sid) == (404, "ResourceNotFoundException",
                                     "Statement non-existent is not found in resource policy.")
    assert error_of(stale) == (
        412, "PreconditionFailedException", "The Revision Id provided does not match the "
        "latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id")
    assert error_of(bad_sid) == (
        400, "ValidationException", "1 validation error detected: Value 'example.com' at "
        "'statementId' failed to satisfy constraint: Member must satisfy regular expression "
        "pattern: ([a-zA-Z0-9-_]+)")
    assert error_of(bad_principal) == (
        400, "InvalidParameterValueException",
        "The provided principal was invalid. Please check the principal and try again.")
    assert error_of(no_function) == (
        404, "ResourceNotFoundException",
        f"Function not found: {ACCOUNT_ARN}:function:doesnotexist")
    assert error_of(no_alias) == (404, "ResourceNotFoundException",
                                  f"Cannot find alias arn: {arn}:alias-doesnotexist")


def test_a_deleted_function_or_version_takes_its_policy(lam: Any) -> None:
    name = create_function(lam, HANDLER)
    lam.publish_version(FunctionName=name)
    grant = {"StatementId": "events", "Action": "lambda:InvokeFunction",
             "Principal": "events.amazonaws.com"}
    lam.add_permission(FunctionName=name, **grant)
    lam.add_permission(FunctionName=name, Qualifier="1", **grant)

    lam.delete_function(FunctionName=name, Qualifier="1")
    assert json.loads(lam.get_policy(FunctionName=name)["Policy"])["Statement"][0][
        "Sid"] == "events"
    lam.publish_version(FunctionName=name)  # version 2: the old number's policy stays gone
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName=name, Qualifier="1")

    lam.delete_function(FunctionName=name)
    create_function(lam, HANDLER, name=name)
    with pytest.raises(lam.exceptions.ResourceNotFoundException):
        lam.get_policy(FunctionName=name)


def test_a_layer_version_shared_with_an_account_and_an_organization(lam: Any) -> None:
    layer = unique_name("layer")
    published = lam.publish_layer_version(
        LayerName=layer, Content={"ZipFile": make_zip({"python/shared.py": "X = 1\n"})})

    account = lam.add_layer_version_permission(
        LayerName=layer, VersionNumber=1, StatementId="xaccount",
        Action="lambda:GetLayerVersion", Principal="111122223333")
    org = lam.add_layer_version_permission(
        LayerName=layer, VersionNumber=1, StatementId="engineering-org",
        Action="lambda:GetLayerVersion", Principal="*", OrganizationId="o-t194hfs8cz",
        RevisionId=account["RevisionId"])
    policy = lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)

    assert json.loads(account["Statement"]) == {
        "Sid": "xaccount", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "lambda:GetLayerVersion", "Resource": published["LayerVersionArn"]}
    assert json.loads(policy["Policy"])["Statement"][1] == {
        "Sid": "engineering-org", "Effect": "Allow", "Principal": "*",
        "Action": "lambda:GetLayerVersion", "Resource": published["LayerVersionArn"],
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-t194hfs8cz"}}}
    assert policy["RevisionId"] == org["RevisionId"]
    with pytest.raises(lam.exceptions.ClientError) as wrong_action:
        lam.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="s",
                                         Action="*", Principal="*")
    assert error_of(wrong_action)[:2] == (400, "ValidationException")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as no_version:
        lam.get_layer_version_policy(LayerName=layer, VersionNumber=2)
    assert error_of(no_version)[2] == (
        f"Layer version {ACCOUNT_ARN}:layer:{layer}:2 does not exist.")
    lam.remove_layer_version_permission(LayerName=layer, VersionNumber=1,
                                        StatementId="xaccount")
    lam.remove_layer_version_permission(LayerName=layer, VersionNumber=1,
                                        StatementId="engineering-org")
    with pytest.raises(lam.exceptions.ResourceNotFoundException) as no_policy:
        lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)
    assert error_of(no_policy)[2] == "No policy is associated with the given resource."


def test_policies_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with running_server(state, "process") as server:
        lam = lambda_client(server.url)
        name = create_function(lam, HANDLER)
        lam.publish_version(FunctionName=name)
        lam.add_permission(FunctionName=name, StatementId="sqs", Action="lambda:InvokeFunction",
                           Principal="sqs.amazonaws.com")
        lam.add_permission(FunctionName=name, Qualifier="1", StatementId="sqs",
                           Action="lambda:InvokeFunction", Principal="sqs.amazonaws.com")
        layer = unique_name("layer")
        lam.publish_layer_version(LayerName=layer,
                                  Content={"ZipFile": make_zip({"python/x.py": "X = 1\n"})})
        lam.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="all",
                                         Action="lambda:GetLayerVersion", Principal="*")
        before = [lam.get_policy(FunctionName=name)["Policy"],
                  lam.get_policy(FunctionName=name, Qualifier="1")["Policy"],
                  lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)["Policy"]]

    with running_server(state, "process") as server:
        lam = lambda_client(server.url)
        after = [lam.get_policy(FunctionName=name)["Policy"],
                 lam.get_policy(FunctionName=name, Qualifier="1")["Policy"],
                 lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)["Policy"]]

    assert after == before
