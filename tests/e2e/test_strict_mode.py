"""Strict mode refuses what AWS refuses and the default mode lets pass with a warning line: a
role Lambda cannot assume, a trigger its function's policy does not allow, a public function
URL without the two grants AWS requires."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from simulator.http_server import SimulatorServer
from tests.e2e.test_notifications import RECORDER, recorded_events
from tests.helpers import create_function, lambda_client, running_server, unique_name

HELLO = "def handler(event, context):\n    return 'hello'\n"
PROXY = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'hi'}\n"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
ROLE_REFUSED = "The role defined for the function cannot be assumed by Lambda."


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("strict"), "process", strict=True) as running:
        yield running


@pytest.fixture(scope="module")
def friendly_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorServer]:
    with running_server(tmp_path_factory.mktemp("friendly"), "process") as running:
        yield running


def aws(server: SimulatorServer, service: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def role(server: SimulatorServer, trust: dict[str, Any] = LAMBDA_TRUST) -> str:
    created = aws(server, "iam").create_role(RoleName=unique_name("role"),
                                             AssumeRolePolicyDocument=json.dumps(trust))
    return str(created["Role"]["Arn"])


# -- roles ----------------------------------------------------------------------------------


def test_strict_mode_refuses_a_role_that_is_missing_or_does_not_trust_lambda(
        strict_server: SimulatorServer) -> None:
    client = lambda_client(strict_server.url)
    untrusting = role(strict_server, {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]})
    missing = "arn:aws:iam::000000000000:role/no-such-role"
    for refused in (missing, untrusting):
        with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
            create_function(client, HELLO, Role=refused)
        assert caught.value.response["Error"]["Message"] == ROLE_REFUSED

    name = create_function(client, HELLO, Role=role(strict_server))
    with pytest.raises(client.exceptions.InvalidParameterValueException):
        client.update_function_configuration(FunctionName=name, Role=missing)
    assert client.get_function_configuration(FunctionName=name)["Role"] != missing


def test_the_default_mode_warns_once_of_a_missing_role_and_creates_the_function(
        friendly_server: SimulatorServer, caplog: pytest.LogCaptureFixture) -> None:
    client = lambda_client(friendly_server.url)
    role(friendly_server)  # IAM in use: roles are checked
    missing = "arn:aws:iam::000000000000:role/dummy"
    with caplog.at_level(logging.WARNING):
        name = create_function(client, HELLO, Role=missing)
    assert client.invoke(FunctionName=name)["StatusCode"] == 200
    assert [r.getMessage() for r in caplog.records if name in r.getMessage()] == [
        f"function {name}: the role {missing} does not exist in IAM"]


# -- triggers -------------------------------------------------------------------------------


def notifying_bucket(server: SimulatorServer, function_arn: str) -> str:
    s3 = aws(server, "s3")
    bucket = unique_name("bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function_arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
    return bucket


def test_strict_mode_delivers_a_trigger_only_with_the_permission_for_it(
        strict_server: SimulatorServer) -> None:
    client = lambda_client(strict_server.url)
    name = create_function(client, RECORDER, Role=role(strict_server))
    arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    bucket = notifying_bucket(strict_server, arn)
    s3 = aws(strict_server, "s3")

    s3.put_object(Bucket=bucket, Key="refused.txt", Body=b"x")
    client.add_permission(FunctionName=name, StatementId="other-bucket",
                          Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                          SourceArn="arn:aws:s3:::another-bucket")
    s3.put_object(Bucket=bucket, Key="still-refused.txt", Body=b"x")
    client.add_permission(FunctionName=name, StatementId="this-bucket",
                          Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                          SourceArn=f"arn:aws:s3:::{bucket}")
    s3.put_object(Bucket=bucket, Key="allowed.txt", Body=b"x")

    events = recorded_events(strict_server, name, 1)
    time.sleep(1)
    events = recorded_events(strict_server, name, 1)
    assert [e["Records"][0]["s3"]["object"]["key"] for e in events] == ["allowed.txt"]


def test_the_default_mode_delivers_a_trigger_without_permission_and_warns_once(
        friendly_server: SimulatorServer, caplog: pytest.LogCaptureFixture) -> None:
    client = lambda_client(friendly_server.url)
    name = create_function(client, RECORDER)
    arn = client.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
    bucket = notifying_bucket(friendly_server, arn)
    with caplog.at_level(logging.WARNING):
        for key in ("a.txt", "b.txt"):
            aws(friendly_server, "s3").put_object(Bucket=bucket, Key=key, Body=b"x")
        assert len(recorded_events(friendly_server, name, 2)) == 2
    assert [r.getMessage() for r in caplog.records if f"{name}: its policy" in r.getMessage()
            ] == [
        f"function {name}: its policy does not allow s3.amazonaws.com to call "
        f"lambda:InvokeFunction from arn:aws:s3:::{bucket} (aws lambda add-permission grants "
        "it); AWS would refuse it"]


def test_a_template_grants_its_triggers_as_sam_does(
        strict_server: SimulatorServer, tmp_path: Path) -> None:
    bucket = unique_name("uploads")
    code = tmp_path / "src"
    code.mkdir()
    (code / "app.py").write_text(RECORDER)
    template = tmp_path / "template.yaml"
    template.write_text(f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: {bucket}
  Recorder:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: {bucket}-recorder
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
      Events:
        Uploaded:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: s3:ObjectCreated:*
""")
    strict_server.simulator.load_template(template)
    name = f"{bucket}-recorder"
    policy = json.loads(lambda_client(strict_server.url).get_policy(FunctionName=name)["Policy"])
    account = strict_server.simulator.settings.account_id
    # SAM grants S3 by account, not by bucket ARN (which would be a circular dependency);
    # the statement's id is the permission's physical id, <stack>-<LogicalId>-<suffix>.
    assert [(s["Sid"].split("-")[-2], s["Principal"], s["Condition"]) for s in
            policy["Statement"]] == [("RecorderUploadedPermission",
                                      {"Service": "s3.amazonaws.com"},
                                      {"StringEquals": {"AWS:SourceAccount": account}})]
    aws(strict_server, "s3").put_object(Bucket=bucket, Key="in.txt", Body=b"x")
    assert len(recorded_events(strict_server, name, 1)) == 1


