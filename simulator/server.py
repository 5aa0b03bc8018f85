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

    @property
    def url(self) -> str:
        return self.simulator.settings.endpoint_url

    def serve_forever(self) -> None:
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
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.simulator.close()
