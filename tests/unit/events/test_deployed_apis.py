"""An API deployed into the embedded API Gateway, read as routes: REST methods with a Lambda
proxy integration (payload 1.0), HTTP API routes with one (their payload version); other
integrations, APIs and stages give none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from simulator.events.deployed_apis import (
    DeployedApis,
    http_integration_function,
    rest_integration_function,
)
from simulator.events.http_routes import Route, best_match

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:fn"
URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations"


@pytest.fixture
def clients() -> Iterator[dict[str, Any]]:
    with mock_aws():
        yield {service: boto3.client(service, region_name="us-east-1")
               for service in ("apigateway", "apigatewayv2")}


def rest_api(apigateway: Any) -> str:
    api = apigateway.create_rest_api(name="shop")["id"]
    root = apigateway.get_resources(restApiId=api)["items"][0]["id"]
    items = apigateway.create_resource(restApiId=api, parentId=root, pathPart="items")["id"]
    item = apigateway.create_resource(restApiId=api, parentId=items, pathPart="{id}")["id"]
    for resource, method, kind in ((item, "GET", "AWS_PROXY"), (items, "POST", "HTTP_PROXY")):
        apigateway.put_method(restApiId=api, resourceId=resource, httpMethod=method,
                              authorizationType="NONE")
        apigateway.put_integration(restApiId=api, resourceId=resource, httpMethod=method,
                                   type=kind, integrationHttpMethod="POST",
                                   uri=URI if kind == "AWS_PROXY" else "http://example.com")
    apigateway.create_deployment(restApiId=api, stageName="prod")
    return str(api)


def test_a_rest_apis_lambda_proxy_methods_are_its_stages_routes(
        clients: dict[str, Any]) -> None:
    api = rest_api(clients["apigateway"])
    apis = DeployedApis(clients.__getitem__)
    assert apis.routes(api, "prod") == [Route(api, "GET /items/{id}", FUNCTION, "1.0", "prod")]
    assert apis.routes(api, "other") == []
    assert apis.routes("missing", "prod") == []
    matched = best_match(apis.routes(api, "prod"), "GET", "/items/7")
    assert matched is not None and matched.path_parameters == {"id": "7"}


def test_an_http_apis_lambda_routes_keep_their_keys_and_payload_versions(
        clients: dict[str, Any]) -> None:
    v2 = clients["apigatewayv2"]
    api = v2.create_api(Name="h", ProtocolType="HTTP")["ApiId"]
    for key, version in (("GET /orders", "2.0"), ("$default", "1.0")):
        integration = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
                                            IntegrationUri=FUNCTION,
                                            PayloadFormatVersion=version)["IntegrationId"]
        v2.create_route(ApiId=api, RouteKey=key, Target=f"integrations/{integration}")
    v2.create_stage(ApiId=api, StageName="$default")
    routes = DeployedApis(clients.__getitem__).routes(api, "$default")
    assert sorted(routes, key=lambda r: r.route_key) == [
        Route(api, "$default", FUNCTION, "1.0", "$default"),
        Route(api, "GET /orders", FUNCTION, "2.0", "$default")]


def test_nothing_is_read_before_the_services_are_used() -> None:
    def unused(service: str) -> Any:
        raise AssertionError("read")

    assert DeployedApis(unused, services_loaded=lambda: False).routes("api", "prod") == []


def test_integrations_that_invoke_no_function() -> None:
    assert rest_integration_function({"type": "aws_proxy", "uri": URI}) == FUNCTION
    assert rest_integration_function({"type": "AWS", "uri": URI}) is None
    assert rest_integration_function(None) is None
    assert http_integration_function({"IntegrationType": "AWS_PROXY",
                                      "IntegrationUri": URI}) == FUNCTION
    assert http_integration_function({"IntegrationType": "HTTP_PROXY",
                                      "IntegrationUri": "https://example.com"}) is None
