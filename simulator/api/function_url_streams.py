"""The answer of a function URL in `RESPONSE_STREAM` mode: the function's bytes go to the
client as it writes them, in chunked transfer, so the first reaches the client before the
handler returns. A stream that begins with `HttpResponseStream.from`'s prelude sets the
status, headers and cookies; any other is a 200 of the content type the runtime gave. A
function that does not stream is answered with its whole payload, as it returned it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from flask import Response
from werkzeug.wsgi import ClosingIterator

from simulator.errors import TooManyRequestsException
from simulator.events.http_events import (
    HttpResponse,
    MalformedResponse,
    internal_error_response,
    throttled_response,
    url_function_error,
)
from simulator.events.streamed_http import PRELUDE_CONTENT_TYPE, StreamedHead, read_prelude
from simulator.invocation.response_stream import ResponseStream

log = logging.getLogger(__name__)


def streamed_url_response(stream: ResponseStream) -> Response:
    stream.wait_started()
    if isinstance(stream.error, TooManyRequestsException):
        return _whole(throttled_response("2.0"))
    if stream.error is not None:
        return _whole(internal_error_response("2.0", 500))
    if stream.content_type is None:  # a buffered answer
        assert stream.result is not None  # finished without an error: it has a result
        if stream.result.failed:
            return _whole(url_function_error())
        return Response(stream.result.payload, status=200,
                        headers=[("Content-Type", "application/json")])
    chunks = stream.chunks()
    head = StreamedHead(headers=[("Content-Type", stream.content_type)])
    if stream.content_type == PRELUDE_CONTENT_TYPE:
        try:
            head = read_prelude(chunks)
        except MalformedResponse as error:
            log.warning("a function URL's streamed response is malformed: %s", error)
            stream.abandon()
            return _whole(url_function_error())
    # Closed when the answer ends or its client goes, even before the first chunk: the
    # runtime's writes are dropped from then on rather than wait for a reader.
    body = ClosingIterator(_body(head.body_start, chunks), stream.abandon)
    return Response(body, status=head.status,
                    headers=[*head.headers, ("Transfer-Encoding", "chunked")])


def _body(start: bytes, chunks: Iterator[bytes]) -> Iterator[bytes]:
    if start:
        yield start
    yield from chunks


def _whole(answer: HttpResponse) -> Response:
    return Response(answer.body, status=answer.status, headers=answer.headers)
