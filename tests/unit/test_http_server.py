"""The HTTP server a simulator runs on, served on a loopback port with a small WSGI app in
place of the simulator's: connections kept alive across requests (an unread body drained),
chunked bodies, `Expect: 100-continue`, answers without a body, answers streamed as they are
produced, an application that fails, clients that drop the connection, and the second
listener functions in containers call."""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from simulator.config import Settings
from simulator.executors.fake import FakeExecutor
from simulator.http_server import SERVER_ERROR, SimulatorServer, http_date
from tests.helpers import eventually

StartResponse = Callable[..., Any]


class Closing:
    """A WSGI answer with a close() the server must call."""

    def __init__(self, chunks: list[bytes], closed: threading.Event,
                 hold: threading.Event | None = None) -> None:
        self._chunks = chunks
        self._closed = closed
        self._hold = hold

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        if self._hold is not None:
            self._hold.wait(5)
        self._closed.set()


@dataclass
class App:
    """The WSGI application under the server: a route per behaviour to serve."""

    read_errors: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    closed: threading.Event = field(default_factory=threading.Event)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse
                 ) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        if path == "/echo":
            try:
                body = environ["wsgi.input"].read()
            except Exception as error:
                self.read_errors.append(type(error).__name__)
                raise
            answer = {"body": body.decode(), "port": environ["REMOTE_PORT"],
                      "method": environ["REQUEST_METHOD"]}
            return self._json(start_response, answer)
        if path == "/ignore":
            return self._json(start_response, {"port": environ["REMOTE_PORT"]})
        if path == "/no-content":
            start_response("204 No Content", [("Content-Length", "11")])
            return [b"not for you"]
        if path == "/head":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
            return [b"hello"]
        if path == "/odd-headers":
            start_response("200 OK", [("Content-Length", "999"), ("Connection", "keep-alive"),
                                      ("Transfer-Encoding", "chunked"), ("X-Kept", "yes")])
            return [b"abc"]
        if path == "/write":
            write = start_response("200 OK", [("Content-Type", "text/plain")])
            write(b"written, ")
            return [b"then ", b"returned"]
        if path == "/closing":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return Closing([b"closed after"], self.closed)
        if path == "/closing-slowly":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return Closing([b"answered first"], self.closed, hold=self.release)
        if path == "/slow":
            self.release.wait(5)
            self.finished.set()
            return self._json(start_response, {"slow": True})
        if path == "/boom":
            raise RuntimeError("the application broke")
        if path in ("/stream", "/stream-breaks"):
            start_response("200 OK", [("Content-Type", "text/plain"),
                                      ("Transfer-Encoding", "chunked")])
            return self._streamed(breaks=path == "/stream-breaks")
        start_response("404 Not Found", [])
        return [b""]

    def _streamed(self, breaks: bool) -> Iterator[bytes]:
        """A chunk, then (once released) another, or a failure in the middle."""
        try:
            yield b"first"
            self.release.wait(5)
            if breaks:
                raise RuntimeError("the application broke while streaming")
            yield b""  # nothing to send: no chunk, which would end the body
            yield b"second"
        finally:
            self.closed.set()

    @staticmethod
    def _json(start_response: StartResponse, answer: dict[str, Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(answer).encode()]


class Pool:
    function_endpoint = ""


@dataclass
class StubSimulator:
    """What the server uses of a simulator."""

    wsgi_app: App
    executor: FakeExecutor
    settings: Settings = field(default_factory=lambda: Settings(host="127.0.0.1", port=0))
    pool: Pool = field(default_factory=Pool)
    closed: bool = False
    planes_restored: bool = False

    def restore_planes(self) -> None:
        self.planes_restored = True

    def close(self) -> None:
        self.closed = True


class OtherHostExecutor(FakeExecutor):
    """Runtimes that reach the host on another address, as containers do."""

    def runtime_api_host(self) -> str:
        return "127.0.0.2"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SimulatorServer, StubSimulator]]:
    simulator = StubSimulator(App(), FakeExecutor())
    server = SimulatorServer(simulator).start()  # type: ignore[arg-type]
    yield server, simulator
    simulator.wsgi_app.release.set()
    server.stop()


@pytest.fixture
def app(served: tuple[SimulatorServer, StubSimulator]) -> Iterator[App]:
    """The served app, as new for each test."""
    app = served[1].wsgi_app
    yield app
    app.release.set()  # no request is left waiting
    app.read_errors.clear()
    for event in (app.release, app.finished, app.closed):
        event.clear()


@pytest.fixture
def port(served: tuple[SimulatorServer, StubSimulator], app: App) -> int:
    return served[1].settings.port


def connect(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=5)


