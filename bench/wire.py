"""The throughput scenario's clients: the Invoke request boto3 sends, captured from boto3
once (signature and all) and replayed on a keep-alive connection per client.

boto3 spends about 1 ms of client CPU on each call, and client threads of one process share
one core: eight boto3 clients in the harness top out near 400 calls a second whatever the
server does. Replaying the same bytes measures the server instead. Scenario 1 stays the
boto3 measurement."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

READ_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class CapturedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def capture_invoke(client: Any, function: str, payload: bytes) -> CapturedRequest:
    """The request `client.invoke` sends (it is sent too: one more warm-up invoke)."""
    seen: list[CapturedRequest] = []

    def keep(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        seen.append(CapturedRequest(request.method, path, dict(request.headers.items()),
                                    bytes(request.body or b"")))

    client.meta.events.register("before-send.lambda.Invoke", keep)
    try:
        client.invoke(FunctionName=function, Payload=payload)["Payload"].read()
    finally:
        client.meta.events.unregister("before-send.lambda.Invoke", keep)
    return seen[0]


class WireClient:
    """One connection to `url`; reopened by http.client when a server closes it after an
    answer (SAM's server answers HTTP/1.0 and closes)."""

    def __init__(self, url: str, request: CapturedRequest) -> None:
        parts = urlsplit(url)
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=READ_TIMEOUT_SECONDS)
        self._request = request

    def invoke(self) -> str | None:
        """None when the function answered; otherwise what went wrong."""
        request = self._request
        try:
            self._connection.request(request.method, request.path, request.body,
                                     request.headers)
            answer = self._connection.getresponse()
            body = answer.read()
        except (OSError, http.client.HTTPException) as error:
            self._connection.close()
            return f"{type(error).__name__}: {str(error)[:160]}"
        if answer.status != 200:
            return f"HTTP {answer.status}: {body[:120].decode(errors='replace')}"
        if answer.getheader("X-Amz-Function-Error"):
            return f"function error: {body[:120].decode(errors='replace')}"
        return None

    def close(self) -> None:
        self._connection.close()
