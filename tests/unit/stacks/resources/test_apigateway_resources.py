"""The REST API resources' API calls, ids and attributes, against a fake API Gateway."""

from __future__ import annotations

import json

import pytest

from simulator.stacks.provisioning import ResourceFailed
from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.apigateway_resources import (
    DeploymentProvisioner,
    MethodProvisioner,
    ResourceProvisioner,
    RestApiProvisioner,
    StageProvisioner,
    integration_parameters,
    replace_operations,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal


def apigateway(**answers: object) -> FakeClient:
    return FakeClient("apigateway", {"create_rest_api": {"id": "api1"},
                                     "get_rest_api": {"rootResourceId": "root1"}, **answers})


def test_a_rest_api_from_an_openapi_body_is_named_by_its_title() -> None:
    client = apigateway()
    body = {"openapi": "3.0.1", "info": {"title": "Shop API"}, "paths": {}}
    provisioned = RestApiProvisioner().create(fake_context(client), {
        "Body": body, "Description": "d", "EndpointConfiguration": {"Types": ["REGIONAL"]},
        "Policy": {"Statement": []}, "Tags": [{"Key": "team", "Value": "a"}],
        "FailOnWarnings": "true"})
    assert (provisioned.physical_id, provisioned.attributes) == (
        "api1", {"RestApiId": "api1", "RootResourceId": "root1"})
    assert client.parameters("create_rest_api") == {
        "name": "Shop API", "description": "d", "policy": '{"Statement": []}',
        "endpointConfiguration": {"types": ["REGIONAL"]}, "tags": {"team": "a"}}
    put = client.parameters("put_rest_api")
    assert (put["restApiId"], put["mode"], put["failOnWarnings"]) == ("api1", "overwrite", True)
    assert json.loads(put["body"]) == body


def test_a_rest_api_without_name_or_body_gets_the_generated_name() -> None:
    client = apigateway(get_rest_api={}, get_resources={"items": [
        {"id": "child", "path": "/users"}, {"id": "root2", "path": "/"}]})
    provisioned = RestApiProvisioner().create(fake_context(client, logical_id="Api"), {})
    assert client.parameters("create_rest_api") == {"name": "shop-Api-ABCDEF123456"}
    assert "put_rest_api" not in client.operations()
    assert provisioned.attributes["RootResourceId"] == "root2"


def test_a_rest_api_update_puts_a_changed_body_and_patches_a_changed_name() -> None:
    client = apigateway()
    old = {"Name": "a", "Body": {"paths": {}}}
    RestApiProvisioner().update(fake_context(client), "api1", old, {**old, "Name": "b"})
    assert client.operations() == ["update_rest_api", "get_rest_api"]
    assert client.parameters("update_rest_api")["patchOperations"] == [
        {"op": "replace", "path": "/name", "value": "b"}]
    client.calls.clear()
    RestApiProvisioner().update(fake_context(client), "api1", old,
                                {**old, "Body": {"paths": {"/x": {}}}, "Mode": "merge"})
    assert client.operations() == ["put_rest_api", "get_rest_api"]
    assert client.parameters("put_rest_api")["mode"] == "merge"


def test_a_resource_is_a_path_part_replaced_by_any_change() -> None:
    client = FakeClient("apigateway", {"create_resource": {"id": "res1"}})
    properties = {"RestApiId": "api1", "ParentId": "root1", "PathPart": "users"}
    provisioned = ResourceProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == ("res1", {"ResourceId": "res1"})
    assert client.parameters("create_resource") == {"restApiId": "api1", "parentId": "root1",
                                                    "pathPart": "users"}
    assert ResourceProvisioner().replaces(properties, {**properties, "PathPart": "items"})
    ResourceProvisioner().delete(fake_context(client), "res1", properties)
    assert client.parameters("delete_resource") == {"restApiId": "api1", "resourceId": "res1"}


def test_a_resource_without_its_parent_fails_validation() -> None:
    with pytest.raises(ResourceFailed, match=r"required key \[ParentId\] not found"):
        ReportingFailures(ResourceProvisioner()).create(
            fake_context(FakeClient("apigateway")), {"RestApiId": "a", "PathPart": "p"})


METHOD = {"RestApiId": "api1", "ResourceId": "res1", "HttpMethod": "post",
          "MethodResponses": [{"StatusCode": 200}],
          "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                          "Uri": "arn:uri", "IntegrationResponses": [
                              {"StatusCode": 200, "SelectionPattern": ""}]}}


def test_a_method_puts_its_responses_and_integration() -> None:
    client = FakeClient("apigateway")
    provisioned = MethodProvisioner().create(fake_context(client), METHOD)
    assert provisioned.physical_id == "api1|res1|POST"
    where = {"restApiId": "api1", "resourceId": "res1", "httpMethod": "POST"}
    assert client.parameters("put_method") == {**where, "authorizationType": "NONE"}
    assert client.parameters("put_method_response") == {**where, "statusCode": "200"}
    assert client.parameters("put_integration") == {
        **where, "type": "AWS_PROXY", "integrationHttpMethod": "POST", "uri": "arn:uri"}
    assert client.parameters("put_integration_response") == {
        **where, "statusCode": "200", "selectionPattern": ""}


