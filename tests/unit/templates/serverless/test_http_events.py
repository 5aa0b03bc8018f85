"""`http` and `httpApi` events as SAM `Api` and `HttpApi` events, and the REST API they share:
through a service file (and AWS's SAM translator), then each converter on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.templates.errors import TemplateError
from simulator.templates.serverless.http_events import (
    CORS_HEADERS,
    RestApi,
    http_api_event,
    http_api_globals,
    http_event,
    payload_version,
)
from tests.unit.templates.serverless.service_files import (
    convert,
    events_of,
    resource,
    translated,
)


def test_http_events_join_one_rest_api_on_the_service_stage(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          users:
            handler: users.handler
            events:
              - http: GET users/{id}
              - http:
                  path: /users
                  method: post
                  cors: true
              - http: ANY {proxy+}
    """, options={"stage": "prod"})
    events = events_of(converted, "UsersLambdaFunction")
    api = {"Ref": "ApiGatewayRestApi"}
    assert events == {
        "HttpEvent1": {"Type": "Api", "Properties": {"Path": "/users/{id}", "Method": "get",
                                                     "RestApiId": api}},
        "HttpEvent2": {"Type": "Api", "Properties": {"Path": "/users", "Method": "post",
                                                     "RestApiId": api}},
        "HttpEvent3": {"Type": "Api", "Properties": {"Path": "/{proxy+}", "Method": "any",
                                                     "RestApiId": api}},
    }
    rest_api = resource(converted, "ApiGatewayRestApi")
    assert rest_api["Type"] == "AWS::Serverless::Api"
    assert rest_api["Properties"]["StageName"] == "prod"
    assert rest_api["Properties"]["Name"] == "prod-shop"
    assert rest_api["Properties"]["Cors"]["AllowOrigin"] == "'*'"
    assert rest_api["Properties"]["Cors"]["AllowMethods"] == "'OPTIONS,POST'"
    output = translated(converted.document, monkeypatch)["Resources"]
    assert output["ApiGatewayRestApiprodStage"]["Properties"]["StageName"] == "prod"
    paths = output["ApiGatewayRestApi"]["Properties"]["Body"]["paths"]
    assert set(paths) == {"/users/{id}", "/users", "/{proxy+}"}


