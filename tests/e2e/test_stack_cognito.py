"""A SAM app with a Cognito user pool deployed through CloudFormation (boto3): the function's
`Cognito` event becomes the pool's PreSignUp trigger and the permission Cognito needs, a
sign-up through the app client the stack made runs it and honours its answer, and deleting
the stack deletes the pool."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.e2e.test_cloudformation_api import FAST, aws, outputs
from tests.helpers import eventually, lambda_client, unique_name

PASSWORD = "Passw0rd!Passw0rd"

TEMPLATE = textwrap.dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      MinimumLength: {Type: String, Default: "10"}
    Resources:
      Gatekeeper:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.11
          Handler: index.handler
          InlineCode: |
            import json
            def handler(event, context):
                print("EVENT " + json.dumps(event))
                event["response"]["autoConfirmUser"] = True
                return event
          Events:
            SignUp:
              Type: Cognito
              Properties:
                UserPool: !Ref Pool
                Trigger: PreSignUp
      Pool:
        Type: AWS::Cognito::UserPool
        Properties:
          UsernameAttributes: [email]
          Policies:
            PasswordPolicy: {MinimumLength: !Ref MinimumLength, RequireSymbols: "true"}
          Schema:
            - {Name: tier, AttributeDataType: String, Mutable: true,
               StringAttributeConstraints: {MinLength: 1, MaxLength: 20}}
      App:
        Type: AWS::Cognito::UserPoolClient
        Properties:
          UserPoolId: !Ref Pool
          ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH, ALLOW_REFRESH_TOKEN_AUTH]
      Admins:
        Type: AWS::Cognito::UserPoolGroup
        Properties: {UserPoolId: !Ref Pool, GroupName: admins, Precedence: 1}
    Outputs:
      PoolId: {Value: !Ref Pool}
      PoolArn: {Value: !GetAtt Pool.Arn}
      ProviderURL: {Value: !GetAtt Pool.ProviderURL}
      ClientId: {Value: !Ref App}
      Group: {Value: !Ref Admins}
      Function: {Value: !Ref Gatekeeper}
      FunctionArn: {Value: !GetAtt Gatekeeper.Arn}
""")


def events(server: SimulatorServer, function: str) -> list[dict[str, Any]]:
    """The events the function printed."""
    return [json.loads(e.message.removeprefix("EVENT ")) for e in
            server.simulator.logs.events(function) if e.message.startswith("EVENT ")]


def test_a_pool_from_a_template_runs_its_trigger_and_goes_with_the_stack(
        process_server: SimulatorServer) -> None:
    cloudformation, idp = aws(process_server, "cloudformation"), aws(process_server,
                                                                     "cognito-idp")
    stack = unique_name("auth")
    cloudformation.create_stack(StackName=stack, TemplateBody=TEMPLATE,
                                Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"])
    cloudformation.get_waiter("stack_create_complete").wait(StackName=stack, WaiterConfig=FAST)
    made = outputs(cloudformation, stack)

    pool = idp.describe_user_pool(UserPoolId=made["PoolId"])["UserPool"]
    assert pool["Arn"] == made["PoolArn"]
    assert made["ProviderURL"] == f"https://cognito-idp.us-east-1.amazonaws.com/{pool['Id']}"
    assert pool["LambdaConfig"] == {"PreSignUp": made["FunctionArn"]}
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert "custom:tier" in {attribute["Name"] for attribute in pool["SchemaAttributes"]}
    assert idp.get_group(UserPoolId=pool["Id"], GroupName=made["Group"])["Group"][
        "Precedence"] == 1
    policy = json.loads(lambda_client(process_server.url).get_policy(
        FunctionName=made["Function"])["Policy"])
    assert [(s["Principal"], s["Condition"]["ArnLike"]["AWS:SourceArn"])
            for s in policy["Statement"]] == [({"Service": "cognito-idp.amazonaws.com"},
                                               made["PoolArn"])]

    answer = idp.sign_up(ClientId=made["ClientId"], Username="ana@example.com",
                         Password=PASSWORD, UserAttributes=[
                             {"Name": "email", "Value": "ana@example.com"},
                             {"Name": "custom:tier", "Value": "gold"}])
    assert answer["UserConfirmed"] is True
    assert eventually(lambda: bool(events(process_server, made["Function"])), 20)
    (event,) = events(process_server, made["Function"])
    assert event["triggerSource"] == "PreSignUp_SignUp"
    assert event["userPoolId"] == pool["Id"]
    assert event["callerContext"]["clientId"] == made["ClientId"]
    assert event["request"]["userAttributes"]["custom:tier"] == "gold"
    user = idp.admin_get_user(UserPoolId=pool["Id"], Username="ana@example.com")
    assert user["UserStatus"] == "CONFIRMED"

    cloudformation.delete_stack(StackName=stack)
    cloudformation.get_waiter("stack_delete_complete").wait(StackName=stack, WaiterConfig=FAST)
    with pytest.raises(ClientError) as gone:
        idp.describe_user_pool(UserPoolId=pool["Id"])
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"

