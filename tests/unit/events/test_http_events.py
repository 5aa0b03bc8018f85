"""HTTP events on plain data: the 1.0 and 2.0 event shapes, the answer mapped back to HTTP,
and CORS."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
)

from simulator.events.http_events import (
    Destination,
    HttpRequest,
    MalformedResponse,
    cors_headers,
    internal_error_response,
    is_text,
    preflight_response,
    request_time,
    response_from_v1,
    response_from_v2,
    throttled_response,
    v1_event,
    v2_event,
)

NOW = 1795762800.0  # 27 Nov 2026 07:00:00 UTC

REQUEST = HttpRequest(
    method="GET",
    path="/items/42",
    raw_query="tag=a&tag=b&q=x%20y&empty=",
    headers=[("Host", "localhost"), ("User-Agent", "curl/8"), ("X-Multi", "one"),
             ("X-Multi", "two"), ("Cookie", "session=abc; theme=dark")],
    source_ip="10.1.2.3",
    port=4570,
)
ROUTE = Destination(api_id="abc123", account_id="000000000000",
                    domain_name="abc123.execute-api.us-east-1.amazonaws.com",
                    route_key="GET /items/{id}", resource="/items/{id}",
                    path_parameters={"id": "42"}, request_id="req-1")


def answer(**fields: object) -> bytes:
    return json.dumps(fields).encode()


# -- events -------------------------------------------------------------------------------


def test_request_time_is_api_gateway_format() -> None:
    assert request_time(NOW) == "27/Nov/2026:07:00:00 +0000"


def test_v2_event_shape() -> None:
    event = v2_event(REQUEST, ROUTE, now=NOW)
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /items/{id}"
    assert event["rawPath"] == "/items/42"
    assert event["rawQueryString"] == "tag=a&tag=b&q=x%20y&empty="
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "x y", "empty": ""}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-multi"] == "one,two"
    assert event["headers"]["x-forwarded-for"] == "10.1.2.3"
    assert "cookie" not in event["headers"]
    assert all(key == key.lower() for key in event["headers"])
    assert event["pathParameters"] == {"id": "42"}
    assert "body" not in event and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {"method": "GET", "path": "/items/42", "protocol": "HTTP/1.1",
                               "sourceIp": "10.1.2.3", "userAgent": "curl/8"}
    assert context["time"] == "27/Nov/2026:07:00:00 +0000"
    assert context["timeEpoch"] == int(NOW * 1000)
    assert (context["apiId"], context["domainPrefix"], context["stage"]) == (
        "abc123", "abc123", "$default")
    assert "authorizer" not in context


def test_v2_raw_path_carries_a_named_stage() -> None:
    event = v2_event(REQUEST, Destination("abc123", "000000000000", "d", stage="prod"), now=NOW)
    assert event["rawPath"] == "/prod/items/42"
    assert event["requestContext"]["stage"] == "prod"


def test_v2_raw_path_is_as_the_client_wrote_it_and_the_context_path_decoded() -> None:
    written = replace(REQUEST, path="/a b/%x", raw_path="/a%20b/%25x",
                      headers=[*REQUEST.headers, ("Connection", "keep-alive")])
    quoted = replace(REQUEST, path="/a b")

    event = v2_event(written, ROUTE, now=NOW)

    assert (event["rawPath"], event["requestContext"]["http"]["path"]) == ("/a%20b/%25x",
                                                                           "/a b/%x")
    assert v2_event(quoted, ROUTE, now=NOW)["rawPath"] == "/a%20b"
    assert "connection" not in event["headers"]


def test_v1_event_shape() -> None:
    destination = Destination("abc123", "000000000000", "d", route_key="GET /items/{id}",
                              resource="/items/{id}", stage="prod",
                              path_parameters={"id": "42"})
    event = v1_event(REQUEST, destination, now=NOW)
    APIGatewayProxyEventModel.model_validate(event)
    assert (event["resource"], event["path"], event["httpMethod"]) == (
        "/items/{id}", "/items/42", "GET")
    assert event["headers"]["X-Multi"] == "two"
    assert event["multiValueHeaders"]["X-Multi"] == ["one", "two"]
    assert event["headers"]["Cookie"] == "session=abc; theme=dark"
    assert event["queryStringParameters"]["tag"] == "b"
    assert event["multiValueQueryStringParameters"]["tag"] == ["a", "b"]
    assert event["pathParameters"] == {"id": "42"}
    assert event["stageVariables"] is None and event["body"] is None
    context = event["requestContext"]
    assert context["path"] == "/prod/items/42"
    assert context["resourcePath"] == "/items/{id}"
    assert context["requestTimeEpoch"] == int(NOW * 1000)
    assert context["identity"]["sourceIp"] == "10.1.2.3"


def test_v1_event_without_query_or_parameters_has_nulls() -> None:
    bare = HttpRequest(method="POST", path="/", body=b'{"a": 1}',
                       headers=[("Content-Type", "application/json")])
    event = v1_event(bare, Destination("abc123", "000000000000", "d", resource="/"), now=NOW)
    APIGatewayProxyEventModel.model_validate(event)
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert (event["body"], event["isBase64Encoded"]) == ('{"a": 1}', False)


@pytest.mark.parametrize(("content_type", "body", "text"), [
    ("application/json", b"{}", True),
    ("text/plain; charset=utf-8", b"hi", True),
    ("application/vnd.api+json", b"{}", True),
    ("application/xml", b"<a/>", True),
    (None, b"plain", True),
    ("application/octet-stream", b"hi", False),
    ("image/png", b"\x89PNG", False),
    ("application/x-www-form-urlencoded", b"a=1", False),
    ("text/plain", b"\xff\xfe", False),
])
def test_is_text(content_type: str | None, body: bytes, text: bool) -> None:
    assert is_text(content_type, body) is text


def test_binary_body_is_base64() -> None:
    data = bytes(range(256))
    binary = HttpRequest(method="POST", path="/", body=data,
                         headers=[("Content-Type", "application/octet-stream")])
    event = v2_event(binary, ROUTE, now=NOW)
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == data


def test_function_url_event_carries_the_iam_authorizer() -> None:
    destination = Destination("u" * 32, "000000000000", "u.lambda-url.us-east-1.localhost",
                              authorizer={"iam": {"accessKey": "AKID"}})
    event = v2_event(REQUEST, destination, now=NOW)
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["routeKey"] == "$default"
    assert event["requestContext"]["authorizer"]["iam"]["accessKey"] == "AKID"
    assert "pathParameters" not in event


# -- answers ------------------------------------------------------------------------------


def test_v2_full_response() -> None:
    response = response_from_v2(answer(statusCode=201, headers={"X-A": "b", "X-N": 5},
                                       cookies=["a=1", "b=2; Path=/"], body="made"))
    assert response.status == 201
    assert ("X-A", "b") in response.headers and ("X-N", "5") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2; Path=/"]
    assert ("Content-Type", "application/json") in response.headers
    assert response.body == b"made"


@pytest.mark.parametrize("value, body", [
    ({"hello": "world"}, b'{"hello":"world"}'), ("text", b"text"), (42, b"42"), (3.1, b"3.1"),
    (True, b"true"), (["hello", 3, True], b'["hello",3,true]'), (None, b"null")])
def test_v2_bare_answer_is_200_json(value: object, body: bytes) -> None:
    response = response_from_v2(json.dumps(value).encode())
    assert response.status == 200
    assert response.headers == [("Content-Type", "application/json")]
    assert response.body == body


def test_v2_body_that_is_not_a_string_is_sent_as_json_by_a_function_url() -> None:
    payload = answer(statusCode=200, body={"args": {}, "data": "x"})
    assert response_from_v2(payload, json_body=True).body == b'{"args":{},"data":"x"}'
    with pytest.raises(MalformedResponse):
        response_from_v2(payload)


def test_v2_base64_body_is_decoded() -> None:
    data = b"\x00\x01binary"
    response = response_from_v2(answer(statusCode=200, isBase64Encoded=True,
                                       headers={"content-type": "image/png"},
                                       body=base64.b64encode(data).decode()))
    assert response.body == data
    assert response.headers == [("content-type", "image/png")]


def test_hop_by_hop_headers_are_dropped() -> None:
    response = response_from_v2(answer(statusCode=200, headers={"Content-Length": "999"},
                                       body="x"))
    assert not any(key.lower() == "content-length" for key, _ in response.headers)


def test_v1_response_merges_multi_value_headers() -> None:
    response = response_from_v1(answer(
        statusCode=302, headers={"Location": "/next", "Set-Cookie": "ignored=1"},
        multiValueHeaders={"Set-Cookie": ["a=1", "b=2"]}, body=None))
    assert response.status == 302
    assert ("Location", "/next") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.body == b""


@pytest.mark.parametrize("payload", [
    answer(body="no status"),
    answer(statusCode="abc"),
    answer(statusCode=200, body={"not": "a string"}),
    answer(statusCode=200, isBase64Encoded=True, body="***"),
    answer(statusCode=200, multiValueHeaders={"A": "not a list"}),
    b"not json",
])
def test_malformed_v1_answers(payload: bytes) -> None:
    with pytest.raises(MalformedResponse):
        response_from_v1(payload)


def test_v2_malformed_cookies() -> None:
    with pytest.raises(MalformedResponse):
        response_from_v2(answer(statusCode=200, cookies="a=1"))


def test_gateway_answers_for_errors_and_throttles() -> None:
    assert internal_error_response("2.0").status == 502
    assert json.loads(internal_error_response("2.0").body) == {
        "message": "Internal Server Error"}
    assert json.loads(internal_error_response("1.0", 500).body) == {
        "message": "Internal server error"}
    assert throttled_response("1.0").status == 429
    assert throttled_response("2.0").status == 503


def test_cors() -> None:
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"],
            "AllowHeaders": ["x-custom"], "ExposeHeaders": ["x-out"], "MaxAge": 60,
            "AllowCredentials": True}
    assert cors_headers(cors, "https://elsewhere.example") == []
    assert dict(cors_headers(cors, "https://app.example")) == {
        "Access-Control-Allow-Origin": "https://app.example",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Expose-Headers": "x-out",
    }
    preflight = dict(preflight_response(cors, "https://app.example").headers)
    assert preflight["Access-Control-Allow-Methods"] == "GET,POST"
    assert preflight["Access-Control-Max-Age"] == "60"
    assert dict(cors_headers({"AllowOrigins": ["*"]}, "https://any.example")) == {
        "Access-Control-Allow-Origin": "*"}
