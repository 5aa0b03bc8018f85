"""The events Cognito sends its triggers, and what a pre token generation answer changes."""

from __future__ import annotations

from simulator.events.cognito_events import (
    custom_message_request,
    filled_message,
    overridden_claims,
    token_overrides,
    token_request,
    token_response,
    trigger_event,
    user_attributes,
)


def test_every_trigger_gets_the_common_fields_with_the_pools_region() -> None:
    event = trigger_event("PreSignUp_SignUp", "eu-west-1_abc", "ana", "client",
                          {"userAttributes": {}}, {"autoConfirmUser": False})
    assert event == {
        "version": "1", "triggerSource": "PreSignUp_SignUp", "region": "eu-west-1",
        "userPoolId": "eu-west-1_abc", "userName": "ana",
        "callerContext": {"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "client"},
        "request": {"userAttributes": {}}, "response": {"autoConfirmUser": False}}


def test_user_attributes_carry_the_status_once_the_user_exists() -> None:
    attributes = [{"Name": "email", "Value": "a@b.c"}, {"Name": "sub", "Value": "s-1"}]
    assert user_attributes(attributes) == {"email": "a@b.c", "sub": "s-1"}
    assert user_attributes(attributes, "CONFIRMED")["cognito:user_status"] == "CONFIRMED"


def test_a_custom_message_names_the_user_only_for_an_administrators_user() -> None:
    assert custom_message_request({}, None, False)["usernameParameter"] is None
    request = custom_message_request({}, {"k": "v"}, True)
    assert request["usernameParameter"] == "{username}"
    assert request["codeParameter"] == "{####}" and request["clientMetadata"] == {"k": "v"}
    assert filled_message("Hi {username}, code {####}", "123456", "ana") == (
        "Hi ana, code 123456")
    assert filled_message(None, "1", "ana") is None


def test_version_one_changes_the_id_token_and_both_tokens_groups() -> None:
    overrides = token_overrides({"claimsOverrideDetails": {
        "claimsToAddOrOverride": {"tier": "gold", "sub": "forged"},
        "claimsToSuppress": ["email", "iss"],
        "groupOverrideDetails": {"groupsToOverride": ["admins"], "preferredRole": "r"}}}, "1")
    id_claims = overridden_claims({"email": "a@b.c", "sub": "s", "iss": "i",
                                   "cognito:groups": ["readers"]}, "id", overrides)
    assert id_claims == {"sub": "s", "iss": "i", "tier": "gold", "cognito:groups": ["admins"],
                         "cognito:preferred_role": "r"}
    access = overridden_claims({"scope": "aws.cognito.signin.user.admin"}, "access", overrides)
    assert access == {"scope": "aws.cognito.signin.user.admin", "cognito:groups": ["admins"]}


def test_versions_two_and_three_change_each_token_and_the_scopes() -> None:
    answer = {"claimsAndScopeOverrideDetails": {
        "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}},
        "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t"},
                                  "claimsToSuppress": ["cognito:groups"],
                                  "scopesToAdd": ["orders/read"],
                                  "scopesToSuppress": ["aws.cognito.signin.user.admin"]}}}
    overrides = token_overrides(answer, "2")
    access = overridden_claims({"scope": "aws.cognito.signin.user.admin openid",
                                "cognito:groups": ["g"]}, "access", overrides)
    assert access == {"scope": "openid orders/read", "tenant": "t"}
    assert overridden_claims({}, "id", overrides) == {"tier": "gold"}


def test_an_empty_answer_changes_nothing() -> None:
    for version in ("1", "2"):
        overrides = token_overrides(token_response(version), version)
        assert overridden_claims({"email": "a", "cognito:groups": ["g"]}, "id",
                                 overrides) == {"email": "a", "cognito:groups": ["g"]}


def test_token_requests_name_scopes_from_version_two() -> None:
    assert "scopes" not in token_request({}, ["g"], ["s"], None, "1")
    request = token_request({}, ["g"], ["s"], {"m": "1"}, "2")
    assert request["scopes"] == ["s"]
    assert request["groupConfiguration"]["groupsToOverride"] == ["g"]
    assert request["clientMetadata"] == {"m": "1"}
