"""AWS::Cognito::UserPool, UserPoolClient, UserPoolGroup and UserPoolDomain's API calls,
against a fake Cognito."""

from __future__ import annotations

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures, provisioner_for
from simulator.stacks.resources.cognito_resources import (
    UserPoolClientProvisioner,
    UserPoolDomainProvisioner,
    UserPoolGroupProvisioner,
    UserPoolProvisioner,
    api_parameters,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

POOL_ID = "us-east-1_abc123"
POOL_ARN = f"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{POOL_ID}"
POOL = {"Id": POOL_ID, "Arn": POOL_ARN, "Name": "shop-Pool-ABCDEF123456"}
TIER = {"Name": "tier", "AttributeDataType": "String", "Mutable": True}


def cognito(**answers: object) -> FakeClient:
    return FakeClient("cognito-idp", {"create_user_pool": {"UserPool": POOL},
                                      "describe_user_pool": {"UserPool": POOL}, **answers})


def test_properties_take_the_types_the_api_wants() -> None:
    assert api_parameters("CreateUserPool", {
        "Policies": {"PasswordPolicy": {"MinimumLength": "8", "RequireSymbols": "false"}},
        "Schema": [{"Name": "age", "Mutable": "true",
                    "NumberAttributeConstraints": {"MinValue": 0, "MaxValue": 150}}],
        "UserPoolTags": {"team": "a"}, "MfaConfiguration": None, "Unlisted": "x",
    }, ["Policies", "Schema", "UserPoolTags", "MfaConfiguration"]) == {
        "Policies": {"PasswordPolicy": {"MinimumLength": 8, "RequireSymbols": False}},
        "Schema": [{"Name": "age", "Mutable": True,
                    "NumberAttributeConstraints": {"MinValue": "0", "MaxValue": "150"}}],
        "UserPoolTags": {"team": "a"}}


def test_a_pool_is_created_with_its_settings_and_answers_its_id_and_provider() -> None:
    client = cognito()
    properties = {"LambdaConfig": {"PreSignUp": "arn:fn"}, "UsernameAttributes": ["email"],
                  "AutoVerifiedAttributes": ["email"], "Schema": [TIER],
                  "UserPoolTags": {"team": "a"}}
    provisioned = UserPoolProvisioner().create(fake_context(client, logical_id="Pool"),
                                               properties)
    assert provisioned.physical_id == POOL_ID
    assert provisioned.attributes == {
        "Arn": POOL_ARN, "UserPoolId": POOL_ID,
        "ProviderName": f"cognito-idp.us-east-1.amazonaws.com/{POOL_ID}",
        "ProviderURL": f"https://cognito-idp.us-east-1.amazonaws.com/{POOL_ID}"}
    assert client.parameters("create_user_pool") == {
        "PoolName": "shop-Pool-ABCDEF123456", **properties}
    assert client.operations() == ["create_user_pool"]


def test_enabled_mfas_are_set_after_the_pool_is_made() -> None:
    client = cognito()
    UserPoolProvisioner().create(fake_context(client), {
        "UserPoolName": "users", "MfaConfiguration": "OPTIONAL",
        "EnabledMfas": ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"],
        "EmailAuthenticationSubject": "Your code"})
    assert client.parameters("create_user_pool") == {"PoolName": "users",
                                                     "MfaConfiguration": "OPTIONAL"}
    assert client.parameters("set_user_pool_mfa_config") == {
        "UserPoolId": POOL_ID, "MfaConfiguration": "OPTIONAL",
        "SoftwareTokenMfaConfiguration": {"Enabled": True},
        "EmailMfaConfiguration": {"Subject": "Your code"}}


def test_an_update_sends_every_setting_and_adds_new_schema_attributes() -> None:
    client = cognito()
    old = {"UsernameAttributes": ["email"], "Schema": [TIER],
           "LambdaConfig": {"PreSignUp": "arn:fn"}}
    plan = {"Name": "plan", "AttributeDataType": "Number"}
    new = {"UsernameAttributes": ["email"], "Schema": [TIER, plan],
           "Policies": {"PasswordPolicy": {"MinimumLength": 10}}}
    provisioned = UserPoolProvisioner().update(fake_context(client), POOL_ID, old, new)
    assert provisioned.attributes["Arn"] == POOL_ARN
    assert client.parameters("update_user_pool") == {
        "UserPoolId": POOL_ID, "PoolName": POOL["Name"],
        "Policies": {"PasswordPolicy": {"MinimumLength": 10}}}
    assert client.parameters("add_custom_attributes") == {"UserPoolId": POOL_ID,
                                                          "CustomAttributes": [plan]}
    assert "set_user_pool_mfa_config" not in client.operations()
    assert not UserPoolProvisioner().replaces(old, {**new, "UserPoolName": "renamed"})


def test_a_renamed_pool_keeps_its_id() -> None:
    client = cognito()
    UserPoolProvisioner().update(fake_context(client), POOL_ID, {"UserPoolName": "a"},
                                 {"UserPoolName": "b"})
    assert client.parameters("update_user_pool") == {"UserPoolId": POOL_ID, "PoolName": "b"}


@pytest.mark.parametrize(("old", "new", "reason"), [
    ({"UsernameAttributes": ["email"]}, {"UsernameAttributes": ["phone_number"]},
     "Updates are not allowed for property - UsernameAttributes."),
    ({}, {"AliasAttributes": ["email"]},
     "Updates are not allowed for property - AliasAttributes."),
    ({"Schema": [TIER]}, {"Schema": [{**TIER, "Mutable": False}]},
     "Existing schema attributes cannot be modified or deleted."),
    ({"Schema": [TIER]}, {}, "Existing schema attributes cannot be modified or deleted."),
])
def test_a_pool_refuses_changes_cognito_cannot_make(old: dict[str, object],
                                                    new: dict[str, object],
                                                    reason: str) -> None:
    client = cognito()
    with pytest.raises(ResourceFailed) as failure:
        UserPoolProvisioner().update(fake_context(client), POOL_ID, old, new)
    assert str(failure.value) == (f'Resource handler returned message: "Invalid request '
                                  f'provided: {reason}" (HandlerErrorCode: InvalidRequest)')
    assert client.calls == []


def test_turning_mfa_factors_off_sets_the_mfa_config_again() -> None:
    client = cognito()
    UserPoolProvisioner().update(fake_context(client), POOL_ID,
                                 {"MfaConfiguration": "ON", "EnabledMfas": ["SMS_MFA"]},
                                 {"MfaConfiguration": "OFF"})
    assert client.parameters("set_user_pool_mfa_config") == {
        "UserPoolId": POOL_ID, "MfaConfiguration": "OFF",
        "SoftwareTokenMfaConfiguration": {"Enabled": False}}


def test_deleting_a_pool_already_gone_succeeds() -> None:
    client = cognito(delete_user_pool=refusal("ResourceNotFoundException"))
    provisioner = provisioner_for("AWS::Cognito::UserPool")
    assert isinstance(provisioner, ReportingFailures)
    provisioner.delete(fake_context(client), POOL_ID, {})
    assert client.parameters("delete_user_pool") == {"UserPoolId": POOL_ID}


def test_a_client_answers_its_id_name_and_secret() -> None:
    client = cognito(create_user_pool_client={"UserPoolClient": {
        "ClientId": "c1", "ClientName": "shop-App-ABCDEF123456", "ClientSecret": "s3cret"}})
    properties = {"UserPoolId": POOL_ID, "GenerateSecret": "true",
                  "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"],
                  "AccessTokenValidity": "2"}
    provisioned = UserPoolClientProvisioner().create(fake_context(client, logical_id="App"),
                                                     properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        "c1", {"ClientId": "c1", "Name": "shop-App-ABCDEF123456", "ClientSecret": "s3cret"})
    assert client.parameters("create_user_pool_client") == {
        "UserPoolId": POOL_ID, "ClientName": "shop-App-ABCDEF123456", "GenerateSecret": True,
        "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"], "AccessTokenValidity": 2}