def test_http_settings_the_simulator_does_not_apply_are_warned_about(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
        functions:
          users:
            handler: users.handler
            events:
              - http: {path: a, method: get, integration: lambda, authorizer: auth}
    """)
    assert any("integration lambda" in warning for warning in converted.warnings)
    assert any("authorizer" in warning for warning in converted.warnings)


def test_http_api_events_in_each_spelling(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    converted = convert(tmp_path, """
        functions:
          api:
            handler: api.handler
            events:
              - httpApi: 'GET /items/{id}'
              - httpApi: {method: '*', path: /any}
              - httpApi: '*'
    """)
    assert events_of(converted, "ApiLambdaFunction") == {
        "HttpApiEvent1": {"Type": "HttpApi", "Properties": {"Path": "/items/{id}",
                                                            "Method": "GET"}},
        "HttpApiEvent2": {"Type": "HttpApi", "Properties": {"Path": "/any", "Method": "ANY"}},
        "HttpApiEvent3": {"Type": "HttpApi", "Properties": {}},
    }
    assert "ApiGatewayRestApi" not in converted.document["Resources"]
    routes = translated(converted.document, monkeypatch)["Resources"]["ServerlessHttpApi"]
    assert set(routes["Properties"]["Body"]["paths"]) == {"/items/{id}", "/any", "$default"}


def test_http_api_payload_version_and_cors_from_the_provider(tmp_path: Path) -> None:
    converted = convert(tmp_path, """
          httpApi:
            payload: '1.0'
            cors: true
        functions:
          api:
            handler: api.handler
            events:
              - httpApi: 'GET /'
    """)
    event = events_of(converted, "ApiLambdaFunction")["HttpApiEvent1"]
    assert event["Properties"]["PayloadFormatVersion"] == "1.0"
    cors = converted.document["Globals"]["HttpApi"]["CorsConfiguration"]
    assert cors["AllowOrigins"] == ["*"]


def test_an_http_path_is_rooted_and_the_api_is_marked_used() -> None:
    api, warnings = RestApi(), list[str]()
    assert http_event("get /", "here", api, warnings)["Properties"] == {
        "Path": "/", "Method": "get", "RestApiId": {"Ref": "ApiGatewayRestApi"}}
    assert http_event({"method": "PUT", "path": "a/b/"}, "here", api, warnings)[
        "Properties"]["Path"] == "/a/b"
    assert api.used and warnings == [] and api.cors_origins == []


def test_aws_proxy_spellings_are_the_lambda_proxy_integration() -> None:
    warnings: list[str] = []
    for integration in ("AWS_PROXY", "aws-proxy", "lambda-proxy"):
        http_event({"method": "get", "path": "a", "integration": integration}, "here",
                   RestApi(), warnings)
    assert warnings == []


@pytest.mark.parametrize("spec", ["GET", {"path": "a"}, {"method": "get"}])
def test_an_http_event_needs_a_method_and_a_path(spec: object) -> None:
    with pytest.raises(TemplateError, match="^functions.f.events.0.http needs a method"):
        http_event(spec, "functions.f.events.0.http", RestApi(), [])


def test_cors_settings_collect_into_the_rest_apis_cors() -> None:
    api = RestApi()
    api.add_cors(True, "GET")
    api.add_cors({"origins": ["https://a.example", "*"], "headers": ["X-One"],
                  "allowCredentials": True}, "ANY")
    api.add_cors(False, "DELETE")
    api.add_cors(None, "PATCH")
    properties = api.resource("shop", "dev", {})["Properties"]
    assert properties == {"StageName": "dev", "Name": "dev-shop", "Cors": {
        "AllowOrigin": "'*,https://a.example'",
        "AllowHeaders": "'" + ",".join([*CORS_HEADERS, "X-One"]) + "'",
        "AllowMethods": "'OPTIONS,GET,*'",
        "AllowCredentials": True}}


def test_a_single_cors_origin_is_used_as_given() -> None:
    api = RestApi()
    api.add_cors({"origin": "https://shop.example"}, "POST")
    cors = api.resource("shop", "dev", {})["Properties"]["Cors"]
    assert cors["AllowOrigin"] == "'https://shop.example'"
    assert "AllowCredentials" not in cors


def test_the_rest_api_takes_the_providers_name_and_tracing() -> None:
    properties = RestApi().resource("shop", "prod", {
        "apiName": "storefront", "tracing": {"apiGateway": True}})["Properties"]
    assert properties == {"StageName": "prod", "Name": "storefront", "TracingEnabled": True}
    assert "TracingEnabled" not in RestApi().resource(
        "shop", "prod", {"tracing": {"lambda": True}})["Properties"]


def test_http_api_events_in_mapping_form() -> None:
    assert http_api_event({"method": "post", "path": "items"}, "here", "2.0") == {
        "Type": "HttpApi", "Properties": {"Path": "/items", "Method": "POST"}}
    assert http_api_event({"path": "/x"}, "here", "1.0") == {
        "Type": "HttpApi", "Properties": {"Path": "/x", "Method": "ANY",
                                          "PayloadFormatVersion": "1.0"}}
    assert http_api_event("*", "here", "1.0") == {
        "Type": "HttpApi", "Properties": {"PayloadFormatVersion": "1.0"}}


def test_an_http_api_method_without_a_path_is_an_error() -> None:
    with pytest.raises(TemplateError, match="^here has the method GET but no path"):
        http_api_event({"method": "GET"}, "here", "2.0")
    with pytest.raises(TemplateError, match="^here is 'GET'"):
        http_api_event("GET", "here", "2.0")


def test_http_api_cors_settings_are_renamed_for_sam() -> None:
    assert http_api_globals({}) == {}
    assert http_api_globals({"httpApi": {"cors": False}}) == {}
    assert http_api_globals({"httpApi": {"cors": {
        "allowedOrigins": ["https://a.example"], "allowedMethods": ["GET"],
        "allowCredentials": True, "maxAge": 60, "unknown": 1}}}) == {
        "HttpApi": {"CorsConfiguration": {"AllowOrigins": ["https://a.example"],
                                          "AllowMethods": ["GET"], "AllowCredentials": True,
                                          "MaxAge": 60}}}
    assert http_api_globals({"httpApi": {"cors": True}})["HttpApi"]["CorsConfiguration"][
        "AllowHeaders"] == list(CORS_HEADERS)


def test_the_payload_version_defaults_to_two() -> None:
    assert payload_version({}) == "2.0"
    assert payload_version({"httpApi": "not a mapping"}) == "2.0"
    assert payload_version({"httpApi": {"payload": 1.0}}) == "1.0"
