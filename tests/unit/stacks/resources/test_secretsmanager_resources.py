"""AWS::SecretsManager::Secret's API calls and generated values, against a fake Secrets
Manager."""

from __future__ import annotations

import json

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.secretsmanager_resources import SecretProvisioner, secret_value
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"


def secrets() -> FakeClient:
    return FakeClient("secretsmanager", {"get_random_password": {"RandomPassword": "pw"},
                                         "create_secret": {"ARN": SECRET_ARN}})


def test_a_given_secret_string_is_used_as_it_is() -> None:
    client = secrets()
    assert secret_value(client, {"SecretString": 42}) == "42"
    assert secret_value(client, {}) is None
    assert client.calls == []


def test_a_generated_password_takes_typed_options() -> None:
    client = secrets()
    assert secret_value(client, {"GenerateSecretString": {
        "PasswordLength": "16", "ExcludePunctuation": "true", "ExcludeCharacters": "\"@/",
        "IncludeSpace": False}}) == "pw"
    assert client.parameters("get_random_password") == {
        "PasswordLength": 16, "ExcludePunctuation": True, "ExcludeCharacters": "\"@/",
        "IncludeSpace": False}


def test_a_generated_password_fills_its_key_of_the_template() -> None:
    value = secret_value(secrets(), {"GenerateSecretString": {
        "SecretStringTemplate": '{"username": "admin"}', "GenerateStringKey": "password"}})
    assert value is not None
    assert json.loads(value) == {"username": "admin", "password": "pw"}


def test_a_secret_answers_its_arn() -> None:
    client = secrets()
    provisioned = SecretProvisioner().create(fake_context(client, logical_id="Db"), {
        "Description": "db", "SecretString": "s", "Tags": [{"Key": "a", "Value": "b"}]})
    assert (provisioned.physical_id, provisioned.attributes) == (SECRET_ARN,
                                                                  {"Id": SECRET_ARN})
    assert client.parameters("create_secret") == {
        "Name": "shop-Db-ABCDEF123456", "Description": "db", "SecretString": "s",
        "Tags": [{"Key": "a", "Value": "b"}]}


def test_an_update_regenerates_only_when_the_value_properties_change() -> None:
    client = secrets()
    generate = {"GenerateSecretString": {"PasswordLength": 8}}
    SecretProvisioner().update(fake_context(client), SECRET_ARN, generate,
                               {**generate, "Description": "new"})
    assert client.operations() == ["update_secret"]
    assert client.parameters("update_secret") == {"SecretId": SECRET_ARN,
                                                  "Description": "new"}
    client.calls.clear()
    SecretProvisioner().update(fake_context(client), SECRET_ARN, generate,
                               {"GenerateSecretString": {"PasswordLength": 12}})
    assert client.operations() == ["get_random_password", "update_secret"]
    assert client.parameters("update_secret") == {"SecretId": SECRET_ARN, "Description": "",
                                                  "SecretString": "pw"}
    assert SecretProvisioner().replaces({"Name": "a"}, {"Name": "b"})


def test_a_secret_is_deleted_at_once_and_a_missing_one_is_fine() -> None:
    client = secrets()
    SecretProvisioner().delete(fake_context(client), SECRET_ARN, {})
    assert client.calls == [("delete_secret", {"SecretId": SECRET_ARN,
                                               "ForceDeleteWithoutRecovery": True})]
    gone = FakeClient("secretsmanager", {"delete_secret": refusal("ResourceNotFoundException")})
    ReportingFailures(SecretProvisioner()).delete(fake_context(gone), SECRET_ARN, {})
