"""Cognito user pool triggers through the real Cognito API on the endpoint (boto3, unsigned
sign-up and sign-in as AWS serves them): each trigger gets Cognito's event, its answer
changes what Cognito does, and its refusal fails the request with Cognito's error."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.cognito_user_pool_event import (
    CreateAuthChallengeTriggerEvent,
    CustomMessageTriggerEvent,
    DefineAuthChallengeTriggerEvent,
    PostAuthenticationTriggerEvent,
    PostConfirmationTriggerEvent,
    PreAuthenticationTriggerEvent,
    PreSignUpTriggerEvent,
    PreTokenGenerationTriggerEvent,
    PreTokenGenerationV2TriggerEvent,
    VerifyAuthChallengeResponseTriggerEvent,
)
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.e2e.test_notifications import aws, recorded_events
from tests.helpers import create_function, lambda_client, unique_name

TRIGGERS = """
import json, os

def handler(event, context):
    print("EVENT " + json.dumps(event))
    source = event["triggerSource"]
    if os.environ.get("REFUSE") and source.startswith(os.environ["REFUSE"]):
        raise Exception("Invalid email domain")
    answer = event["response"]
    request = event["request"]
    if source.startswith("PreSignUp"):
        answer["autoConfirmUser"] = os.environ.get("CONFIRM") == "1"
        answer["autoVerifyEmail"] = True
    elif source.startswith("TokenGeneration") and event["version"] == "1":
        answer["claimsOverrideDetails"] = {
            "claimsToAddOrOverride": {"tier": "gold"}, "claimsToSuppress": ["email"],
            "groupOverrideDetails": {"groupsToOverride": ["admins"]}}
    elif source.startswith("TokenGeneration"):
        answer["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "t-1"}, "scopesToAdd": ["orders/read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"]}}
    elif source == "DefineAuthChallenge_Authentication":
        rounds = request["session"]
        if rounds and rounds[-1]["challengeResult"]:
            answer.update(issueTokens=True, failAuthentication=False)
        elif len(rounds) >= 2:
            answer.update(issueTokens=False, failAuthentication=True)
        else:
            answer.update(challengeName="CUSTOM_CHALLENGE", issueTokens=False,
                          failAuthentication=False)
    elif source == "CreateAuthChallenge_Authentication":
        answer.update(publicChallengeParameters={"question": "2+2"},
                      privateChallengeParameters={"answer": "4"}, challengeMetadata="MATH")
    elif source == "VerifyAuthChallengeResponse_Authentication":
        answer["answerCorrect"] = (request["challengeAnswer"]
                                   == request["privateChallengeParameters"]["answer"])
    elif source.startswith("CustomMessage"):
        answer.update(emailSubject="Welcome",
                      emailMessage="Hello, your code is " + request["codeParameter"])
    return event
"""
TRIGGER_NAMES = ("PreSignUp", "PostConfirmation", "PreAuthentication", "PostAuthentication",
                 "DefineAuthChallenge", "CreateAuthChallenge", "VerifyAuthChallengeResponse",
                 "CustomMessage")
PASSWORD = "Passw0rd!Passw0rd"


def cognito(server: SimulatorServer) -> Any:
    return aws(server, "cognito-idp")


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


class Pool:
    """A user pool whose triggers are one recording function."""

    def __init__(self, server: SimulatorServer, token_version: str = "V1_0",
                 **environment: str) -> None:
        self.server = server
        self.idp = cognito(server)
        lam = lambda_client(server.url)
        self.function = create_function(lam, TRIGGERS, Environment={"Variables": environment})
        arn = lam.get_function(FunctionName=self.function)["Configuration"]["FunctionArn"]
        config: dict[str, Any] = {name: arn for name in TRIGGER_NAMES}
        config["PreTokenGenerationConfig"] = {"LambdaVersion": token_version, "LambdaArn": arn}
        self.id = self.idp.create_user_pool(PoolName=unique_name("pool"),
                                            LambdaConfig=config)["UserPool"]["Id"]
        self.client_id = self.idp.create_user_pool_client(
            UserPoolId=self.id, ClientName="app",
            ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH",
                               "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]

    def sign_up(self, username: str, **extra: Any) -> dict[str, Any]:
        return dict(self.idp.sign_up(
            ClientId=self.client_id, Username=username, Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}], **extra))

    def events(self, count: int) -> list[dict[str, Any]]:
        return recorded_events(self.server, self.function, count)

    def sources(self) -> list[str]:
        return [e["triggerSource"] for e in self.events(0)]

    def wait_for_sources(self, count: int) -> list[str]:
        return [e["triggerSource"] for e in self.events(count)]


@pytest.fixture(scope="module")
def make_pool(process_server: SimulatorServer) -> Callable[..., Pool]:
    return lambda **options: Pool(process_server, **options)


def test_pre_sign_up_confirms_and_verifies_the_user(make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1")
    answer = pool.sign_up("ana", ClientMetadata={"invite": "x1"},
                          ValidationData=[{"Name": "captcha", "Value": "ok"}])
    assert answer["UserConfirmed"] is True
    assert "CodeDeliveryDetails" not in answer
    user = pool.idp.admin_get_user(UserPoolId=pool.id, Username="ana")
    assert user["UserStatus"] == "CONFIRMED"
    assert {"Name": "email_verified", "Value": "true"} in user["UserAttributes"]
    event = pool.events(1)[0]
    typed = PreSignUpTriggerEvent(event)
    assert typed.trigger_source == "PreSignUp_SignUp"
    assert typed.user_pool_id == pool.id and typed.user_name == "ana"
    assert typed.region == "us-east-1"
    assert typed.caller_context.client_id == pool.client_id
    assert typed.request.user_attributes == {"email": "ana@example.com"}
    assert typed.request.validation_data == {"captcha": "ok"}
    assert typed.request.client_metadata == {"invite": "x1"}
    # Auto-confirmed: no confirmation, so no post confirmation trigger and no message.
    assert pool.sources() == ["PreSignUp_SignUp"]


def test_pre_sign_up_refusal_fails_the_sign_up_and_keeps_no_user(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(REFUSE="PreSignUp")
    with pytest.raises(ClientError) as refused:
        pool.sign_up("bob")
    error = refused.value.response["Error"]
    assert error["Code"] == "UserLambdaValidationException"
    assert error["Message"] == "PreSignUp failed with error Invalid email domain."
    with pytest.raises(ClientError) as missing:
        pool.idp.admin_get_user(UserPoolId=pool.id, Username="bob")
    assert missing.value.response["Error"]["Code"] == "UserNotFoundException"


def test_confirmation_runs_post_confirmation_with_the_confirmed_user(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool()
    pool.sign_up("cleo")
    pool.idp.confirm_sign_up(ClientId=pool.client_id, Username="cleo",
                             ConfirmationCode="123456", ClientMetadata={"from": "app"})
    events = pool.events(2)
    assert [e["triggerSource"] for e in events] == ["PreSignUp_SignUp",
                                                    "PostConfirmation_ConfirmSignUp"]
    typed = PostConfirmationTriggerEvent(events[1])
    assert typed.request.user_attributes["cognito:user_status"] == "CONFIRMED"
    assert typed.request.user_attributes["email"] == "cleo@example.com"
    assert typed.request.user_attributes["sub"]
    assert typed.request.client_metadata == {"from": "app"}


def test_sign_in_runs_pre_authentication_token_generation_and_post_authentication(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1")
    pool.sign_up("dan")
    pool.idp.create_group(UserPoolId=pool.id, GroupName="readers")
    pool.idp.admin_add_user_to_group(UserPoolId=pool.id, Username="dan", GroupName="readers")
    tokens = pool.idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "dan", "PASSWORD": PASSWORD},
        ClientMetadata={"device": "phone"})["AuthenticationResult"]
    assert pool.wait_for_sources(4) == [
        "PreSignUp_SignUp", "PreAuthentication_Authentication",
        "TokenGeneration_Authentication", "PostAuthentication_Authentication"]
    events = pool.events(4)
    assert PreAuthenticationTriggerEvent(events[1]).request.validation_data == {
        "device": "phone"}
    token_event = PreTokenGenerationTriggerEvent(events[2])
    assert token_event.version == "1"
    assert token_event.request.group_configuration.groups_to_override == ["readers"]
    assert PostAuthenticationTriggerEvent(events[3]).request.new_device_used is False
    id_claims = claims(tokens["IdToken"])
    assert id_claims["tier"] == "gold"
    assert "email" not in id_claims
    assert id_claims["cognito:groups"] == ["admins"]
    access_claims = claims(tokens["AccessToken"])
    assert access_claims["cognito:groups"] == ["admins"]
    assert "tier" not in access_claims
    refreshed = pool.idp.initiate_auth(
        ClientId=pool.client_id, AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]})["AuthenticationResult"]
    assert claims(refreshed["IdToken"])["tier"] == "gold"
    assert pool.wait_for_sources(5)[-1] == "TokenGeneration_RefreshTokens"


def test_token_generation_v2_changes_the_access_token_and_its_scopes(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1", token_version="V2_0")
    pool.sign_up("eve")
    tokens = pool.idp.admin_initiate_auth(
        UserPoolId=pool.id, ClientId=pool.client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve", "PASSWORD": PASSWORD})["AuthenticationResult"]
    access_claims = claims(tokens["AccessToken"])
    assert access_claims["tenant"] == "t-1"
    assert access_claims["scope"] == "orders/read"
    assert claims(tokens["IdToken"])["tier"] == "gold"
    event = next(e for e in pool.events(4) if e["triggerSource"].startswith("TokenGeneration"))
    typed = PreTokenGenerationV2TriggerEvent(event)
    assert typed.version == "2"
    assert "aws.cognito.signin.user.admin" in typed.request.scopes


def test_pre_authentication_refusal_fails_the_sign_in(make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1", REFUSE="PreAuthentication")
    pool.sign_up("fay")
    with pytest.raises(ClientError) as refused:
        pool.idp.initiate_auth(ClientId=pool.client_id, AuthFlow="USER_PASSWORD_AUTH",
                               AuthParameters={"USERNAME": "fay", "PASSWORD": PASSWORD})
    error = refused.value.response["Error"]
    assert error["Code"] == "UserLambdaValidationException"
    assert error["Message"] == "PreAuthentication failed with error Invalid email domain."


def test_custom_authentication_flow_runs_define_create_and_verify(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1")
    pool.sign_up("gus")
    challenge = pool.idp.initiate_auth(ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH",
                                       AuthParameters={"USERNAME": "gus"})
    assert challenge["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert challenge["ChallengeParameters"] == {"question": "2+2", "USERNAME": "gus"}
    wrong = pool.idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="CUSTOM_CHALLENGE",
        Session=challenge["Session"], ChallengeResponses={"USERNAME": "gus", "ANSWER": "5"})
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE"
    right = pool.idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="CUSTOM_CHALLENGE",
        Session=wrong["Session"], ChallengeResponses={"USERNAME": "gus", "ANSWER": "4"})
    assert claims(right["AuthenticationResult"]["IdToken"])["cognito:username"] == "gus"
    events = pool.events(9)
    defines = [DefineAuthChallengeTriggerEvent(e) for e in events
               if e["triggerSource"] == "DefineAuthChallenge_Authentication"]
    assert [[(c.challenge_name, c.challenge_result, c.challenge_metadata)
             for c in d.request.session] for d in defines] == [
        [], [("CUSTOM_CHALLENGE", False, "MATH")],
        [("CUSTOM_CHALLENGE", False, "MATH"), ("CUSTOM_CHALLENGE", True, "MATH")]]
    create = next(CreateAuthChallengeTriggerEvent(e) for e in events
                  if e["triggerSource"] == "CreateAuthChallenge_Authentication")
    assert create.request.challenge_name == "CUSTOM_CHALLENGE"
    verify = next(VerifyAuthChallengeResponseTriggerEvent(e) for e in events
                  if e["triggerSource"] == "VerifyAuthChallengeResponse_Authentication")
    assert verify.request.private_challenge_parameters == {"answer": "4"}
    assert verify.request.challenge_answer == "5"


def test_custom_authentication_fails_when_define_says_so(
        make_pool: Callable[..., Pool]) -> None:
    pool = make_pool(CONFIRM="1")
    pool.sign_up("hal")
    session = pool.idp.initiate_auth(ClientId=pool.client_id, AuthFlow="CUSTOM_AUTH",
                                     AuthParameters={"USERNAME": "hal"})["Session"]
    session = pool.idp.respond_to_auth_challenge(
        ClientId=pool.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=session,
        ChallengeResponses={"USERNAME": "hal", "ANSWER": "1"})["Session"]
    with pytest.raises(ClientError) as failed:
        pool.idp.respond_to_auth_challenge(
            ClientId=pool.client_id, ChallengeName="CUSTOM_CHALLENGE", Session=session,
            ChallengeResponses={"USERNAME": "hal", "ANSWER": "2"})
    assert failed.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert failed.value.response["Error"]["Message"] == "Incorrect username or password."


def test_custom_message_shapes_the_message_cognito_sends(
        make_pool: Callable[..., Pool], caplog: pytest.LogCaptureFixture) -> None:
    pool = make_pool()
    with caplog.at_level(logging.INFO, logger="simulator.events.cognito_triggers"):
        pool.idp.admin_create_user(UserPoolId=pool.id, Username="ivy", TemporaryPassword=PASSWORD,
                                   UserAttributes=[{"Name": "email",
                                                    "Value": "ivy@example.com"}])
    event = next(e for e in pool.events(2)
                 if e["triggerSource"] == "CustomMessage_AdminCreateUser")
    typed = CustomMessageTriggerEvent(event)
    assert typed.request.code_parameter == "{####}"
    assert typed.request.username_parameter == "{username}"
    sent = [r.getMessage() for r in caplog.records if "CustomMessage_AdminCreateUser" in
            r.getMessage()]
    assert len(sent) == 1
    assert "ivy@example.com" in sent[0] and "'Welcome'" in sent[0]
    assert "Hello, your code is " in sent[0] and "{####}" not in sent[0]
    assert pool.sources()[0] == "PreSignUp_AdminCreateUser"


def test_a_trigger_that_does_not_exist_fails_with_cognitos_error(
        process_server: SimulatorServer) -> None:
    idp = cognito(process_server)
    missing = "arn:aws:lambda:us-east-1:000000000000:function:" + unique_name("gone")
    pool_id = idp.create_user_pool(PoolName=unique_name("pool"),
                                   LambdaConfig={"PreSignUp": missing})["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(UserPoolId=pool_id,
                                            ClientName="app")["UserPoolClient"]["ClientId"]
    with pytest.raises(ClientError) as failed:
        idp.sign_up(ClientId=client_id, Username="jo", Password=PASSWORD)
    assert failed.value.response["Error"]["Code"] == "UnexpectedLambdaException"
    assert failed.value.response["Error"]["Message"] == (
        "PreSignUp invocation failed due to error ResourceNotFoundException.")
