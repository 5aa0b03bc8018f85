"""The server's side of HTTP/1.1 as boto3 and other clients use it: connections kept alive
between requests, bodies sent in chunks, `Expect: 100-continue`, and a refused oversize body
whose 413 the client can still read."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlsplit

from simulator.http_server import SimulatorServer
from tests.helpers import create_function, lambda_client

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
