"""Request heads read without the email package. http.server hands header parsing to
email.parser, which is slower than reading the head line by line, and a warm invoke takes
three requests (the invoke and the runtime's `next` and `response`): docs/MEASUREMENTS.md
gives the cost and its share of the server's work on a warm invoke. The headers read are
looked up as `http.client.HTTPMessage` looks them up (by name in any case, the first of a
repeated one), without the email package's work on each; the limits, errors, keep-alive and
`Expect: 100-continue` handling are http.server's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler

MAX_LINE = 65536  # http.client's limits
MAX_HEADERS = 100
VERSION = re.compile(r"HTTP/(\d{1,10})\.(\d{1,10})")
END_OF_HEAD = (b"\r\n", b"\n", b"")


class RequestHeaders:
    """A request's headers in the order they came, repeated ones included; `get` and `in`
    ignore case, as HTTPMessage's do."""

    __slots__ = ("_items", "_first")

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._first: dict[str, str] = {}

    def add(self, name: str, value: str) -> None:
        self._items.append((name, value))
        self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._first.get(name.lower(), default)

    def __getitem__(self, name: str) -> str | None:
        return self._first.get(name.lower())  # None when missing, as HTTPMessage

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def get_all(self, name: str, failobj: list[str] | None = None) -> list[str] | None:
        found = [value for key, value in self._items if key.lower() == name.lower()]
        return found or failobj

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)

    def keys(self) -> list[str]:
        return [name for name, _ in self._items]

    def values(self) -> list[str]:
        return [value for _, value in self._items]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._items)

    def __str__(self) -> str:
        return "".join(f"{name}: {value}\n" for name, value in self._items) + "\n"


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
        self.headers = headers  # type: ignore[assignment]  # HTTPMessage's lookups, see above
        connection = (headers.get("Connection") or "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        if ((headers.get("Expect") or "").lower() == "100-continue"
                and self.protocol_version >= "HTTP/1.1" and version >= "HTTP/1.1"):
            return self.handle_expect_100()
        return True

    def _refuse(self, status: HTTPStatus, message: str) -> bool:
        """An error for a request line that names no usable version: answered as HTTP/1.0
        (http.server would answer as HTTP/0.9, a body with no status line)."""
        self.request_version = "HTTP/1.0"
        self.send_error(status, message)
        return False

    def _read_headers(self) -> RequestHeaders | None:
        headers = RequestHeaders()
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
                headers.add(name, value.strip())
        self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers",
                        f"got more than {MAX_HEADERS} headers")
        return None
