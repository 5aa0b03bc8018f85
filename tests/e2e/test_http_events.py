"""HTTP event sources through real HTTP: API routes (2.0 and 1.0 payloads) and function URLs,
configured with boto3 and called with `requests` and curl, on both executors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import requests
from aws_lambda_powertools.utilities.parser.models import (
    APIGatewayProxyEventModel,
    APIGatewayProxyEventV2Model,
    LambdaFunctionUrlModel,
)
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client

ECHO = """
import base64, json
def handler(event, context):
    mode = (event.get("queryStringParameters") or {}).get("mode")
    if mode == "error":
        raise RuntimeError("boom")
    if mode == "bare":
        return {"bare": True}
    if mode == "binary":
        body = event["body"] if event["isBase64Encoded"] else base64.b64encode(
            event["body"].encode()).decode()
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                "isBase64Encoded": True, "body": body}
    if event.get("version") == "2.0":
        return {"statusCode": 201, "headers": {"X-Route": event["routeKey"]},
                "cookies": ["a=1", "b=2; Path=/"], "body": json.dumps(event)}
    return {"statusCode": 202, "headers": {"X-Resource": event["resource"]},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}, "body": json.dumps(event)}
"""


@pytest.fixture(scope="module")
def echo(server: SimulatorServer) -> str:
    """The echo function, routed as API `shop` (2.0, `$default` stage) and `legacy` (1.0,
    stage `prod`)."""
    name = create_function(lambda_client(server.url), ECHO)
    for api, stage, version, keys in [
        ("shop", "$default", "2.0", ["GET /items/{id}", "GET /items/special", "ANY /{proxy+}",
                                     "$default"]),
        ("legacy", "prod", "1.0", ["ANY /orders/{id}", "POST /upload"]),
    ]:
        for key in keys:
            response = requests.post(f"{server.url}/_simulator/http/routes", json={
                "apiId": api, "routeKey": key, "functionName": name,
                "payloadFormatVersion": version, "stage": stage})
            assert response.status_code == 201, response.text
    return name


def shop(server: SimulatorServer) -> str:
    return f"{server.url}/_simulator/http/shop/$default"


def legacy(server: SimulatorServer) -> str:
    return f"{server.url}/_simulator/http/legacy/prod"


def set_cookies(response: requests.Response) -> list[str]:
    return response.raw.headers.getlist("Set-Cookie")


def test_v2_route_event(server: SimulatorServer, echo: str) -> None:
    response = requests.get(f"{shop(server)}/items/42?tag=a&tag=b&q=x%20y",
                            headers={"X-Custom": "yes", "Cookie": "session=abc; theme=dark"})
    assert response.status_code == 201
    assert response.headers["X-Route"] == "GET /items/{id}"
    assert set_cookies(response) == ["a=1", "b=2; Path=/"]
    event = response.json()
    APIGatewayProxyEventV2Model.model_validate(event)
    assert event["rawPath"] == "/items/42"
    assert event["rawQueryString"] == "tag=a&tag=b&q=x%20y"
    assert event["queryStringParameters"] == {"tag": "a,b", "q": "x y"}
    assert event["pathParameters"] == {"id": "42"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-custom"] == "yes" and "cookie" not in event["headers"]
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["routeKey"] == "GET /items/{id}"


@pytest.mark.parametrize(("method", "path", "route_key", "parameters"), [
    ("GET", "/items/special", "GET /items/special", None),
    ("POST", "/items/7", "ANY /{proxy+}", {"proxy": "items/7"}),
    ("DELETE", "/a/b/c", "ANY /{proxy+}", {"proxy": "a/b/c"}),
    ("GET", "/", "$default", None),
])
def test_most_specific_route_and_greedy_proxy(server: SimulatorServer, echo: str, method: str,
                                              path: str, route_key: str,
                                              parameters: dict[str, str] | None) -> None:
    event = requests.request(method, f"{shop(server)}{path}").json()
    assert (event["routeKey"], event.get("pathParameters")) == (route_key, parameters)


def test_v1_route_event(server: SimulatorServer, echo: str) -> None:
    response = requests.put(f"{legacy(server)}/orders/9?tag=a&tag=b",
                            json={"n": 1}, headers={"X-Custom": "yes"})
    assert response.status_code == 202
    assert response.headers["X-Resource"] == "/orders/{id}"
    assert set_cookies(response) == ["a=1", "b=2"]
    event = response.json()
    APIGatewayProxyEventModel.model_validate(event)
    assert (event["resource"], event["path"], event["httpMethod"]) == (
        "/orders/{id}", "/orders/9", "PUT")
    assert event["requestContext"]["path"] == "/prod/orders/9"
    assert event["requestContext"]["stage"] == "prod"
    assert event["queryStringParameters"] == {"tag": "b"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"]}
    assert event["headers"]["X-Custom"] == "yes"
    assert json.loads(event["body"]) == {"n": 1} and event["isBase64Encoded"] is False


@pytest.mark.parametrize("api", [shop, legacy])
def test_binary_body_round_trip(server: SimulatorServer, echo: str, api: Any) -> None:
    data = bytes(range(256)) * 4
    response = requests.post(f"{api(server)}/upload?mode=binary", data=data,
                             headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.content == data


def test_bare_answers_errors_and_what_is_missing(server: SimulatorServer, echo: str) -> None:
    bare = requests.get(f"{shop(server)}/anything?mode=bare")
    assert (bare.status_code, bare.headers["Content-Type"], bare.json()) == (
        200, "application/json", {"bare": True})
    failed = requests.get(f"{shop(server)}/anything?mode=error")
    assert (failed.status_code, failed.json()) == (502, {"message": "Internal Server Error"})
    failed = requests.get(f"{legacy(server)}/orders/1?mode=error")
    assert (failed.status_code, failed.json()) == (502, {"message": "Internal server error"})
    assert requests.get(f"{legacy(server)}/nowhere").status_code == 404
    requests.post(f"{server.url}/_simulator/http/routes", json={
        "apiId": "orphan", "routeKey": "$default", "functionName": "no-such-function"}
    ).raise_for_status()
    orphan = requests.get(f"{server.url}/_simulator/http/orphan/$default/")
    assert (orphan.status_code, orphan.json()) == (500, {"message": "Internal Server Error"})
    assert requests.get(f"{server.url}/_simulator/http/nope/$default/x").status_code == 404


def test_throttled_function(server: SimulatorServer, client: Any) -> None:
    name = create_function(client, ECHO)
    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    for version, status in [("2.0", 503), ("1.0", 429)]:
        requests.post(f"{server.url}/_simulator/http/routes", json={
            "apiId": f"throttled{version[0]}", "routeKey": "$default", "functionName": name,
            "payloadFormatVersion": version}).raise_for_status()
        response = requests.get(f"{server.url}/_simulator/http/throttled{version[0]}/$default/")
        assert response.status_code == status


def test_route_table_api(server: SimulatorServer, echo: str) -> None:
    listed = requests.get(f"{server.url}/_simulator/http/routes").json()["routes"]
    assert {"apiId": "legacy", "stage": "prod", "routeKey": "POST /upload", "functionName": echo,
            "payloadFormatVersion": "1.0",
            "url": f"{server.url}/_simulator/http/legacy/prod/"} in listed
    bad = requests.post(f"{server.url}/_simulator/http/routes", json={
        "apiId": "x", "routeKey": "GET /{proxy+}/tail", "functionName": echo})
    assert bad.status_code == 400
    requests.post(f"{server.url}/_simulator/http/routes", json={
        "apiId": "gone", "routeKey": "$default", "functionName": echo}).raise_for_status()
    assert requests.delete(f"{server.url}/_simulator/http/routes/gone").status_code == 204
    assert requests.get(f"{server.url}/_simulator/http/gone/$default/").status_code == 404


# -- function URLs ------------------------------------------------------------------------


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_function_url_config_crud(client: Any, echo: str) -> None:
    created = client.create_function_url_config(FunctionName=echo, AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["FunctionArn"].endswith(f":function:{echo}")
    # As AWS answers a create that names no InvokeMode: without it (GetFunctionUrlConfig
    # says BUFFERED).
    assert created["AuthType"] == "NONE" and "InvokeMode" not in created
    assert "/_simulator/url/" in created["FunctionUrl"]
    with pytest.raises(ClientError) as conflict:
        client.create_function_url_config(FunctionName=echo, AuthType="NONE")
    assert error_code(conflict) == "ResourceConflictException"

    fetched = client.get_function_url_config(FunctionName=echo)
    assert fetched["FunctionUrl"] == created["FunctionUrl"]
    assert fetched["CreationTime"] == created["CreationTime"] and fetched["LastModifiedTime"]

    updated = client.update_function_url_config(
        FunctionName=echo, AuthType="AWS_IAM", InvokeMode="RESPONSE_STREAM",
        Cors={"AllowOrigins": ["https://app.example"], "MaxAge": 60})
    assert (updated["AuthType"], updated["InvokeMode"]) == ("AWS_IAM", "RESPONSE_STREAM")
    assert updated["Cors"] == {"AllowOrigins": ["https://app.example"], "MaxAge": 60}
    listed = client.list_function_url_configs(FunctionName=echo)["FunctionUrlConfigs"]
    assert [config["FunctionUrl"] for config in listed] == [created["FunctionUrl"]]

    for bad in [{"AuthType": "BOGUS"}, {"Cors": {"MaxAge": 100000}},
                {"InvokeMode": "SOMETIMES"}]:
        with pytest.raises(ClientError) as invalid:
            client.update_function_url_config(FunctionName=echo, **bad)
        assert error_code(invalid) == "ValidationException"

    client.delete_function_url_config(FunctionName=echo)
    for call in (client.get_function_url_config, client.delete_function_url_config):
        with pytest.raises(ClientError) as missing:
            call(FunctionName=echo)
        assert error_code(missing) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as no_function:
        client.create_function_url_config(FunctionName="no-such-function", AuthType="NONE")
    assert error_code(no_function) == "ResourceNotFoundException"


def curl(url: str, tmp_path: Path, *options: str) -> tuple[int, str, bytes]:
    """Status, raw response headers and body of `curl -s url`."""
    headers, body = tmp_path / "headers.txt", tmp_path / "body.bin"
    status = subprocess.run(["curl", "-s", "-D", str(headers), "-o", str(body),
                             "-w", "%{http_code}", *options, url],
                            capture_output=True, text=True, timeout=60, check=True).stdout
    return int(status), headers.read_text(), body.read_bytes()


def test_function_url_with_curl(server: SimulatorServer, client: Any, echo: str,
                                tmp_path: Path) -> None:
    url = client.create_function_url_config(
        FunctionName=echo, AuthType="NONE",
        Cors={"AllowOrigins": ["https://app.example"], "AllowMethods": ["POST"]})["FunctionUrl"]
    try:
        status, headers, body = curl(f"{url}orders/7?tag=a&tag=b", tmp_path, "-X", "POST",
                                     "-H", "Content-Type: application/json",
                                     "-H", "Origin: https://app.example",
                                     "-b", "session=abc", "--data-binary", '{"n": 1}')
        assert status == 201
        assert "access-control-allow-origin: https://app.example" in headers.lower()
        event = json.loads(body)
        LambdaFunctionUrlModel.model_validate(event)
        url_id = url.rstrip("/").rsplit("/", 1)[1]
        assert (event["routeKey"], event["rawPath"]) == ("$default", "/orders/7")
        assert event["requestContext"]["apiId"] == url_id
        assert event["requestContext"]["domainPrefix"] == url_id
        assert event["requestContext"]["domainName"] == "127.0.0.1"
        assert "authorizer" not in event["requestContext"]
        assert event["queryStringParameters"] == {"tag": "a,b"}
        assert event["cookies"] == ["session=abc"]
        assert event["body"] == '{"n": 1}'

        host = f"{url_id}.lambda-url.us-east-1.localhost"
        status, _, body = curl(f"http://{host}:{server.simulator.settings.port}/x?mode=bare",
                               tmp_path)
        assert (status, json.loads(body)) == (200, {"bare": True})
        status, _, body = curl(f"http://{host}:{server.simulator.settings.port}/deep/path",
                               tmp_path)
        event = json.loads(body)
        assert (event["rawPath"], event["requestContext"]["domainName"]) == ("/deep/path", host)

        status, headers, _ = curl(url, tmp_path, "-X", "OPTIONS",
                                  "-H", "Origin: https://app.example",
                                  "-H", "Access-Control-Request-Method: POST")
        assert status == 200 and "access-control-allow-methods: post" in headers.lower()
        status, _, body = curl(f"{url}?mode=error", tmp_path)
        assert (status, body) == (502, b"Internal Server Error")

        client.update_function_url_config(FunctionName=echo, AuthType="AWS_IAM")
        status, _, _ = curl(url, tmp_path)
        assert status == 403
    finally:
        client.delete_function_url_config(FunctionName=echo)
    status, _, _ = curl(url, tmp_path)
    assert status == 403  # AWS: AccessDeniedException, even for a URL that is gone


def test_iam_function_url_accepts_signed_requests(server: SimulatorServer, client: Any,
                                                  echo: str) -> None:
    url = client.create_function_url_config(FunctionName=echo, AuthType="AWS_IAM")["FunctionUrl"]
    try:
        signed = AWSRequest(method="GET", url=f"{url}whoami")
        SigV4Auth(Credentials("AKIDLOCAL", "secret"), "lambda", "us-east-1").add_auth(signed)
        response = requests.get(signed.url, headers=dict(signed.headers))
        assert response.status_code == 201
        iam = response.json()["requestContext"]["authorizer"]["iam"]
        assert iam["accessKey"] == "AKIDLOCAL"
    finally:
        client.delete_function_url_config(FunctionName=echo)
