"""The HTTP server the control API runs on: one thread per connection (so long requests never
starve the API), HTTP/1.1 keep-alive for boto3's pooled connections, Nagle off."""

from __future__ import annotations

import socket
import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from simulator.app import Simulator


class _RequestHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: function logs are what the console is for."""


class SimulatorServer:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        settings = simulator.settings
        self._server: BaseWSGIServer = make_server(
            settings.host, settings.port, simulator.wsgi_app, threaded=True,
            request_handler=_RequestHandler,
        )
        self._server.daemon_threads = True
        settings.port = self._server.server_port
        self._thread: threading.Thread | None = None
        self._function_server = self._open_function_listener()

    def _open_function_listener(self) -> BaseWSGIServer | None:
        """Functions that call AWS get `AWS_ENDPOINT_URL` pointing back here. Containers
        can't reach loopback, so for them the same app also listens on the address of the
        simulator's own Docker network."""
        host = self.simulator.executor.runtime_api_host()
        if host in ("127.0.0.1", "localhost", self.simulator.settings.host):
            self.simulator.pool.function_endpoint = self.url
            return None
        server = make_server(host, 0, self.simulator.wsgi_app, threaded=True,
                             request_handler=_RequestHandler)
        server.daemon_threads = True
        self.simulator.pool.function_endpoint = f"http://{host}:{server.server_port}"
        return server

    @property
    def url(self) -> str:
        return self.simulator.settings.endpoint_url

    def serve_forever(self) -> None:
        if self._function_server is not None:
            threading.Thread(target=self._function_server.serve_forever, daemon=True,
                             name="function-endpoint").start()
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def start(self) -> SimulatorServer:
        """Serve on a background thread (tests, the pytest plugin)."""
        self._thread = threading.Thread(target=self.serve_forever, name="control-api",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        if self._function_server is not None:
            self._function_server.shutdown()
            self._function_server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.simulator.close()
