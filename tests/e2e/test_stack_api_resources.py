"""The API Gateway provisioners (REST and HTTP APIs) against a real simulator: the API's
shape in the embedded API Gateway, with the ids and attributes CloudFormation answers."""

from __future__ import annotations

import pytest

from simulator.http_server import SimulatorServer
from tests.e2e.stack_context import context_of, provisioner

FUNCTION_URI = ("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
                "arn:aws:lambda:us-east-1:123456789012:function:f/invocations")
OPENAPI = {"openapi": "3.0.1", "info": {"title": "orders", "version": "1"},
           "paths": {"/orders": {"get": {"x-amazon-apigateway-integration": {
               "type": "aws_proxy", "httpMethod": "POST", "uri": FUNCTION_URI}}}}}


def test_rest_api_resources_methods_deployment_and_stage(
        process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Api")
    apigateway = context.client("apigateway")
    apis = provisioner("AWS::ApiGateway::RestApi")
    api = apis.create(context, {"Name": "shop", "Description": "first"})
    api_id = api.physical_id
    resources = apigateway.get_resources(restApiId=api_id)["items"]
    assert api.attributes == {"RestApiId": api_id, "RootResourceId": resources[0]["id"]}

    resource = provisioner("AWS::ApiGateway::Resource").create(context, {
        "RestApiId": api_id, "ParentId": api.attributes["RootResourceId"],
        "PathPart": "items"})
    methods = provisioner("AWS::ApiGateway::Method")
    method_properties = {"RestApiId": api_id, "ResourceId": resource.physical_id,
                         "HttpMethod": "get", "AuthorizationType": "NONE",
                         "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                                         "Uri": FUNCTION_URI}}
    methods.create(context, method_properties)
    assert apigateway.get_integration(restApiId=api_id, resourceId=resource.physical_id,
                                      httpMethod="GET")["uri"] == FUNCTION_URI

    deployments = provisioner("AWS::ApiGateway::Deployment")
    deployment = deployments.create(context, {"RestApiId": api_id})
    stages = provisioner("AWS::ApiGateway::Stage")
    stage_properties = {"RestApiId": api_id, "StageName": "prod",
                        "DeploymentId": deployment.physical_id}
    stage = stages.create(context, stage_properties)
    assert stage.physical_id == "prod"
    assert apigateway.get_stage(restApiId=api_id, stageName="prod")[
        "deploymentId"] == deployment.physical_id

    apis.update(context, api_id, {"Name": "shop", "Description": "first"},
                {"Name": "shop", "Description": "second"})
    assert apigateway.get_rest_api(restApiId=api_id)["description"] == "second"

    stages.delete(context, "prod", stage_properties)
    deployments.delete(context, deployment.physical_id, {"RestApiId": api_id})
    apis.delete(context, api_id, {})
    with pytest.raises(apigateway.exceptions.NotFoundException):
        apigateway.get_rest_api(restApiId=api_id)


def test_rest_api_from_an_openapi_body(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Orders")
    apigateway = context.client("apigateway")
    api = provisioner("AWS::ApiGateway::RestApi").create(context, {"Body": OPENAPI})
    assert apigateway.get_rest_api(restApiId=api.physical_id)["name"] == "orders"
    paths = {r["path"] for r in apigateway.get_resources(restApiId=api.physical_id)["items"]}
    assert paths == {"/", "/orders"}
    deployment = provisioner("AWS::ApiGateway::Deployment").create(
        context, {"RestApiId": api.physical_id, "StageName": "Stage"})
    assert apigateway.get_stage(restApiId=api.physical_id, stageName="Stage")[
        "deploymentId"] == deployment.physical_id


def test_http_api_integration_route_and_stage(process_server: SimulatorServer) -> None:
    context = context_of(process_server, "Http")
    v2 = context.client("apigatewayv2")
    apis = provisioner("AWS::ApiGatewayV2::Api")
    api = apis.create(context, {"Name": "shop", "ProtocolType": "HTTP"})
    api_id = api.physical_id
    assert api.attributes == {"ApiId": api_id,
                              "ApiEndpoint": v2.get_api(ApiId=api_id)["ApiEndpoint"]}
    assert apis.replaces({"ProtocolType": "HTTP"}, {"ProtocolType": "WEBSOCKET"})
    integration = provisioner("AWS::ApiGatewayV2::Integration").create(context, {
        "ApiId": api_id, "IntegrationType": "AWS_PROXY", "IntegrationUri": FUNCTION_URI,
        "PayloadFormatVersion": "2.0"})
    routes = provisioner("AWS::ApiGatewayV2::Route")
    route_properties = {"ApiId": api_id, "RouteKey": "GET /orders",
                        "Target": f"integrations/{integration.physical_id}"}
    route = routes.create(context, route_properties)
    assert v2.get_route(ApiId=api_id, RouteId=route.physical_id)["RouteKey"] == "GET /orders"
    routes.update(context, route.physical_id, route_properties,
                  {**route_properties, "RouteKey": "POST /orders"})
    assert v2.get_route(ApiId=api_id, RouteId=route.physical_id)["RouteKey"] == "POST /orders"
    stage = provisioner("AWS::ApiGatewayV2::Stage").create(
        context, {"ApiId": api_id, "StageName": "$default", "AutoDeploy": "true"})
    assert stage.physical_id == "$default"
    assert v2.get_stage(ApiId=api_id, StageName="$default")["AutoDeploy"] is True
    apis.update(context, api_id, {"Name": "shop"}, {"Name": "renamed"})
    assert v2.get_api(ApiId=api_id)["Name"] == "renamed"
    apis.delete(context, api_id, {})
    with pytest.raises(v2.exceptions.NotFoundException):
        v2.get_api(ApiId=api_id)
