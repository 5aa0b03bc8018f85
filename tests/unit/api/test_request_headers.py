"""Request heads read without the email package: the same headers, limits and connection
handling as http.server's own parsing."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from simulator.api.request_headers import MAX_HEADERS, QuickHeadParsing, RequestHeaders


class _Echo(QuickHeadParsing, BaseHTTPRequestHandler):
    """Answers with the headers it read, as a JSON list of pairs."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps([self.command, self.path, list(self.headers.items())]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815


@pytest.fixture
def address() -> Iterator[tuple[str, int]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_address[:2]
    server.shutdown()
    server.server_close()


def exchange(address: tuple[str, int], *requests: bytes) -> list[tuple[int, bytes]]:
    """Send each request on one connection; (status, body) of each answer read."""
    answers = []
    with socket.create_connection(address, timeout=5) as connection:
        reader = connection.makefile("rb")
        for request in requests:
            connection.sendall(request)
            status_line = reader.readline()
            if not status_line:
                break
            headers = {}
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = reader.read(int(headers.get("content-length", 0)))
            answers.append((int(status_line.split()[1]), body))
    return answers


def test_headers_are_read_in_order_with_repeats(address: tuple[str, int]) -> None:
    [(status, body)] = exchange(address, b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\n"
                                         b"X-One:  spaced value \r\nX-One: again\r\n\r\n")
    assert status == 200
    assert json.loads(body) == ["GET", "/a?b=1", [["Host", "x"], ["X-One", "spaced value"],
                                                  ["X-One", "again"]]]


def test_a_kept_alive_connection_serves_the_next_request(address: tuple[str, int]) -> None:
    request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    assert [status for status, _ in exchange(address, request, request)] == [200, 200]


def test_connection_close_ends_the_connection(address: tuple[str, int]) -> None:
    closing = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    assert len(exchange(address, closing, closing)) == 1


def test_http_1_0_closes_after_one_answer(address: tuple[str, int]) -> None:
    request = b"GET / HTTP/1.0\r\n\r\n"
    assert len(exchange(address, request, request)) == 1


def test_a_double_slash_path_is_reduced(address: tuple[str, int]) -> None:
    [(_, body)] = exchange(address, b"GET //evil.example/x HTTP/1.1\r\nHost: x\r\n\r\n")
    assert json.loads(body)[1] == "/evil.example/x"


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS + 1))
     + b"\r\n", 431),
    (b"GET / HTTP/1.1\r\nX-Long: " + b"v" * 70_000 + b"\r\n\r\n", 431),
    (b"GET / HTTP/1.1\r\nX-Folded: a\r\n  b\r\n\r\n", 400),
    (b"GET / HTTP/2.0\r\n\r\n", 505),
    (b"GET / HTTX/1.1\r\n\r\n", 400),
    (b"GET /\r\n\r\n", 400),
    (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
])
def test_bad_heads_get_http_servers_errors(address: tuple[str, int], request_bytes: bytes,
                                           status: int) -> None:
    assert exchange(address, request_bytes)[0][0] == status


def test_expect_100_continue_is_answered_before_the_body(address: tuple[str, int]) -> None:
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                           b"Expect: 100-continue\r\n\r\n")
        reader = connection.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.1 100")
        assert reader.readline() == b"\r\n"
        connection.sendall(b"{}")
        assert reader.readline().startswith(b"HTTP/1.1 200")


def test_a_line_without_a_colon_is_skipped(address: tuple[str, int]) -> None:
    [(status, body)] = exchange(address, b"GET / HTTP/1.1\r\nnonsense\r\nHost: x\r\n\r\n")
    assert status == 200 and json.loads(body)[2] == [["Host", "x"]]


def test_headers_are_looked_up_as_http_client_looks_them_up() -> None:
    headers = RequestHeaders()
    head = [("Content-Type", "text/plain"), ("X-One", "first"), ("x-one", "second")]
    message = HTTPMessage()
    for name, value in head:
        headers.add(name, value)
        message[name] = value

    for name in ("content-type", "X-ONE", "x-one", "Missing"):
        assert headers.get(name) == message.get(name)
        assert headers[name] == message[name]
        assert (name in headers) == (name in message)
        assert headers.get_all(name) == message.get_all(name)
    assert headers.get("Missing", "default") == "default"
    assert headers.items() == message.items()
    assert list(headers) == list(message) and len(headers) == len(message)
    assert str(headers) == str(message)