def test_a_method_update_puts_it_afresh_and_only_its_address_replaces() -> None:
    client = FakeClient("apigateway")
    changed = {**METHOD, "AuthorizationType": "AWS_IAM", "ApiKeyRequired": "true"}
    MethodProvisioner().update(fake_context(client), "api1|res1|POST", METHOD, changed)
    assert client.operations()[:2] == ["delete_method", "put_method"]
    assert client.parameters("put_method")["authorizationType"] == "AWS_IAM"
    assert client.parameters("put_method")["apiKeyRequired"] is True
    assert not MethodProvisioner().replaces(METHOD, changed)
    assert MethodProvisioner().replaces(METHOD, {**METHOD, "HttpMethod": "GET"})


def test_integration_parameters_leave_out_what_is_absent() -> None:
    assert integration_parameters({"Type": "MOCK", "TimeoutInMillis": 500}) == {
        "type": "MOCK", "timeoutInMillis": 500}
    assert replace_operations({"description": 5}) == [
        {"op": "replace", "path": "/description", "value": "5"}]


def test_a_deployment_with_a_stage_name_creates_that_stage() -> None:
    client = FakeClient("apigateway", {"create_deployment": {"id": "dep1"}})
    provisioned = DeploymentProvisioner().create(fake_context(client), {
        "RestApiId": "api1", "StageName": "prod"})
    assert (provisioned.physical_id, provisioned.attributes) == ("dep1", {"DeploymentId": "dep1"})
    assert client.parameters("create_deployment") == {"restApiId": "api1", "stageName": "prod"}


def test_a_deployments_new_stage_is_pointed_at_it_or_created() -> None:
    client = FakeClient("apigateway", {"get_stages": {"item": [{"stageName": "prod"}]}})
    old = {"RestApiId": "api1", "StageName": "dev"}
    DeploymentProvisioner().update(fake_context(client), "dep1", old, {**old, "StageName": "prod"})
    assert client.parameters("update_stage")["patchOperations"] == [
        {"op": "replace", "path": "/deploymentId", "value": "dep1"}]
    DeploymentProvisioner().update(fake_context(client), "dep1", old, {**old, "StageName": "qa"})
    assert client.parameters("create_stage") == {"restApiId": "api1", "stageName": "qa",
                                                 "deploymentId": "dep1"}


def test_deleting_a_deployment_deletes_the_stage_only_while_it_serves_it() -> None:
    properties = {"RestApiId": "api1", "StageName": "prod"}
    serving = FakeClient("apigateway", {"get_stages": {"item": [
        {"stageName": "prod", "deploymentId": "dep1"}]}})
    DeploymentProvisioner().delete(fake_context(serving), "dep1", properties)
    assert serving.operations() == ["get_stages", "delete_stage", "delete_deployment"]
    moved_on = FakeClient("apigateway", {"get_stages": {"item": [
        {"stageName": "prod", "deploymentId": "dep2"}]}})
    DeploymentProvisioner().delete(fake_context(moved_on), "dep1", properties)
    assert moved_on.operations() == ["get_stages", "delete_deployment"]


def test_a_stage_is_named_patched_and_deleted() -> None:
    client = FakeClient("apigateway")
    provisioned = StageProvisioner().create(fake_context(client, logical_id="Stage"), {
        "RestApiId": "api1", "DeploymentId": "dep1", "TracingEnabled": "false",
        "Variables": {"v": "1"}})
    assert provisioned.physical_id == "shop-Stage-ABCDEF123456"
    assert client.parameters("create_stage") == {
        "restApiId": "api1", "stageName": "shop-Stage-ABCDEF123456", "deploymentId": "dep1",
        "variables": {"v": "1"}, "tracingEnabled": False}
    old = {"RestApiId": "api1", "DeploymentId": "dep1", "StageName": "prod"}
    StageProvisioner().update(fake_context(client), "prod", old, {**old, "DeploymentId": "dep2"})
    assert client.parameters("update_stage") == {
        "restApiId": "api1", "stageName": "prod",
        "patchOperations": [{"op": "replace", "path": "/deploymentId", "value": "dep2"}]}
    assert StageProvisioner().replaces(old, {**old, "StageName": "qa"})
    assert not StageProvisioner().replaces(old, {**old, "DeploymentId": "dep2"})


def test_deleting_an_api_already_gone_succeeds() -> None:
    client = FakeClient("apigateway", {"delete_rest_api": refusal("NotFoundException",
                                                                  "Invalid API identifier")})
    ReportingFailures(RestApiProvisioner()).delete(fake_context(client), "api1", {})
    assert client.parameters("delete_rest_api") == {"restApiId": "api1"}


def test_a_swagger_2_body_is_imported_as_openapi_3() -> None:
    from simulator.stacks.resources.apigateway_resources import as_openapi3

    swagger = {"swagger": "2.0", "info": {"title": "api"}, "paths": {"/hello": {"get": {}}}}
    assert as_openapi3(swagger) == {"openapi": "3.0.1", "info": {"title": "api"},
                                    "paths": {"/hello": {"get": {}}}}
    openapi = {"openapi": "3.0.1", "paths": {}}
    assert as_openapi3(openapi) == openapi


def test_a_mock_integration_gets_the_empty_uri_and_method_the_import_needs() -> None:
    from simulator.stacks.resources.apigateway_resources import as_openapi3

    mock = {"type": "mock", "requestTemplates": {"application/json": "{statusCode:200}"}}
    body = {"openapi": "3.0.1", "paths": {"/x": {"options": {
        "x-amazon-apigateway-integration": mock}}}}
    converted = as_openapi3(body)
    assert converted["paths"]["/x"]["options"]["x-amazon-apigateway-integration"] == {
        **mock, "uri": "", "httpMethod": ""}
    assert "uri" not in mock  # the template's own body is left as it was