def test_a_client_without_a_secret_has_no_secret_attribute() -> None:
    client = cognito(update_user_pool_client={"UserPoolClient": {
        "ClientId": "c1", "ClientName": "web"}})
    old = {"UserPoolId": POOL_ID}
    new = {"UserPoolId": POOL_ID, "ClientName": "web", "CallbackURLs": ["https://a.example"]}
    provisioned = UserPoolClientProvisioner().update(fake_context(client), "c1", old, new)
    assert provisioned.attributes == {"ClientId": "c1", "Name": "web"}
    assert client.parameters("update_user_pool_client") == {
        "UserPoolId": POOL_ID, "ClientId": "c1", "ClientName": "web",
        "CallbackURLs": ["https://a.example"]}
    UserPoolClientProvisioner().delete(fake_context(client), "c1", new)
    assert client.parameters("delete_user_pool_client") == {"UserPoolId": POOL_ID,
                                                            "ClientId": "c1"}
    assert UserPoolClientProvisioner().replaces(old, {**old, "GenerateSecret": True})
    assert UserPoolClientProvisioner().replaces(old, {"UserPoolId": "other"})
    assert not UserPoolClientProvisioner().replaces(old, new)


def test_a_client_needs_its_pool() -> None:
    provisioner = provisioner_for("AWS::Cognito::UserPoolClient")
    assert provisioner is not None
    with pytest.raises(ResourceFailed, match=r"required key \[UserPoolId\] not found"):
        provisioner.create(fake_context(cognito(), logical_id="App"), {})


