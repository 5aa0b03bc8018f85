"""Letting go of the Docker client's idle connections to the engine: a server at rest holds no
socket to it, and the next request simply opens a new one. The engine here is a local HTTP stub
(on a Unix socket, as Docker's usually is, and over TCP) that counts the connections it accepts
and sees closed."""

from __future__ import annotations

import socketserver
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import docker
import pytest

from simulator.executors.engine_connections import close_idle
from tests.helpers import eventually

API_VERSION = "1.41"


class Engine:
    """Answers `/_ping` on connections kept alive for reuse."""

    def __init__(self) -> None:
        self.accepted = 0
        self.closed = 0
        self.answer_after = threading.Event()  # held: requests overlap, each on a connection
        self.answer_after.set()
        self._lock = threading.Lock()
        engine = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with engine._lock:
                    engine.accepted += 1

            def finish(self) -> None:
                super().finish()
                with engine._lock:
                    engine.closed += 1

            def do_GET(self) -> None:
                engine.answer_after.wait(5)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args: object) -> None:
                pass

        self.handler = Handler


class UnixEngineServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self) -> tuple[Any, Any]:
        connection, _ = super().get_request()
        return connection, ("local", 0)  # what BaseHTTPRequestHandler expects of an address


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def unix_engine() -> Iterator[tuple[Engine, docker.APIClient]]:
    engine = Engine()
    with tempfile.TemporaryDirectory(prefix="engine-") as folder:  # short: a socket path is
        path = Path(folder) / "docker.sock"                          # at most 107 bytes
        server = UnixEngineServer(str(path), engine.handler)
        api = docker.APIClient(base_url=f"unix://{path}", version=API_VERSION)
        with serving(server):
            yield engine, api
            api.close()


@pytest.fixture
def tcp_engine() -> Iterator[tuple[Engine, docker.APIClient]]:
    engine = Engine()
    server = ThreadingHTTPServer(("127.0.0.1", 0), engine.handler)
    server.daemon_threads = True
    api = docker.APIClient(base_url=f"tcp://127.0.0.1:{server.server_address[1]}",
                           version=API_VERSION)
    with serving(server):
        yield engine, api
        api.close()


@pytest.mark.parametrize("engine_and_api", ["unix_engine", "tcp_engine"])
def test_an_idle_connection_is_closed(engine_and_api: str,
                                      request: pytest.FixtureRequest) -> None:
    engine, api = request.getfixturevalue(engine_and_api)
    assert api.ping()
    assert api.ping()
    assert (engine.accepted, engine.closed) == (1, 0)  # one connection, kept for reuse
    assert close_idle(api) == 1
    assert eventually(lambda: engine.closed == 1)


@pytest.mark.parametrize("engine_and_api", ["unix_engine", "tcp_engine"])
def test_the_next_request_opens_a_new_connection(
        engine_and_api: str, request: pytest.FixtureRequest) -> None:
    engine, api = request.getfixturevalue(engine_and_api)
    assert api.ping()
    close_idle(api)
    assert api.ping()
    assert engine.accepted == 2
    assert close_idle(api) == 1
    assert eventually(lambda: engine.closed == 2)


def test_closing_again_finds_nothing_idle(
        unix_engine: tuple[Engine, docker.APIClient]) -> None:
    engine, api = unix_engine
    assert api.ping()
    assert close_idle(api) == 1
    assert close_idle(api) == 0


def test_a_client_that_never_connected_has_nothing_to_close(tmp_path: Path) -> None:
    api = docker.APIClient(base_url=f"unix://{tmp_path}/absent.sock", version=API_VERSION)
    assert close_idle(api) == 0
    api.close()


def test_a_pool_closed_meanwhile_is_skipped(
        unix_engine: tuple[Engine, docker.APIClient]) -> None:
    engine, api = unix_engine
    assert api.ping()
    adapter = api.adapters["http+docker://"]
    for key in list(adapter.pools.keys()):
        adapter.pools[key].close()
    assert close_idle(api) == 0


def test_every_idle_connection_a_burst_left_is_closed(
        unix_engine: tuple[Engine, docker.APIClient]) -> None:
    engine, api = unix_engine
    engine.answer_after.clear()
    with ThreadPoolExecutor(4) as threads:
        pings = [threads.submit(api.ping) for _ in range(4)]
        assert eventually(lambda: engine.accepted == 4)
        engine.answer_after.set()
        assert all(ping.result() for ping in pings)

    assert close_idle(api) == 4
    assert eventually(lambda: engine.closed == 4)
    assert close_idle(api) == 0
