"""The server's side of HTTP/1.1 as boto3 and other clients use it: connections kept alive
between requests, bodies sent in chunks, `Expect: 100-continue`, and a refused oversize body
whose 413 the client can still read; past the bound on connections, AWS's throttling error."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, eventually, lambda_client, running_server

ECHO = """
def handler(event, context):
    return event
"""


def connect(server: SimulatorServer) -> http.client.HTTPConnection:
    address = urlsplit(server.url)
    return http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)


def invoke_path(name: str) -> str:
    return f"/2015-03-31/functions/{name}/invocations"


def test_one_connection_carries_many_invokes(process_server: SimulatorServer) -> None:
    name = create_function(lambda_client(process_server.url), ECHO)
    connection = connect(process_server)
    sockets = set()
    for number in range(3):
        connection.request("POST", invoke_path(name), body=json.dumps({"n": number}))
        response = connection.getresponse()
        assert json.loads(response.read()) == {"n": number}
        assert response.getheader("Connection") != "close"
        assert connection.sock is not None
        sockets.add(connection.sock.getsockname())
    assert len(sockets) == 1, "the server closed the connection between requests"


def test_a_chunked_body_reaches_the_handler_whole(process_server: SimulatorServer) -> None:
    name = create_function(lambda_client(process_server.url), ECHO)
    connection = connect(process_server)
    connection.request("POST", invoke_path(name), body=iter([b'{"chunked"', b": true}"]),
                       encode_chunked=True)
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read()) == {"chunked": True}


def test_expect_continue_gets_exactly_one_interim_answer(process_server: SimulatorServer) -> None:
    name = create_function(lambda_client(process_server.url), ECHO)
    address = urlsplit(process_server.url)
    body = b'{"expect": 1}'
    with socket.create_connection((address.hostname, address.port), timeout=30) as raw:
        raw.sendall(f"POST {invoke_path(name)} HTTP/1.1\r\nHost: x\r\n"
                    f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n"
                    "Connection: close\r\n\r\n".encode())
        raw.sendall(body)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    assert answer.count(b"100 Continue") == 1
    assert answer.endswith(body)


def test_an_oversize_payload_is_refused_readably_and_the_connection_goes_on(
        process_server: SimulatorServer) -> None:
    name = create_function(lambda_client(process_server.url), ECHO)
    connection = connect(process_server)
    connection.request("POST", invoke_path(name), body=b'"' + b"x" * (7 * 1024 * 1024) + b'"')
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["Type"] == "User"
    connection.request("POST", invoke_path(name), body=b'{"after": 1}')
    assert json.loads(connection.getresponse().read()) == {"after": 1}


def test_boto3_sees_aws_throttling_past_the_connection_bound(tmp_path: Path) -> None:
    with running_server(tmp_path / "state", "process", max_connections=2) as server:
        port = int(server.url.rsplit(":", 1)[1])
        held = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(2)]
        for connection in held:
            connection.request("GET", "/2015-03-31/functions/")
            connection.getresponse().read()
        client = boto3.client("lambda", endpoint_url=server.url, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test",
                              config=Config(retries={"max_attempts": 1}))

        with pytest.raises(ClientError) as throttled:
            client.list_functions()
        for connection in held:
            connection.close()

        assert throttled.value.response["Error"]["Code"] == "TooManyRequestsException"
        assert throttled.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
        assert eventually(lambda: _lists(client), timeout=5)


def _lists(client: Any) -> bool:
    try:
        return "Functions" in client.list_functions()
    except ClientError:
        return False

