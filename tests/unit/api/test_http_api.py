"""The HTTP event sources' blueprint, through Flask's test client: API-Gateway-style routes
(the route table, the event a request becomes, the gateway's answers), the function URL
configuration API, and function URLs served by path or by host name, with their auth types
and CORS. Functions run on the fake executor."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from simulator.api.http_api import URL_FORBIDDEN, http_api
from simulator.api.runtime_api import RuntimeApiListener
from simulator.app import error_response
from simulator.config import Settings
from simulator.environments.pool import EnvironmentPool, PoolLimits
from simulator.errors import LambdaError
from simulator.events.deployed_apis import DeployedApis
from simulator.events.http_routes import FunctionUrls, HttpRoutes
from simulator.executors.fake import FakeContext, FakeExecutor
from simulator.functions.code_store import CodeStore
from simulator.functions.function_operations import FunctionOperations
from simulator.functions.registry import FunctionRegistry
from simulator.functions.version_operations import VersionService
from simulator.functions.version_store import VersionStore
from simulator.invocation.invoker import MAX_SYNC_PAYLOAD, Invoker
from simulator.observability.log_store import LogStore
from tests.helpers import ROLE, make_zip

CODE = base64.b64encode(make_zip({"app.py": "# the fake executor runs a callable\n"})).decode()
ENDPOINT = "http://127.0.0.1:4570"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:web"
SIGNED_FOR_LAMBDA = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/lambda/"
                     "aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd")
Event = dict[str, Any]


@dataclass
class Web:
    """The blueprint in a Flask app, over the control and data planes. The function `web`
    records each event (and the ARN it was invoked as) and answers with `answer(event)`."""

    client: FlaskClient
    functions: FunctionOperations
    versions: VersionService
    answer: Callable[[Event], Any] = lambda event: {"statusCode": 200, "body": "ok"}
    calls: list[tuple[Event, str]] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    @property
    def events(self) -> list[Event]:
        return [event for event, _ in self.calls]


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    settings = Settings.from_env(environ={}, state_dir=tmp_path)
    lock = threading.Lock()

    def handler(event: Any, context: FakeContext) -> Any:
        with lock:
            state.calls.append((event, context.invoked_function_arn))
            state.request_ids.append(context.aws_request_id)
        return state.answer(event)

    executor = FakeExecutor({"app.handler": handler})
    pool = EnvironmentPool(
        executor,
        open_endpoint=lambda environment: RuntimeApiListener(
            environment, executor.runtime_api_host(), pool.owner_of),
        emit_log=LogStore().append,
        region=settings.region,
        limits=PoolLimits(),
    )
    registry = FunctionRegistry(tmp_path / "functions.db")
    version_store = VersionStore(tmp_path / "versions.db")
    functions = FunctionOperations(settings, registry, CodeStore(tmp_path / "code"), pool,
                                   version_store)
    invoker = Invoker(settings, functions, pool)
    functions.create_function({"FunctionName": "web", "Runtime": "python3.12", "Role": ROLE,
                               "Handler": "app.handler", "Code": {"ZipFile": CODE}})
    routes, urls = HttpRoutes(tmp_path / "http.db"), FunctionUrls(tmp_path / "http.db")
    app = Flask(__name__)
    app.extensions.update(functions=functions, invoker=invoker, http_routes=routes,
                          function_urls=urls,
                          deployed_apis=DeployedApis(lambda service: None, lambda: False))
    app.register_blueprint(http_api)
    app.register_error_handler(LambdaError, error_response)
    state = Web(app.test_client(use_cookies=False), functions,
                VersionService(settings, functions, version_store, pool))
    yield state
    invoker.shutdown()
    pool.shutdown()
    registry.close()
    routes.close()
    urls.close()


def aws_error(response: TestResponse) -> tuple[int, str, str]:
    """(status, AWS error code, message) of an error answer."""
    body = response.get_json()
    return response.status_code, body["__type"], body.get("message") or body.get("Message")


def add_route(web: Web, route_key: str, function: str = "web", **more: str) -> TestResponse:
    response = web.client.post("/_simulator/http/routes", json={
        "apiId": "shop", "routeKey": route_key, "functionName": function, **more})
    assert response.status_code == 201, response.get_json()
    return response


def create_url(web: Web, **body: Any) -> str:
    """Create the function's URL configuration; the URL's id."""
    response = web.client.post("/2021-10-31/functions/web/url", json={"AuthType": "NONE", **body})
    assert response.status_code == 201, response.get_json()
    match = re.fullmatch(rf"{ENDPOINT}/_simulator/url/([a-z0-9]{{32}})/",
                         response.get_json()["FunctionUrl"])
    assert match is not None
    return match.group(1)


# -- the route table ----------------------------------------------------------------------------


def test_an_added_route_is_answered_with_its_stage_url_listed_and_removed_with_its_api(
        web: Web) -> None:
    added = add_route(web, "GET /items/{id}").get_json()
    add_route(web, "POST /items", stage="prod", payloadFormatVersion="1.0")

    listed = web.client.get("/_simulator/http/routes").get_json()["routes"]
    removed = web.client.delete("/_simulator/http/routes/shop")
    removed_again = web.client.delete("/_simulator/http/routes/shop")

    assert added == {"apiId": "shop", "stage": "$default", "routeKey": "GET /items/{id}",
                     "functionName": "web", "payloadFormatVersion": "2.0",
                     "url": f"{ENDPOINT}/_simulator/http/shop/$default/"}
    assert [(r["routeKey"], r["stage"], r["payloadFormatVersion"], r["url"]) for r in listed] == [
        ("GET /items/{id}", "$default", "2.0", f"{ENDPOINT}/_simulator/http/shop/$default/"),
        ("POST /items", "prod", "1.0", f"{ENDPOINT}/_simulator/http/shop/prod/"),
    ]
    assert removed.status_code == 204
    assert aws_error(removed_again) == (404, "ResourceNotFoundException", "No routes for API shop")
    assert web.client.get("/_simulator/http/routes").get_json() == {"routes": []}


@pytest.mark.parametrize(("body", "message"), [
    ({"routeKey": "GET /", "functionName": "web"}, "apiId must be a string"),
    ({"apiId": "shop", "routeKey": "GET /", "functionName": 7}, "functionName must be a string"),
    ({"apiId": "shop", "routeKey": "FETCH /items", "functionName": "web"},
     "Invalid routeKey 'FETCH /items'"),
    ({"apiId": "shop", "routeKey": "GET /{path+}/more", "functionName": "web"},
     "a greedy variable must be the last path segment"),
    ({"apiId": "shop", "routeKey": "GET /", "functionName": "web",
      "payloadFormatVersion": "3.0"}, "Invalid payloadFormatVersion '3.0'"),
    ({"apiId": "routes", "routeKey": "GET /", "functionName": "web"}, "Invalid apiId"),
])
def test_a_malformed_route_is_refused(web: Web, body: dict[str, Any], message: str) -> None:
    response = web.client.post("/_simulator/http/routes", json=body)

    status, code, text = aws_error(response)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert message in text
    assert web.client.get("/_simulator/http/routes").get_json() == {"routes": []}


# -- a request on a route -----------------------------------------------------------------------


def test_a_request_reaches_the_function_as_a_2_0_event_and_its_answer_is_the_response(
        web: Web) -> None:
    add_route(web, "GET /items/{id}")
    web.answer = lambda event: {"statusCode": 201, "headers": {"X-Seen": "yes"},
                                "cookies": ["session=abc"], "body": "made"}

    response = web.client.get("/_simulator/http/shop/$default/items/42?colour=blue&colour=red",
                              headers={"Cookie": "a=1; b=2", "X-Custom": "value",
                                       "User-Agent": "tests"})

    assert response.status_code == 201
    assert response.headers["X-Seen"] == "yes"
    assert response.headers.getlist("Set-Cookie") == ["session=abc"]
    assert response.get_data() == b"made"
    [event] = web.events
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/42"
    assert event["rawQueryString"] == "colour=blue&colour=red"
    assert event["queryStringParameters"] == {"colour": "blue,red"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"]["x-custom"] == "value"
    assert "cookie" not in event["headers"]
    context = event["requestContext"]
    assert context["apiId"] == "shop"
    assert context["domainName"] == "shop.execute-api.us-east-1.amazonaws.com"
    assert context["stage"] == "$default"
    assert context["http"]["method"] == "GET"
    assert context["http"]["userAgent"] == "tests"
    assert response.headers["x-amzn-RequestId"] == context["requestId"]
    assert event["isBase64Encoded"] is False and "body" not in event


def test_a_named_stage_shows_in_the_raw_path_and_serves_only_its_own_routes(web: Web) -> None:
    add_route(web, "POST /orders", stage="prod")

    served = web.client.post("/_simulator/http/shop/prod/orders", data=b"\x00\xff",
                             content_type="application/octet-stream")
    elsewhere = web.client.post("/_simulator/http/shop/$default/orders")

    assert served.status_code == 200
    [event] = web.events
    assert event["rawPath"] == "/prod/orders"
    assert event["requestContext"]["stage"] == "prod"
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x00\xff"
    assert elsewhere.status_code == 404
    assert elsewhere.get_json() == {"message": "Not Found"}


def test_the_most_specific_route_takes_the_request(web: Web) -> None:
    for route_key in ("GET /items/{id}", "GET /items/special", "ANY /{proxy+}", "$default"):
        add_route(web, route_key)

    for path in ("/items/special", "/items/7", "/anything/else", "/items/7", "/"):
        web.client.get(f"/_simulator/http/shop/$default{path}")
    web.client.delete("/_simulator/http/shop/$default/items/7")

    assert [event["routeKey"] for event in web.events] == [
        "GET /items/special", "GET /items/{id}", "ANY /{proxy+}", "GET /items/{id}",
        "$default", "ANY /{proxy+}"]
    assert web.events[2]["pathParameters"] == {"proxy": "anything/else"}


def test_a_request_no_route_matches_is_the_gateways_404(web: Web) -> None:
    add_route(web, "GET /items")

    for response in (web.client.post("/_simulator/http/shop/$default/items"),
                     web.client.get("/_simulator/http/shop/$default/other"),
                     web.client.get("/_simulator/http/unknown-api/$default/items")):
        assert response.status_code == 404
        assert response.get_json() == {"message": "Not Found"}
    assert web.events == []


def test_a_1_0_route_gets_the_rest_proxy_event_and_maps_the_proxy_answer(web: Web) -> None:
    add_route(web, "GET /items/{id}", payloadFormatVersion="1.0")
    web.answer = lambda event: {"statusCode": 200, "headers": {"X-One": "1"},
                                "multiValueHeaders": {"X-Many": ["a", "b"]}, "body": "ok"}

    response = web.client.get("/_simulator/http/shop/$default/items/42?tag=a&tag=b")

    assert response.status_code == 200
    assert response.headers.getlist("X-Many") == ["a", "b"]
    assert response.headers["X-One"] == "1"
    [event] = web.events
    assert event["httpMethod"] == "GET"
    assert event["resource"] == "/items/{id}"
    assert event["path"] == "/items/42"
    assert event["pathParameters"] == {"id": "42"}
    assert event["queryStringParameters"] == {"tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"]}
    assert event["requestContext"]["resourcePath"] == "/items/{id}"


@pytest.mark.parametrize(("version", "answer", "status", "json_body"), [
    ("2.0", {"hello": "world"}, 200, {"hello": "world"}),
    ("2.0", ["a", 1], 200, ["a", 1]),
    ("2.0", {"statusCode": "abc"}, 502, {"message": "Internal Server Error"}),
    ("2.0", {"statusCode": 200, "body": {"not": "a string"}}, 502,
     {"message": "Internal Server Error"}),
    ("1.0", {"hello": "world"}, 502, {"message": "Internal server error"}),
])
def test_answers_without_or_with_a_malformed_status_code(
        web: Web, version: str, answer: Any, status: int, json_body: Any) -> None:
    add_route(web, "GET /thing", payloadFormatVersion=version)
    web.answer = lambda event: answer

    response = web.client.get("/_simulator/http/shop/$default/thing")

    assert (response.status_code, response.get_json()) == (status, json_body)
    assert response.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(("version", "message"), [
    ("2.0", "Internal Server Error"), ("1.0", "Internal server error")])
def test_a_function_error_is_a_502_and_a_missing_function_a_500(
        web: Web, version: str, message: str) -> None:
    add_route(web, "GET /fails", payloadFormatVersion=version)
    add_route(web, "GET /ghost", function="ghost", payloadFormatVersion=version)

    def fail(event: Event) -> Any:
        raise RuntimeError("boom")

    web.answer = fail

    failed = web.client.get("/_simulator/http/shop/$default/fails")
    missing = web.client.get("/_simulator/http/shop/$default/ghost")

    assert (failed.status_code, failed.get_json()) == (502, {"message": message})
    assert (missing.status_code, missing.get_json()) == (500, {"message": message})


@pytest.mark.parametrize(("version", "status", "message"), [
    ("2.0", 503, "Service Unavailable"), ("1.0", 429, "Too Many Requests")])
def test_a_throttled_function_is_answered_as_each_kind_of_api_answers_it(
        web: Web, version: str, status: int, message: str) -> None:
    add_route(web, "GET /busy", payloadFormatVersion=version)
    web.functions.put_function_concurrency("web", {"ReservedConcurrentExecutions": 0})

    response = web.client.get("/_simulator/http/shop/$default/busy")

    assert (response.status_code, response.get_json()) == (status, {"message": message})
    assert web.events == []


def test_a_request_too_large_for_an_invoke_is_refused_with_413(web: Web) -> None:
    add_route(web, "POST /upload")

    response = web.client.post("/_simulator/http/shop/$default/upload",
                               data=b"x" * MAX_SYNC_PAYLOAD, content_type="text/plain")

    assert response.status_code == 413
    assert response.get_json() == {"message": "Request Entity Too Large"}
    assert web.events == []


# -- function URL configurations ----------------------------------------------------------------


def test_create_url_config_answers_201_and_get_adds_the_last_modified_time(web: Web) -> None:
    created = web.client.post("/2021-10-31/functions/web/url", json={"AuthType": "NONE"})
    found = web.client.get("/2021-10-31/functions/web/url")

    assert created.status_code == 201
    body = created.get_json()
    assert re.fullmatch(rf"{ENDPOINT}/_simulator/url/[a-z0-9]{{32}}/", body["FunctionUrl"])
    assert body["FunctionArn"] == FUNCTION_ARN
    # AWS answers InvokeMode to a create only when the request set it; a get shows it.
    assert body["AuthType"] == "NONE" and "InvokeMode" not in body
    assert found.get_json()["InvokeMode"] == "BUFFERED"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", body["CreationTime"])
    assert "LastModifiedTime" not in body and "Cors" not in body
    assert found.status_code == 200
    assert found.get_json() == {**body, "LastModifiedTime": found.get_json()["LastModifiedTime"],
                                "InvokeMode": "BUFFERED"}


def test_a_function_has_one_url_config_per_qualifier(web: Web) -> None:
    create_url(web)

    again = web.client.post("/2021-10-31/functions/web/url", json={"AuthType": "AWS_IAM"})

    assert aws_error(again) == (
        409, "ResourceConflictException",
        f"Failed to create function url config for [functionArn = {FUNCTION_ARN}]. Error "
        "message:  FunctionUrlConfig exists for this Lambda function")


@pytest.mark.parametrize(("body", "message"), [
    ({}, "1 validation error detected: Value null at 'authType' failed to satisfy constraint: "
         "Member must not be null"),
    ({"AuthType": "OPEN"}, "Value 'OPEN' at 'authType' failed to satisfy constraint: Member "
                           "must satisfy enum value set: [AWS_IAM, NONE]"),
    ({"AuthType": "NONE", "InvokeMode": "STREAMING"},
     "Value 'STREAMING' at 'invokeMode' failed to satisfy constraint: Member must satisfy "
     "enum value set: [RESPONSE_STREAM, BUFFERED]"),
    ({"AuthType": "NONE", "Cors": {"MaxAge": 86401}},
     "at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or "
     "equal to 86400"),
    ({"AuthType": "NONE", "Cors": {"AllowMethods": ["GET"] * 7}},
     "at 'cors.allowMethods' failed to satisfy constraint: Member must have length less than "
     "or equal to 6"),
    ({"AuthType": "NONE", "Cors": {"AllowOrigins": [""]}},
     "at 'cors.allowOrigins' failed to satisfy constraint: Member must satisfy constraint"),
    ({"AuthType": "OPEN", "InvokeMode": "STREAMING"}, "2 validation errors detected"),
])
def test_a_url_config_aws_would_refuse_is_a_validation_error(
        web: Web, body: dict[str, Any], message: str) -> None:
    response = web.client.post("/2021-10-31/functions/web/url", json=body)

    status, code, text = aws_error(response)
    assert (status, code) == (400, "ValidationException")
    assert message in text
    assert aws_error(web.client.get("/2021-10-31/functions/web/url"))[0] == 404


def test_url_configs_of_unknown_functions_and_bad_qualifiers_are_refused(web: Web) -> None:
    unknown = web.client.post("/2021-10-31/functions/nope/url", json={"AuthType": "NONE"})
    numeric = web.client.post("/2021-10-31/functions/web/url?Qualifier=1",
                              json={"AuthType": "NONE"})
    latest = web.client.get("/2021-10-31/functions/web/url?Qualifier=$LATEST")
    read_unknown = web.client.get("/2021-10-31/functions/nope/url")
    mismatched = web.client.get("/2021-10-31/functions/web:live/url?Qualifier=other")

    assert aws_error(unknown) == (404, "ResourceNotFoundException", "Function does not exist")
    assert aws_error(read_unknown) == (404, "ResourceNotFoundException",
                                       "The resource you requested does not exist.")
    assert aws_error(mismatched) == (
        400, "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.")
    for refused in (numeric, latest):
        status, code, text = aws_error(refused)
        assert (status, code) == (400, "ValidationException")
        assert "at 'qualifier' failed to satisfy constraint" in text


def test_update_changes_the_settings_and_keeps_the_url_and_creation_time(web: Web) -> None:
    url_id = create_url(web)
    before = web.client.get("/2021-10-31/functions/web/url").get_json()
    cors = {"AllowOrigins": ["https://app.example"], "AllowCredentials": True}

    updated = web.client.put("/2021-10-31/functions/web/url",
                             json={"AuthType": "AWS_IAM", "Cors": {**cors, "Unknown": 1}})
    invoke_mode_only = web.client.put("/2021-10-31/functions/web/url",
                                      json={"InvokeMode": "RESPONSE_STREAM"})

    assert updated.status_code == 200
    body = updated.get_json()
    assert body["FunctionUrl"].endswith(f"/_simulator/url/{url_id}/")
    assert (body["AuthType"], body["Cors"]) == ("AWS_IAM", cors)
    assert body["CreationTime"] == before["CreationTime"]
    assert body["LastModifiedTime"] > before["LastModifiedTime"]
    assert invoke_mode_only.get_json()["AuthType"] == "AWS_IAM"
    assert invoke_mode_only.get_json()["InvokeMode"] == "RESPONSE_STREAM"


def test_answers_to_changes_show_the_invoke_mode_once_a_request_has_set_it(web: Web) -> None:
    create_url(web)
    path = "/2021-10-31/functions/web/url"

    before = web.client.put(path, json={"AuthType": "NONE"}).get_json()
    web.client.put(path, json={"InvokeMode": "RESPONSE_STREAM"})
    after = web.client.put(path, json={}).get_json()

    assert "InvokeMode" not in before
    assert after["InvokeMode"] == "RESPONSE_STREAM"


def test_a_deleted_url_config_is_gone_and_its_url_no_longer_served(web: Web) -> None:
    url_id = create_url(web)

    deleted = web.client.delete("/2021-10-31/functions/web/url")

    assert deleted.status_code == 204
    not_found = (404, "ResourceNotFoundException", "The resource you requested does not exist.")
    assert aws_error(web.client.get("/2021-10-31/functions/web/url")) == not_found
    assert aws_error(web.client.delete("/2021-10-31/functions/web/url")) == not_found
    assert aws_error(web.client.put("/2021-10-31/functions/web/url",
                                    json={"AuthType": "NONE"})) == not_found
    served = web.client.get(f"/_simulator/url/{url_id}/")
    assert (served.status_code, served.get_json()) == (403, {"Message": None})
    assert web.events == []


def test_an_alias_has_a_url_of_its_own_that_runs_the_aliased_version(web: Web) -> None:
    web.versions.publish("web", {})
    web.versions.create_alias("web", {"Name": "live", "FunctionVersion": "1"})
    latest_url = create_url(web)
    created = web.client.post("/2021-10-31/functions/web/url?Qualifier=live",
                              json={"AuthType": "NONE"})
    alias_url = created.get_json()["FunctionUrl"].split("/")[-2]

    first = web.client.get("/2021-10-31/functions/web/urls?MaxItems=1").get_json()
    rest = web.client.get(
        f"/2021-10-31/functions/web/urls?MaxItems=1&Marker={first['NextMarker']}").get_json()
    web.client.get(f"/_simulator/url/{alias_url}/")
    web.client.get(f"/_simulator/url/{latest_url}/")

    assert created.get_json()["FunctionArn"] == FUNCTION_ARN + ":live"
    assert [c["FunctionArn"] for c in first["FunctionUrlConfigs"] + rest["FunctionUrlConfigs"]
            ] == [FUNCTION_ARN, FUNCTION_ARN + ":live"]
    assert "NextMarker" not in rest
    assert [arn for _, arn in web.calls] == [FUNCTION_ARN + ":1", FUNCTION_ARN]
    assert aws_error(web.client.get("/2021-10-31/functions/web/urls?MaxItems=0"))[:2] == (
        400, "ValidationException")


# -- function URLs served -----------------------------------------------------------------------


def test_a_url_request_reaches_the_function_as_a_2_0_event_on_the_default_route(
        web: Web) -> None:
    url_id = create_url(web)
    web.answer = lambda event: {"statusCode": 202, "body": "accepted"}

    response = web.client.post(f"/_simulator/url/{url_id}/orders/new?x=1", json={"n": 1})

    assert (response.status_code, response.get_data()) == (202, b"accepted")
    [event] = web.events
    assert (event["routeKey"], event["rawPath"], event["rawQueryString"]) == (
        "$default", "/orders/new", "x=1")
    assert json.loads(event["body"]) == {"n": 1}
    context = event["requestContext"]
    assert (context["apiId"], context["domainPrefix"], context["stage"]) == (
        url_id, url_id, "$default")
    assert context["http"]["method"] == "POST"
    assert "authorizer" not in context
    assert response.headers["x-amzn-RequestId"] == context["requestId"]


def test_a_url_request_id_is_its_invocations(web: Web) -> None:
    url_id = create_url(web)

    response = web.client.get(f"/_simulator/url/{url_id}/")

    assert web.request_ids == [response.headers["x-amzn-RequestId"]]


def test_a_url_event_keeps_the_escaped_path_and_leaves_out_connection_headers(
        web: Web) -> None:
    url_id = create_url(web)

    web.client.get(f"/_simulator/url/{url_id}/pa2%25Fth/1?q=1",
                   headers={"Connection": "keep-alive", "X-Moto-Account-Id": "1"})

    [event] = web.events
    assert (event["rawPath"], event["requestContext"]["http"]["path"]) == (
        "/pa2%25Fth/1", "/pa2%Fth/1")
    assert "connection" not in event["headers"]
    assert "x-moto-account-id" not in event["headers"]


@pytest.mark.parametrize(("answer", "status", "body"), [
    ("hello", 200, b"hello"),
    ({"hello": "world"}, 200, b'{"hello":"world"}'),
    ({"statusCode": 200, "body": {"a": [1]}}, 200, b'{"a":[1]}'),
    ({"statusCode": "abc"}, 502, b"Internal Server Error"),
])
def test_a_url_sends_what_the_function_answered_as_aws_does(
        web: Web, answer: Any, status: int, body: bytes) -> None:
    url_id = create_url(web)
    web.answer = lambda event: answer

    response = web.client.get(f"/_simulator/url/{url_id}/")

    assert (response.status_code, response.get_data()) == (status, body)


def test_a_url_whose_function_fails_answers_the_bare_words(web: Web) -> None:
    url_id = create_url(web)

    def fail(event: Event) -> Any:
        raise RuntimeError("boom")

    web.answer = fail
    response = web.client.get(f"/_simulator/url/{url_id}/")

    assert (response.status_code, response.get_data()) == (502, b"Internal Server Error")


def test_the_url_of_a_deleted_alias_is_forbidden(web: Web) -> None:
    web.versions.publish("web", {})
    web.versions.create_alias("web", {"Name": "live", "FunctionVersion": "1"})
    created = web.client.post("/2021-10-31/functions/web/url?Qualifier=live",
                              json={"AuthType": "NONE"})
    url_id = created.get_json()["FunctionUrl"].split("/")[-2]

    web.versions.delete_alias("web", "live")
    response = web.client.get(f"/_simulator/url/{url_id}/")

    assert (response.status_code, response.get_json()) == (403, {"Message": URL_FORBIDDEN})
    assert response.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert web.events == []


def test_a_url_is_also_served_by_its_host_name_whatever_the_path(web: Web) -> None:
    url_id = create_url(web)
    host = f"{url_id}.lambda-url.us-east-1.localhost:4570"

    by_host = web.client.get("/2021-10-31/functions/web/url", base_url=f"http://{host}")
    upper_case = web.client.get("/", base_url=f"http://{host.upper()}")

    assert by_host.status_code == 200
    assert [event["rawPath"] for event in web.events] == ["/2021-10-31/functions/web/url", "/"]
    assert web.events[0]["requestContext"]["domainName"] == (
        f"{url_id}.lambda-url.us-east-1.localhost")
    assert upper_case.status_code == 200


def test_an_unknown_url_is_refused_with_a_null_message(web: Web) -> None:
    response = web.client.get("/_simulator/url/" + "a" * 32 + "/")
    by_host = web.client.get("/", base_url="http://" + "b" * 32 + ".lambda-url.us-east-1.localhost")

    for answered in (response, by_host):
        assert (answered.status_code, answered.get_json()) == (403, {"Message": None})
        assert answered.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_an_aws_iam_url_takes_only_requests_signed_for_lambda_and_passes_the_signer(
        web: Web) -> None:
    url_id = create_url(web, AuthType="AWS_IAM")
    signed_for_s3 = SIGNED_FOR_LAMBDA.replace("/lambda/", "/s3/")

    unsigned = web.client.get(f"/_simulator/url/{url_id}/")
    wrong_service = web.client.get(f"/_simulator/url/{url_id}/",
                                   headers={"Authorization": signed_for_s3})
    signed = web.client.get(f"/_simulator/url/{url_id}/",
                            headers={"Authorization": SIGNED_FOR_LAMBDA})

    for refused in (unsigned, wrong_service):
        assert (refused.status_code, refused.get_json()) == (403, {"Message": URL_FORBIDDEN})
        assert refused.headers["x-amzn-ErrorType"] == "AccessDeniedException"
    assert signed.status_code == 200
    [event] = web.events
    iam = event["requestContext"]["authorizer"]["iam"]
    assert (iam["accessKey"], iam["accountId"]) == ("AKIDEXAMPLE", "000000000000")


def test_cors_preflight_is_answered_without_the_function_and_answers_carry_cors_headers(
        web: Web) -> None:
    url_id = create_url(web, Cors={
        "AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
        "AllowHeaders": ["x-token"], "ExposeHeaders": ["x-seen"], "MaxAge": 60})
    origin = {"Origin": "https://app.example"}

    preflight = web.client.options(f"/_simulator/url/{url_id}/", headers={
        **origin, "Access-Control-Request-Method": "POST"})
    allowed = web.client.get(f"/_simulator/url/{url_id}/", headers=origin)
    foreign = web.client.get(f"/_simulator/url/{url_id}/",
                             headers={"Origin": "https://evil.example"})

    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert preflight.headers["Access-Control-Allow-Headers"] == "x-token"
    assert preflight.headers["Access-Control-Max-Age"] == "60"
    assert len(web.events) == 2  # the two GETs; the preflight never reached the function
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert allowed.headers["Access-Control-Expose-Headers"] == "x-seen"
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert foreign.status_code == 200