def test_a_group_is_named_and_updated_in_place() -> None:
    client = cognito()
    properties = {"UserPoolId": POOL_ID, "Precedence": "1"}
    provisioned = UserPoolGroupProvisioner().create(fake_context(client, logical_id="Admins"),
                                                    properties)
    assert provisioned.physical_id == "shop-Admins-ABCDEF123456"
    assert client.parameters("create_group") == {
        "UserPoolId": POOL_ID, "GroupName": "shop-Admins-ABCDEF123456", "Precedence": 1}
    UserPoolGroupProvisioner().update(fake_context(client), "admins", properties,
                                      {**properties, "Description": "staff"})
    assert client.parameters("update_group") == {
        "UserPoolId": POOL_ID, "GroupName": "admins", "Precedence": 1, "Description": "staff"}
    UserPoolGroupProvisioner().delete(fake_context(client), "admins", properties)
    assert client.parameters("delete_group") == {"UserPoolId": POOL_ID, "GroupName": "admins"}
    assert UserPoolGroupProvisioner().replaces(properties, {**properties, "GroupName": "x"})
    assert not UserPoolGroupProvisioner().replaces(properties, {**properties, "RoleArn": "r"})


def test_a_domain_answers_its_name_and_cloudfront_host() -> None:
    client = cognito(describe_user_pool_domain={"DomainDescription": {
        "Domain": "shop-auth", "CloudFrontDistribution": "d111.cloudfront.net"}})
    properties = {"UserPoolId": POOL_ID, "Domain": "shop-auth"}
    provisioned = UserPoolDomainProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        "shop-auth", {"CloudFrontDistribution": "d111.cloudfront.net"})
    assert client.parameters("create_user_pool_domain") == properties
    UserPoolDomainProvisioner().update(fake_context(client), "shop-auth", properties,
                                       properties)
    assert "update_user_pool_domain" not in client.operations()
    UserPoolDomainProvisioner().update(fake_context(client), "shop-auth", properties,
                                       {**properties, "ManagedLoginVersion": "2"})
    assert client.parameters("update_user_pool_domain") == {**properties,
                                                            "ManagedLoginVersion": 2}
    UserPoolDomainProvisioner().delete(fake_context(client), "shop-auth", properties)
    assert client.parameters("delete_user_pool_domain") == properties
    assert UserPoolDomainProvisioner().replaces(properties, {**properties, "Domain": "b"})
