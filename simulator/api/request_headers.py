"""Request heads read without the email package. http.server hands header parsing to
email.parser, which is slower than reading the head line by line, and a warm invoke takes
three requests (the invoke and the runtime's `next` and `response`): docs/MEASUREMENTS.md
gives the cost and its share of the server's work on a warm invoke. The result is the same
`http.client.HTTPMessage`, with the same limits, errors, keep-alive and
`Expect: 100-continue` handling."""

from __future__ import annotations

import re
from http import HTTPStatus
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler

MAX_LINE = 65536  # http.client's limits
MAX_HEADERS = 100
VERSION = re.compile(r"HTTP/(\d{1,10})\.(\d{1,10})")
END_OF_HEAD = (b"\r\n", b"\n", b"")


class QuickHeadParsing(BaseHTTPRequestHandler):
    """Mix in before a BaseHTTPRequestHandler subclass. HTTP/0.9 requests are refused."""

    raw_requestline: bytes  # set by http.server's handle_one_request before parsing

    def parse_request(self) -> bool:
        self.command = None  # type: ignore[assignment]  # as http.server: unset until known
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if not words:
            return False
        if len(words) != 3:
            return self._refuse(HTTPStatus.BAD_REQUEST,
                                f"Bad request syntax ({self.requestline!r})")
        command, path, version = words
        match = VERSION.fullmatch(version)
        if match is None:
            return self._refuse(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
        number = int(match[1]), int(match[2])
        if number >= (2, 0):
            return self._refuse(HTTPStatus.HTTP_VERSION_NOT_SUPPORTED,
                                f"Invalid HTTP version ({version[5:]})")
        self.request_version = version
        self.close_connection = not (number >= (1, 1) and self.protocol_version >= "HTTP/1.1")
        # As http.server: `//host/path` would read as a scheme-relative URL.
        self.command, self.path = command, "/" + path.lstrip("/") if path[:2] == "//" else path
        headers = self._read_headers()
        if headers is None:
            return False
        self.headers = headers
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        if (headers.get("Expect", "").lower() == "100-continue"
                and self.protocol_version >= "HTTP/1.1" and version >= "HTTP/1.1"):
            return self.handle_expect_100()
        return True

    def _refuse(self, status: HTTPStatus, message: str) -> bool:
        """An error for a request line that names no usable version: answered as HTTP/1.0
        (http.server would answer as HTTP/0.9, a body with no status line)."""
        self.request_version = "HTTP/1.0"
        self.send_error(status, message)
        return False

    def _read_headers(self) -> HTTPMessage | None:
        headers = HTTPMessage()
        for _ in range(MAX_HEADERS + 1):
            line = self.rfile.readline(MAX_LINE + 1)
            if len(line) > MAX_LINE:
                self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long",
                                "header line")
                return None
            if line in END_OF_HEAD:
                return headers
            if line[:1] in (b" ", b"\t"):  # RFC 9112 lets a server refuse obsolete folding
                self.send_error(HTTPStatus.BAD_REQUEST, "Folded header line")
                return None
            name, colon, value = line.decode("iso-8859-1").partition(":")
            if colon and name and name == name.strip():
                headers[name] = value.strip()
        self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers",
                        f"got more than {MAX_HEADERS} headers")
        return None
