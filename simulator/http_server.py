"""The HTTP server the control API runs on: one thread per connection (so long requests never
starve the API), up to a bound, past which a connection is answered with AWS's throttling
error and closed; HTTP/1.1 keep-alive for boto3's pooled connections, Nagle off.

werkzeug's development server closes every connection after one response (it cannot tell
where an unread request body ends), so each invoke paid a TCP handshake and a new thread.
Here each request's body is bounded by its Content-Length, what the application left unread
is drained, and the connection stays open for the next request.

An answer of unknown length that asks for chunked transfer (`Transfer-Encoding: chunked`, no
Content-Length) is sent as the application produces it, each chunk as it comes: a streamed
response must reach its client before the function has finished writing it."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterable
from email.utils import formatdate
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from simulator.api.request_headers import QuickHeadParsing
from simulator.app import Simulator

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)

# An unread body larger than this is not drained: the connection closes instead. It covers
# the largest request the application reads (70 MB), so a client sending one that is refused
# (an invoke payload over 6 MB) still reads its 413 on a connection that stays usable.
MAX_DRAIN_BYTES = 80 * 1024 * 1024
IDLE_CONNECTION_SECONDS = 600
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
NO_BODY_STATUSES = frozenset({204, 304})
SERVER_ERROR = (b'{"Type": "Service", "Message": "The server could not answer the request."}')
THROTTLED_BODY = (b'{"Type": "User", "message": "Rate Exceeded.", '
                  b'"Reason": "CallerRateLimitExceeded"}')
THROTTLED = (b"HTTP/1.1 429 Too Many Requests\r\n"
             b"Content-Type: application/json\r\n"
             b"x-amzn-ErrorType: TooManyRequestsException\r\n"
             b"Content-Length: " + str(len(THROTTLED_BODY)).encode() + b"\r\n"
             b"Connection: close\r\n\r\n" + THROTTLED_BODY)


class _RequestHandler(QuickHeadParsing, WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_SECONDS

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: function logs are what the console is for."""

    def run_wsgi(self) -> None:
        """One request on a kept-alive connection. (http.server has already answered an
        `Expect: 100-continue`.)"""
        self.environ = environ = self.make_environ()
        body: LimitedStream | None = None
        if environ.get("wsgi.input_terminated"):  # chunked: no length to drain up to
            self.close_connection = True
        else:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = LimitedStream(self.rfile, length)  # type: ignore[arg-type]
            environ["wsgi.input"] = body
        try:
            self._respond(environ, body)
        except (ConnectionError, TimeoutError) as error:
            self.close_connection = True
            self.connection_dropped(error, environ)
            return
        if body is not None and not body.is_exhausted and not self.close_connection:
            try:
                body.exhaust()
            except ClientDisconnected:  # gone before sending the body it announced
                self.close_connection = True

    def _respond(self, environ: dict[str, object], body: LimitedStream | None) -> None:
        started: list[tuple[str, list[tuple[str, str]]]] = []
        written: list[bytes] = []  # what an application passes to WSGI's write()

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: object = None) -> object:
            started[:] = [(status, headers)]
            return written.append

        chunks: Iterable[bytes] = []
        try:
            chunks = self.server.app(environ, start_response)  # type: ignore[arg-type]
            streamed = bool(started) and not written and self._streams(*started[0])
            if not streamed:
                payload = b"".join([*written, *chunks])
        except Exception:
            log.exception("the application failed on %s %s", self.command, self.path)
            _close(chunks)
            chunks = []
            self.close_connection = True
            started[:] = [("500 INTERNAL SERVER ERROR", [
                ("Content-Type", "application/json"), ("X-Amzn-ErrorType", "ServiceException")])]
            payload, streamed = SERVER_ERROR, False
        if streamed:
            self._stream(*started[0], chunks)
            return
        try:
            self._send_whole(started[0], payload, body)
        finally:
            _close(chunks)  # after the answer is out, as WSGI servers call it

    def _send_whole(self, started: tuple[str, list[tuple[str, str]]], payload: bytes,
                    body: LimitedStream | None) -> None:
        status, headers = started
        if body is not None and body.limit - body.tell() > MAX_DRAIN_BYTES:
            self.close_connection = True  # too much left unread to drain: said in the headers
        code, _, reason = status.partition(" ")
        head = [f"HTTP/1.1 {code} {reason}", f"Date: {http_date()}"]
        head += [f"{key}: {value}" for key, value in headers
                 if key.lower() not in ("content-length", "connection", "transfer-encoding")]
        no_body = self.command == "HEAD" or int(code) in NO_BODY_STATUSES or int(code) < 200
        declared = next((v for k, v in headers if k.lower() == "content-length"), None)
        head.append("Content-Length: " + (declared if no_body and declared else
                                          str(0 if no_body else len(payload))))
        if self.close_connection:
            head.append("Connection: close")
        # One write for head and body: no small-segment stall before the client has it all.
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                         + (b"" if no_body else payload))

    def _streams(self, status: str, headers: list[tuple[str, str]]) -> bool:
        """The application asks for its answer to be sent as it produces it."""
        code = int(status.split(" ", 1)[0])
        names = {key.lower(): value.lower() for key, value in headers}
        return (names.get("transfer-encoding") == "chunked" and "content-length" not in names
                and self.command != "HEAD" and code >= 200 and code not in NO_BODY_STATUSES)

    def _stream(self, status: str, headers: list[tuple[str, str]],
                chunks: Iterable[bytes]) -> None:
        """Each chunk as the application yields it, in chunked transfer coding (an HTTP/1.0
        client gets the bytes, and the connection's end for the body's). An application that
        fails midway leaves the body without its last chunk, which tells the client."""
        chunked = self.request_version == "HTTP/1.1"
        self.close_connection = self.close_connection or not chunked
        code, _, reason = status.partition(" ")
        head = [f"HTTP/1.1 {code} {reason}", f"Date: {http_date()}"]
        head += [f"{key}: {value}" for key, value in headers
                 if key.lower() not in ("content-length", "connection", "transfer-encoding")]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        if self.close_connection:
            head.append("Connection: close")
        iterator = iter(chunks)
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            while True:
                try:
                    chunk = next(iterator)
                except StopIteration:
                    break
                except Exception:
                    log.exception("the application failed streaming %s %s", self.command,
                                  self.path)
                    self.close_connection = True
                    return
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        finally:
            _close(chunks)


