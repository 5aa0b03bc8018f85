"""What a function streaming to a function URL says about the HTTP response: a stream of
content type `application/vnd.awslambda.http-integration-response` (what Node.js's
`awslambda.HttpResponseStream.from` writes) begins with a prelude, JSON metadata
(`statusCode`, `headers`, `cookies`) and then 8 NUL bytes, before the body itself.

A stream that never completes its prelude is not waited on without end: the prelude must
come within its first 16 KB, the bound API Gateway documents for the same format."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from simulator.events.http_events import HOP_BY_HOP_HEADERS, MalformedResponse, header_pairs

PRELUDE_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response"
DELIMITER = b"\0" * 8
MAX_PRELUDE_BYTES = 16 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"


@dataclass
class StreamedHead:
    """The status and headers of a streamed HTTP response, and the body's first bytes (what
    came with the prelude)."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body_start: bytes = b""


def read_prelude(chunks: Iterator[bytes]) -> StreamedHead:
    """Take chunks until the prelude is complete; the chunks after it are the body's."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        metadata, delimiter, rest = buffer.partition(DELIMITER)
        if delimiter:
            if len(metadata) > MAX_PRELUDE_BYTES:
                break
            head = head_from_prelude(metadata)
            head.body_start = rest
            return head
        if len(buffer) > MAX_PRELUDE_BYTES + len(DELIMITER):
            break
    raise MalformedResponse("the stream has no prelude ending in 8 NUL bytes within its "
                            f"first {MAX_PRELUDE_BYTES} bytes")


def head_from_prelude(metadata: bytes) -> StreamedHead:
    try:
        prelude = json.loads(metadata)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedResponse(f"the prelude is not JSON: {error}") from None
    if not isinstance(prelude, dict):
        raise MalformedResponse("the prelude must be a JSON object")
    status = prelude.get("statusCode", 200)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r} is not an HTTP status")
    headers = [(name, value) for name, value in header_pairs(prelude.get("headers"))
               if name.lower() not in HOP_BY_HOP_HEADERS]
    cookies = prelude.get("cookies") or []
    if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
        raise MalformedResponse("cookies must be a list of strings")
    headers += [("Set-Cookie", cookie) for cookie in cookies]
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", DEFAULT_CONTENT_TYPE))
    return StreamedHead(status, headers)

