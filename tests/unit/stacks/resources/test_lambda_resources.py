"""AWS::Lambda::Permission, Version, Alias, Url and EventInvokeConfig's API calls, against a
fake Lambda."""

from __future__ import annotations

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.lambda_resources import (
    AliasProvisioner,
    EventInvokeConfigProvisioner,
    PermissionProvisioner,
    UrlProvisioner,
    VersionProvisioner,
    routing_config,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:f"


def test_a_permission_is_a_statement_named_by_cloudformation() -> None:
    client = FakeClient("lambda")
    properties = {"FunctionName": "f", "Action": "lambda:InvokeFunction",
                  "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::b",
                  "SourceAccount": None}
    provisioned = PermissionProvisioner().create(fake_context(client, logical_id="Allow"),
                                                 properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        "shop-Allow-ABCDEF123456", {"Id": "shop-Allow-ABCDEF123456"})
    assert client.parameters("add_permission") == {
        "FunctionName": "f", "StatementId": "shop-Allow-ABCDEF123456",
        "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
        "SourceArn": "arn:aws:s3:::b"}
    assert PermissionProvisioner().replaces(properties, {**properties, "SourceArn": "x"})
    PermissionProvisioner().delete(fake_context(client), "sid", properties)
    assert client.parameters("remove_permission") == {"FunctionName": "f",
                                                      "StatementId": "sid"}


def test_removing_a_permission_already_gone_succeeds() -> None:
    client = FakeClient("lambda", {"remove_permission": refusal("ResourceNotFoundException")})
    ReportingFailures(PermissionProvisioner()).delete(
        fake_context(client), "sid", {"FunctionName": "f"})


def test_a_version_is_published_with_its_provisioned_concurrency() -> None:
    client = FakeClient("lambda", {"publish_version": {"FunctionArn": f"{FUNCTION}:3",
                                                       "Version": "3"}})
    provisioned = VersionProvisioner().create(fake_context(client), {
        "FunctionName": "f", "Description": "release",
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": "2"}})
    assert (provisioned.physical_id, provisioned.attributes) == (
        f"{FUNCTION}:3", {"FunctionArn": f"{FUNCTION}:3", "Version": "3"})
    assert client.parameters("publish_version") == {"FunctionName": "f",
                                                    "Description": "release"}
    assert client.parameters("put_provisioned_concurrency_config") == {
        "FunctionName": "f", "Qualifier": "3", "ProvisionedConcurrentExecutions": 2}


def test_a_version_update_changes_only_its_settings() -> None:
    client = FakeClient("lambda")
    old = {"FunctionName": "f",
           "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2}}
    new = {"FunctionName": "f", "RuntimePolicy": {"UpdateRuntimeOn": "Manual",
                                                  "RuntimeVersionArn": "arn:rt"}}
    provisioned = VersionProvisioner().update(fake_context(client), f"{FUNCTION}:3", old, new)
    assert provisioned.attributes == {"FunctionArn": f"{FUNCTION}:3", "Version": "3"}
    assert client.operations() == ["delete_provisioned_concurrency_config",
                                   "put_runtime_management_config"]
    assert client.parameters("put_runtime_management_config") == {
        "FunctionName": "f", "Qualifier": "3", "UpdateRuntimeOn": "Manual",
        "RuntimeVersionArn": "arn:rt"}
    assert VersionProvisioner().replaces(old, {**old, "Description": "new"})
    assert not VersionProvisioner().replaces(old, new)


def test_a_version_is_deleted_by_its_qualifier() -> None:
    client = FakeClient("lambda")
    VersionProvisioner().delete(fake_context(client), f"{FUNCTION}:3", {"FunctionName": "f"})
    assert client.calls == [("delete_function", {"FunctionName": FUNCTION, "Qualifier": "3"})]


def test_routing_weights_become_the_apis_map() -> None:
    assert routing_config({"RoutingConfig": {"AdditionalVersionWeights": [
        {"FunctionVersion": 2, "FunctionWeight": "0.25"}]}}) == {
        "AdditionalVersionWeights": {"2": 0.25}}
    assert routing_config({}) == {"AdditionalVersionWeights": {}}


def test_an_alias_is_created_and_updated_with_its_routing() -> None:
    client = FakeClient("lambda", {"create_alias": {"AliasArn": f"{FUNCTION}:live"},
                                   "update_alias": {"AliasArn": f"{FUNCTION}:live"}})
    properties = {"FunctionName": "f", "Name": "live", "FunctionVersion": 1}
    provisioned = AliasProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == (
        f"{FUNCTION}:live", {"AliasArn": f"{FUNCTION}:live"})
    assert client.parameters("create_alias") == {
        "FunctionName": "f", "Name": "live", "FunctionVersion": "1", "Description": "",
        "RoutingConfig": {"AdditionalVersionWeights": {}}}
    AliasProvisioner().update(fake_context(client), f"{FUNCTION}:live", properties, {
        **properties, "FunctionVersion": "2",
        "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 1}})
    assert client.parameters("update_alias")["FunctionVersion"] == "2"
    assert client.parameters("put_provisioned_concurrency_config")["Qualifier"] == "live"
    assert AliasProvisioner().replaces(properties, {**properties, "Name": "beta"})
    assert not AliasProvisioner().replaces(properties, {**properties, "FunctionVersion": 2})
    AliasProvisioner().delete(fake_context(client), f"{FUNCTION}:live", properties)
    assert client.parameters("delete_alias") == {"FunctionName": "f", "Name": "live"}


URL_CONFIG = {"FunctionArn": FUNCTION, "FunctionUrl": "https://abc.lambda-url.on.aws/"}


def test_a_function_url_answers_the_function_arn_and_its_address() -> None:
    client = FakeClient("lambda", {"create_function_url_config": URL_CONFIG,
                                   "update_function_url_config": URL_CONFIG})
    properties = {"TargetFunctionArn": FUNCTION, "AuthType": "NONE", "Qualifier": "live",
                  "Cors": {"AllowOrigins": ["*"]}}
    provisioned = UrlProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == (FUNCTION, URL_CONFIG)
    assert client.parameters("create_function_url_config") == {
        "FunctionName": FUNCTION, "Qualifier": "live", "AuthType": "NONE",
        "Cors": {"AllowOrigins": ["*"]}}
    UrlProvisioner().update(fake_context(client), FUNCTION, properties, {
        "TargetFunctionArn": FUNCTION, "AuthType": "AWS_IAM", "Qualifier": "live"})
    assert client.parameters("update_function_url_config") == {
        "FunctionName": FUNCTION, "Qualifier": "live", "AuthType": "AWS_IAM", "Cors": {},
        "InvokeMode": "BUFFERED"}
    assert UrlProvisioner().replaces(properties, {**properties, "Qualifier": "beta"})
    UrlProvisioner().delete(fake_context(client), FUNCTION, {"TargetFunctionArn": FUNCTION,
                                                             "AuthType": "NONE"})
    assert client.parameters("delete_function_url_config") == {"FunctionName": FUNCTION}


def test_event_invoke_config_is_put_with_typed_limits() -> None:
    client = FakeClient("lambda")
    properties = {"FunctionName": "f", "Qualifier": 1, "MaximumRetryAttempts": "0",
                  "MaximumEventAgeInSeconds": "60",
                  "DestinationConfig": {"OnFailure": {"Destination": "arn:q"}}}
    provisioned = EventInvokeConfigProvisioner().create(fake_context(client, logical_id="Cfg"),
                                                        properties)
    assert provisioned.physical_id == "shop-Cfg-ABCDEF123456"
    assert client.parameters("put_function_event_invoke_config") == {
        "FunctionName": "f", "Qualifier": "1", "MaximumRetryAttempts": 0,
        "MaximumEventAgeInSeconds": 60,
        "DestinationConfig": {"OnFailure": {"Destination": "arn:q"}}}
    updated = EventInvokeConfigProvisioner().update(fake_context(client), "id", properties, {
        "FunctionName": "f", "Qualifier": "$LATEST"})
    assert updated.physical_id == "id"
    assert client.all_parameters("put_function_event_invoke_config")[1] == {
        "FunctionName": "f", "Qualifier": "$LATEST"}
    assert EventInvokeConfigProvisioner().replaces(properties, {**properties, "Qualifier": 2})
    EventInvokeConfigProvisioner().delete(fake_context(client), "id", properties)
    assert client.parameters("delete_function_event_invoke_config") == {
        "FunctionName": "f", "Qualifier": "1"}