def raw(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    return sock


def read_response(sock: socket.socket) -> tuple[str, dict[str, str], bytes]:
    """One response from a raw socket: status line, headers (lower-cased), body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in
               (line.partition(":") for line in lines)}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk, "connection closed inside the body"
        rest += chunk
    return status, headers, rest


def closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


# -- keep-alive --------------------------------------------------------------------------------

def test_requests_share_one_connection(port: int) -> None:
    connection = connect(port)

    connection.request("POST", "/echo", body=b"first")
    first = connection.getresponse()
    first_body = json.loads(first.read())
    connection.request("POST", "/echo", body=b"second")
    second_body = json.loads(connection.getresponse().read())

    assert first.version == 11
    assert first.getheader("Connection") is None
    assert (first_body["body"], second_body["body"]) == ("first", "second")
    assert first_body["port"] == second_body["port"]  # the same client socket


def test_a_body_the_app_left_unread_is_drained_and_the_connection_kept(port: int) -> None:
    connection = connect(port)

    connection.request("POST", "/ignore", body=b"x" * 200_000)
    ignored = json.loads(connection.getresponse().read())
    connection.request("POST", "/echo", body=b"next request")
    echoed = json.loads(connection.getresponse().read())

    assert echoed["body"] == "next request"
    assert echoed["port"] == ignored["port"]


def test_a_client_asking_to_close_gets_its_connection_closed(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"GET /ignore HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    status, headers, _ = read_response(sock)

    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert closed_by_server(sock)


def test_an_http_1_0_client_is_answered_and_closed(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"GET /ignore HTTP/1.0\r\n\r\n")

    status, headers, body = read_response(sock)

    assert status.endswith("200 OK")
    assert json.loads(body)["port"]
    assert closed_by_server(sock)


# -- bodies in and out ---------------------------------------------------------------------------

def test_a_chunked_body_is_read_whole_and_the_connection_then_closed(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                 b"5\r\nhello\r\n7\r\n chunks\r\n0\r\n\r\n")

    status, headers, body = read_response(sock)

    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["body"] == "hello chunks"
    assert headers["connection"] == "close"
    assert closed_by_server(sock)


def test_expect_100_continue_is_answered_before_the_body_is_sent(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                 b"Expect: 100-continue\r\n\r\n")

    interim = sock.recv(1024)
    sock.sendall(b"late")
    status, _, body = read_response(sock)

    assert interim.startswith(b"HTTP/1.1 100 Continue\r\n")
    assert status == "HTTP/1.1 200 OK"
    assert json.loads(body)["body"] == "late"


def test_a_204_carries_no_body_whatever_the_app_returns(port: int) -> None:
    connection = connect(port)

    connection.request("GET", "/no-content")
    response = connection.getresponse()
    content = response.read()
    connection.request("POST", "/echo", body=b"after")

    assert (response.status, content) == (204, b"")
    assert json.loads(connection.getresponse().read())["body"] == "after"


def test_a_head_answer_keeps_the_declared_length_and_sends_no_body(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"HEAD /head HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    deadline = time.monotonic() + 5
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        data += sock.recv(4096)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
    _, _, next_body = read_response(sock)

    head, _, extra = data.partition(b"\r\n\r\n")
    assert b"Content-Length: 5" in head
    assert extra == b""
    assert json.loads(next_body)["body"] == "ok"


def test_framing_headers_are_the_server_s_and_others_are_kept(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"GET /odd-headers HTTP/1.1\r\nHost: x\r\n\r\n")

    status, headers, body = read_response(sock)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnext")
    _, _, next_body = read_response(sock)

    assert (status, body) == ("HTTP/1.1 200 OK", b"abc")
    assert headers["content-length"] == "3"
    assert "transfer-encoding" not in headers
    assert "connection" not in headers
    assert headers["x-kept"] == "yes"
    assert "date" in headers
    assert json.loads(next_body)["body"] == "next"


def test_what_the_app_writes_comes_before_what_it_returns(port: int) -> None:
    connection = connect(port)

    connection.request("GET", "/write")

    assert connection.getresponse().read() == b"written, then returned"


def test_the_answer_s_close_is_called(app: App, port: int) -> None:
    connection = connect(port)

    connection.request("GET", "/closing")

    assert connection.getresponse().read() == b"closed after"
    assert app.closed.wait(5)


def test_the_answer_is_out_before_its_close_runs(app: App, port: int) -> None:
    """What an application leaves for close() (the invoke's bookkeeping) is not waited for."""
    connection = connect(port)

    connection.request("GET", "/closing-slowly")

    assert connection.getresponse().read() == b"answered first"
    assert not app.closed.is_set()
    app.release.set()
    assert app.closed.wait(5)


def test_a_close_that_fails_after_the_answer_leaves_the_connection_serving(
        app: App, port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_close(self: Closing) -> None:
        raise RuntimeError("bookkeeping failed")

    monkeypatch.setattr(Closing, "close", failing_close)
    connection = connect(port)
    connection.request("GET", "/closing")
    assert connection.getresponse().read() == b"closed after"

    connection.request("POST", "/echo", body=b"still here")
    assert json.loads(connection.getresponse().read())["body"] == "still here"


# -- streamed answers -------------------------------------------------------------------------

def read_until(sock: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed after {data!r}"
        data += chunk
    return data


def test_a_chunked_answer_is_sent_as_the_application_produces_it(app: App, port: int) -> None:
    sock = raw(port)
    sock.sendall(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")

    head = read_until(sock, b"first\r\n")  # before the application has the second chunk
    app.release.set()
    rest = read_until(sock, b"0\r\n\r\n")
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nnext")
    _, _, next_body = read_response(sock)

    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nTransfer-Encoding: chunked\r\n" in head
    assert b"Content-Length" not in head
    assert head.endswith(b"\r\n\r\n5\r\nfirst\r\n")
    assert rest == b"6\r\nsecond\r\n0\r\n\r\n"
    assert app.closed.is_set()
    assert json.loads(next_body)["body"] == "next"  # the connection is kept


def test_an_http_1_0_client_gets_a_streamed_answer_as_plain_bytes(app: App, port: int) -> None:
    app.release.set()
    sock = raw(port)
    sock.sendall(b"GET /stream HTTP/1.0\r\n\r\n")

    data = b""
    while chunk := sock.recv(65536):
        data += chunk

    head, _, body = data.partition(b"\r\n\r\n")
    assert b"Connection: close" in head and b"Transfer-Encoding" not in head
    assert body == b"firstsecond"


def test_an_application_failing_midway_leaves_the_body_unfinished(app: App, port: int) -> None:
    app.release.set()
    sock = raw(port)
    sock.sendall(b"GET /stream-breaks HTTP/1.1\r\nHost: x\r\n\r\n")

    data = b""
    while chunk := sock.recv(65536):
        data += chunk

    assert data.endswith(b"\r\n\r\n5\r\nfirst\r\n")  # no last chunk: the client can tell
    assert app.closed.is_set()
    again = connect(port)
    again.request("POST", "/echo", body=b"still here")
    assert json.loads(again.getresponse().read())["body"] == "still here"


# -- failures ----------------------------------------------------------------------------------

def test_an_application_error_is_a_500_service_exception_and_the_server_goes_on(
        port: int) -> None:
    connection = connect(port)

    connection.request("GET", "/boom")
    response = connection.getresponse()
    body = response.read()

    assert response.status == 500
    assert response.getheader("X-Amzn-ErrorType") == "ServiceException"
    assert response.getheader("Connection") == "close"
    assert body == SERVER_ERROR
    assert json.loads(body)["Type"] == "Service"
    again = connect(port)
    again.request("POST", "/echo", body=b"still here")
    assert json.loads(again.getresponse().read())["body"] == "still here"


def test_a_client_that_drops_in_the_middle_of_its_body_does_not_stop_the_server(
        app: App, port: int) -> None:
    sock = raw(port)
    sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly part")
    sock.close()

    assert eventually(lambda: app.read_errors == ["ClientDisconnected"])
    connection = connect(port)
    connection.request("POST", "/echo", body=b"next client")
    assert json.loads(connection.getresponse().read())["body"] == "next client"


def test_a_client_that_leaves_before_its_answer_does_not_stop_the_server(app: App,
                                                                        port: int) -> None:
    sock = raw(port)
    sock.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.05)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # a reset, as a client that gave up

    app.release.set()

    assert app.finished.wait(5)
    connection = connect(port)
    connection.request("POST", "/echo", body=b"next client")
    assert json.loads(connection.getresponse().read())["body"] == "next client"


def test_a_body_too_large_to_drain_closes_the_connection(port: int) -> None:
    sock = raw(port)
    sock.sendall(b"POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 90000000\r\n\r\n"
                 + b"x" * 1000)

    status, headers, _ = read_response(sock)
    sock.settimeout(5)
    closed = closed_by_server(sock)  # at once: the rest of the body is never read
    sock.close()

    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert closed


def test_a_client_gone_before_the_body_it_announced_leaves_nothing_on_stderr(
        port: int, capfd: pytest.CaptureFixture[str]) -> None:
    sock = raw(port)
    sock.sendall(b"POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(5)
    read_response(sock)
    sock.close()

    connection = connect(port)  # the server goes on
    connection.request("POST", "/echo", body=b"next client")
    assert json.loads(connection.getresponse().read())["body"] == "next client"
    assert "Exception occurred" not in capfd.readouterr().err


# -- the server ------------------------------------------------------------------------------------

def test_the_port_bound_is_written_into_the_settings(
        served: tuple[SimulatorServer, StubSimulator]) -> None:
    server, simulator = served

    assert simulator.settings.port > 0
    assert server.url == f"http://127.0.0.1:{simulator.settings.port}"


def test_functions_on_this_host_call_back_on_the_server_s_own_address(
        served: tuple[SimulatorServer, StubSimulator]) -> None:
    server, simulator = served

    assert simulator.pool.function_endpoint == server.url


def test_functions_elsewhere_get_a_listener_on_the_address_they_reach_us_at() -> None:
    simulator = StubSimulator(App(), OtherHostExecutor())
    server = SimulatorServer(simulator).start()  # type: ignore[arg-type]
    try:
        endpoint = simulator.pool.function_endpoint
        assert endpoint.startswith("http://127.0.0.2:")
        host, _, port = endpoint.removeprefix("http://").partition(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=5)
        connection.request("POST", "/echo", body=b"from a container")
        assert json.loads(connection.getresponse().read())["body"] == "from a container"
    finally:
        server.stop()
    assert eventually(lambda: refuses(host, int(port)))


def refuses(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return True
    return False


def test_stop_closes_the_simulator_and_the_port() -> None:
    simulator = StubSimulator(App(), FakeExecutor())
    server = SimulatorServer(simulator).start()  # type: ignore[arg-type]
    port = simulator.settings.port
    connection = connect(port)
    connection.request("GET", "/ignore")
    assert connection.getresponse().status == 200

    server.stop()

    assert simulator.closed
    assert refuses("127.0.0.1", port)


# -- the bound on connections ------------------------------------------------------------------


@pytest.fixture
def two_connections_at_most() -> Iterator[int]:
    simulator = StubSimulator(App(), FakeExecutor(),
                              settings=Settings(host="127.0.0.1", port=0, max_connections=2))
    server = SimulatorServer(simulator).start()  # type: ignore[arg-type]
    yield simulator.settings.port
    simulator.wsgi_app.release.set()
    server.stop()


def test_a_connection_over_the_bound_is_throttled_as_aws_throttles(
        two_connections_at_most: int) -> None:
    port = two_connections_at_most
    held = [connect(port), connect(port)]
    for connection in held:  # both kept alive, each holding its thread
        connection.request("GET", "/ignore")
        assert connection.getresponse().read()

    over = raw(port)
    over.sendall(b"GET /ignore HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, body = read_response(over)

    assert status == "HTTP/1.1 429 Too Many Requests"
    assert headers["x-amzn-errortype"] == "TooManyRequestsException"
    assert json.loads(body)["message"] == "Rate Exceeded."
    assert closed_by_server(over)

    held.pop().close()
    assert eventually(lambda: _answered(port), timeout=5)


def test_the_threads_serving_connections_are_bounded(two_connections_at_most: int) -> None:
    port = two_connections_at_most
    before = threading.active_count()
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(40)]
    try:
        time.sleep(0.3)
        assert threading.active_count() - before <= 2
    finally:
        for sock in sockets:
            sock.close()


def _answered(port: int) -> bool:
    connection = connect(port)
    try:
        connection.request("GET", "/ignore")
        return connection.getresponse().status == 200
    finally:
        connection.close()


class RemoteEngineExecutor(OtherHostExecutor):
    """Runtimes on another machine, which reach the simulator on the route to it."""

    remote = True


@pytest.mark.parametrize(("executor", "host", "exposed"), [
    (FakeExecutor(), "127.0.0.1", []),
    (OtherHostExecutor(), "127.0.0.1", []),  # a Docker network of this machine's
    (RemoteEngineExecutor(), "127.0.0.1", ["127.0.0.2"]),
    (FakeExecutor(), "0.0.0.0", ["0.0.0.0"]),
])
def test_what_other_machines_can_reach_is_said(executor: FakeExecutor, host: str,
                                               exposed: list[str]) -> None:
    """`serve` warns of each: a --host beyond loopback, a remote engine's callback address."""
    simulator = StubSimulator(App(), executor, Settings(host=host, port=0))
    server = SimulatorServer(simulator).start()  # type: ignore[arg-type]
    try:
        assert server.addresses_beyond_machine() == exposed
    finally:
        server.stop()


def test_other_accounts_and_regions_are_restored_once_the_port_is_known(
        served: tuple[SimulatorServer, StubSimulator]) -> None:
    _, simulator = served
    assert simulator.planes_restored and simulator.settings.port != 0


def test_the_date_header_is_http_s_date_of_now() -> None:
    before = time.time()
    stated = parsedate_to_datetime(http_date()).timestamp()
    assert int(before) - 1 <= stated <= time.time()
    assert http_date().endswith(" GMT")