# -- function URLs --------------------------------------------------------------------------


def url_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_strict_mode_serves_a_public_url_only_with_both_grants(
        strict_server: SimulatorServer) -> None:
    client = lambda_client(strict_server.url)
    name = create_function(client, HELLO, Role=role(strict_server))
    url = client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert url_status(url) == 403
    client.add_permission(FunctionName=name, StatementId="url", Principal="*",
                          Action="lambda:InvokeFunctionUrl", FunctionUrlAuthType="NONE")
    assert url_status(url) == 403  # AWS requires lambda:InvokeFunction too since 2025
    client.add_permission(FunctionName=name, StatementId="invoke", Principal="*",
                          Action="lambda:InvokeFunction", InvokedViaFunctionUrl=True)
    assert url_status(url) == 200


def test_the_default_mode_serves_a_public_url_without_grants(
        friendly_server: SimulatorServer) -> None:
    client = lambda_client(friendly_server.url)
    name = create_function(client, HELLO)
    url = client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    assert url_status(url) == 200


# -- API Gateway routes ------------------------------------------------------------------------


def test_strict_mode_serves_an_api_route_only_with_the_gateways_permission(
        strict_server: SimulatorServer) -> None:
    client = lambda_client(strict_server.url)
    name = create_function(client, PROXY, Role=role(strict_server))
    api = unique_name("api").replace("-", "")
    requests.post(f"{strict_server.url}/_simulator/http/routes", json={
        "apiId": api, "stage": "prod", "routeKey": "GET /items/{id}", "functionName": name,
        "payloadFormatVersion": "1.0"}).raise_for_status()
    url = f"{strict_server.url}/_simulator/http/{api}/prod/items/7"
    refused = requests.get(url, timeout=30)
    assert (refused.status_code, refused.json()) == (500, {"message": "Internal server error"})
    account = strict_server.simulator.settings.account_id
    client.add_permission(FunctionName=name, StatementId="api", Action="lambda:InvokeFunction",
                          Principal="apigateway.amazonaws.com",
                          SourceArn=f"arn:aws:execute-api:us-east-1:{account}:{api}/*/GET/items/*")
    served = requests.get(url, timeout=30)
    assert (served.status_code, served.text) == (200, "hi")


def test_a_templates_api_event_grants_the_gateway_as_sam_does(
        strict_server: SimulatorServer, tmp_path: Path) -> None:
    code = tmp_path / "src"
    code.mkdir()
    (code / "app.py").write_text(PROXY)
    name = unique_name("api-fn")
    template = tmp_path / "template.yaml"
    template.write_text(f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Greeter:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: {name}
      Runtime: python3.11
      Handler: app.handler
      CodeUri: src/
      Events:
        Greet:
          Type: Api
          Properties:
            Path: /greet/{{who}}
            Method: get
""")
    report = strict_server.simulator.load_template(template)
    api = aws(strict_server, "cloudformation").describe_stack_resource(
        StackName=report.stack, LogicalResourceId="ServerlessRestApi"
    )["StackResourceDetail"]["PhysicalResourceId"]
    policy = json.loads(lambda_client(strict_server.url).get_policy(FunctionName=name)["Policy"])
    account = strict_server.simulator.settings.account_id
    assert [(s["Principal"], s["Condition"]["ArnLike"]["AWS:SourceArn"])
            for s in policy["Statement"]] == [(
                {"Service": "apigateway.amazonaws.com"},
                f"arn:aws:execute-api:us-east-1:{account}:{api}/*/GET/greet/*")]
    served = requests.get(f"{strict_server.url}/_simulator/http/{api}/Prod/greet/you",
                          timeout=30)
    assert (served.status_code, served.text) == (200, "hi")
