"""The HTTP and WebSocket API resources' API calls, ids and attributes, against a fake API
Gateway v2."""

from __future__ import annotations

import json

from simulator.stacks.resource_types import ReportingFailures
from simulator.stacks.resources.apigatewayv2_resources import (
    ApiProvisioner,
    IntegrationProvisioner,
    RouteProvisioner,
    StageProvisioner,
)
from tests.unit.stacks.resources.fake_clients import FakeClient, fake_context, refusal

API = {"ApiId": "a1", "ApiEndpoint": "https://a1.execute-api.us-east-1.amazonaws.com"}


def v2(**answers: object) -> FakeClient:
    return FakeClient("apigatewayv2", {"create_api": API, "get_api": API, **answers})


def test_an_api_from_a_body_is_named_by_its_title_and_reimported() -> None:
    client = v2()
    body = {"openapi": "3.0.1", "info": {"title": "Orders"}, "paths": {}}
    provisioned = ApiProvisioner().create(fake_context(client), {
        "Body": body, "Description": "d", "DisableExecuteApiEndpoint": "false"})
    assert (provisioned.physical_id, provisioned.attributes) == ("a1", API)
    assert client.parameters("create_api") == {"Name": "Orders", "ProtocolType": "HTTP",
                                               "Description": "d",
                                               "DisableExecuteApiEndpoint": False}
    reimported = client.parameters("reimport_api")
    assert reimported["ApiId"] == "a1" and json.loads(reimported["Body"]) == body


def test_a_quick_created_api_sends_its_target() -> None:
    client = v2()
    ApiProvisioner().create(fake_context(client, logical_id="Api"), {
        "ProtocolType": "WEBSOCKET", "RouteSelectionExpression": "$request.body.action",
        "Target": "arn:fn", "Tags": {"team": "a"}})
    assert client.parameters("create_api") == {
        "Name": "shop-Api-ABCDEF123456", "ProtocolType": "WEBSOCKET",
        "RouteSelectionExpression": "$request.body.action", "Target": "arn:fn",
        "Tags": {"team": "a"}}
    assert "reimport_api" not in client.operations()


def test_an_api_update_sends_only_what_changed() -> None:
    client = v2()
    old = {"Name": "a", "Description": "d", "Body": "openapi: 3.0.1"}
    provisioned = ApiProvisioner().update(fake_context(client), "a1", old,
                                          {**old, "Description": "e"})
    assert client.operations() == ["update_api", "get_api"]
    assert client.parameters("update_api") == {"ApiId": "a1", "Description": "e"}
    assert provisioned.attributes["ApiEndpoint"] == API["ApiEndpoint"]
    client.calls.clear()
    ApiProvisioner().update(fake_context(client), "a1", old, {**old, "Body": "openapi: 3.1"})
    assert client.parameters("reimport_api") == {"ApiId": "a1", "Body": "openapi: 3.1"}
    assert ApiProvisioner().replaces(old, {**old, "ProtocolType": "WEBSOCKET"})
    assert not ApiProvisioner().replaces(old, {**old, "Name": "b"})


def test_an_integration_is_typed_updated_and_deleted() -> None:
    client = FakeClient("apigatewayv2", {"create_integration": {"IntegrationId": "i1"}})
    properties = {"ApiId": "a1", "IntegrationType": "AWS_PROXY", "IntegrationUri": "arn:fn",
                  "PayloadFormatVersion": "2.0", "TimeoutInMillis": "3000"}
    provisioned = IntegrationProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == ("i1", {"IntegrationId": "i1"})
    assert client.parameters("create_integration") == {
        "ApiId": "a1", "IntegrationType": "AWS_PROXY", "IntegrationUri": "arn:fn",
        "PayloadFormatVersion": "2.0", "TimeoutInMillis": 3000}
    IntegrationProvisioner().update(fake_context(client), "i1", properties,
                                    {**properties, "PayloadFormatVersion": "1.0"})
    assert client.parameters("update_integration")["IntegrationId"] == "i1"
    assert client.parameters("update_integration")["PayloadFormatVersion"] == "1.0"
    IntegrationProvisioner().delete(fake_context(client), "i1", properties)
    assert client.parameters("delete_integration") == {"ApiId": "a1", "IntegrationId": "i1"}
    assert IntegrationProvisioner().replaces(properties, {**properties, "ApiId": "a2"})


def test_a_route_takes_its_key_target_and_a_typed_api_key_flag() -> None:
    client = FakeClient("apigatewayv2", {"create_route": {"RouteId": "r1"}})
    properties = {"ApiId": "a1", "RouteKey": "GET /items", "Target": "integrations/i1",
                  "ApiKeyRequired": "true"}
    provisioned = RouteProvisioner().create(fake_context(client), properties)
    assert (provisioned.physical_id, provisioned.attributes) == ("r1", {"RouteId": "r1"})
    assert client.parameters("create_route") == {
        "ApiId": "a1", "RouteKey": "GET /items", "Target": "integrations/i1",
        "ApiKeyRequired": True}
    RouteProvisioner().update(fake_context(client), "r1", properties,
                              {**properties, "RouteKey": "POST /items"})
    assert client.parameters("update_route")["RouteKey"] == "POST /items"
    assert not RouteProvisioner().replaces(properties, {**properties, "RouteKey": "$default"})


def test_a_stage_update_makes_it_afresh() -> None:
    client = FakeClient("apigatewayv2")
    old = {"ApiId": "a1", "StageName": "$default", "AutoDeploy": "true"}
    provisioned = StageProvisioner().create(fake_context(client), old)
    assert provisioned.physical_id == "$default"
    assert client.parameters("create_stage") == {"ApiId": "a1", "StageName": "$default",
                                                 "AutoDeploy": True}
    client.calls.clear()
    StageProvisioner().update(fake_context(client), "$default", old,
                              {**old, "StageVariables": {"v": "1"}})
    assert client.operations() == ["delete_stage", "create_stage"]
    assert client.parameters("create_stage")["StageVariables"] == {"v": "1"}
    assert StageProvisioner().replaces(old, {**old, "StageName": "prod"})


def test_deleting_a_route_already_gone_succeeds() -> None:
    client = FakeClient("apigatewayv2", {"delete_route": refusal("NotFoundException")})
    ReportingFailures(RouteProvisioner()).delete(fake_context(client), "r1",
                                                 {"ApiId": "a1", "RouteKey": "GET /"})
    assert client.parameters("delete_route") == {"ApiId": "a1", "RouteId": "r1"}