class ListenError(Exception):
    """The server's address can't be listened on (in use, or not this machine's)."""


class _BoundedServer(ThreadedWSGIServer):
    """A thread per connection, no more than `max_connections` at once."""

    daemon_threads = True

    def __init__(self, host: str, port: int, app: WSGIApplication, max_connections: int
                 ) -> None:
        super().__init__(host, port, app, handler=_RequestHandler)
        self.max_connections = max_connections
        self._slots = threading.BoundedSemaphore(max_connections)

    def server_bind(self) -> None:
        """A port that can't be had is the caller's to report, in one line (werkzeug would
        print two and exit the process)."""
        try:
            super().server_bind()
        except OSError as error:
            host, port = self.server_address[:2]
            raise ListenError(f"cannot listen on {host!s}:{port}: {error.strerror}") from None

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            _throttle(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class SimulatorServer:
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator
        settings = simulator.settings
        self._server = _BoundedServer(settings.host, settings.port, simulator.wsgi_app,
                                      settings.max_connections)
        settings.port = self._server.server_port
        self._thread: threading.Thread | None = None
        self._function_server = self._open_function_listener()
        simulator.restore_planes()

    def _open_function_listener(self) -> _BoundedServer | None:
        """Functions that call AWS get `AWS_ENDPOINT_URL` pointing back here. Containers
        can't reach loopback, so for them the same app also listens where they reach the
        Runtime API: the simulator's own Docker network, or for a remote engine this
        machine's address on the route to it."""
        host = self.simulator.executor.runtime_api_host()
        if host in ("127.0.0.1", "localhost", self.simulator.settings.host):
            self.simulator.pool.function_endpoint = self.url
            return None
        server = _BoundedServer(host, 0, self.simulator.wsgi_app,
                                self.simulator.settings.max_connections)
        self.simulator.pool.function_endpoint = f"http://{host}:{server.server_port}"
        return server

    @property
    def url(self) -> str:
        return self.simulator.settings.endpoint_url

    def addresses_beyond_machine(self) -> list[str]:
        """What is listened on that other machines can reach: a --host beyond loopback, and
        the address a remote engine's runtimes call back on."""
        host = self.simulator.settings.host
        found = [] if host in LOOPBACK_HOSTS else [host]
        if self.simulator.executor.remote:
            found.append(self.simulator.executor.runtime_api_host())
        return found

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


_date_of_second: tuple[int, str] = (0, "")


def http_date() -> str:
    """The Date header's value, made once a second rather than on every answer."""
    global _date_of_second
    now = int(time.time())
    second, text = _date_of_second
    if second != now:
        text = formatdate(now, usegmt=True)
        _date_of_second = (now, text)
    return text


def _close(chunks: Iterable[bytes]) -> None:
    """WSGI's promise to the application: its answer's close() is called, however it ends.
    What close() does after the answer is out is the application's: a failure is logged."""
    close = getattr(chunks, "close", None)
    if close is not None:
        try:
            close()
        except Exception:
            log.exception("closing the application's answer failed")


def _throttle(connection: socket.socket) -> None:
    """Answer a connection over the bound without reading it: the request's bytes are left
    unread, so the connection ends with the answer (a client sees the 429, then the close)."""
    try:
        connection.settimeout(1.0)
        connection.sendall(THROTTLED)
        connection.setblocking(False)
        while connection.recv(65536):  # what already came, so the close is not a reset
            pass
    except OSError:
        pass
