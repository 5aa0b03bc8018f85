"""InvokeWithResponseStream (`POST /2021-11-15/functions/{name}/response-streaming-invocations`):
a `PayloadChunk` event for each chunk the function writes, sent as it writes it, then one
`InvokeComplete`, in the event-stream framing botocore's `EventStream` reads. A function that
does not stream answers in one chunk; a function error, midway or not, is the
`InvokeComplete`'s `ErrorCode` and `ErrorDetails` (the HTTP status stays 200)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request
from werkzeug.wsgi import ClosingIterator

from simulator.api import event_stream
from simulator.invocation.invoker import Invoker, encoded_log_tail
from simulator.invocation.response_stream import ResponseStream

response_stream_api = Blueprint("response_stream_api", __name__)


def invoker() -> Invoker:
    return current_app.extensions["invoker"]  # type: ignore[no-any-return]


@response_stream_api.post("/2021-11-15/functions/<name>/response-streaming-invocations")
def invoke_with_response_stream(name: str) -> Response:
    log_type = request.headers.get("X-Amz-Log-Type")
    function, stream = invoker().invoke_with_response_stream(
        name,
        request.args.get("Qualifier"),
        request.get_data(cache=False),
        invocation_type=request.headers.get("X-Amz-Invocation-Type", "RequestResponse"),
        log_type=log_type,
        client_context=request.headers.get("X-Amz-Client-Context"),
        trace_header=request.headers.get("X-Amzn-Trace-Id"),
        tenant_id=request.headers.get("X-Amz-Tenant-Id") or None,
    )
    version = ("X-Amz-Executed-Version", function.version)
    if stream is None:
        return Response(status=204, headers=[version])
    stream.wait_started()
    if stream.error is not None:  # refused before it ran (a throttle): AWS's error answer
        raise stream.error
    # Closed when the answer ends or its client goes, even before the first event: the
    # runtime's writes are dropped from then on rather than wait for a reader.
    body = ClosingIterator(events(stream, want_log=log_type == "Tail"), stream.abandon)
    return Response(body, status=200, headers=[
        ("Content-Type", event_stream.CONTENT_TYPE), version,
        ("Transfer-Encoding", "chunked"),  # the server sends each event as it comes
    ])


def events(stream: ResponseStream, want_log: bool) -> Iterator[bytes]:
    for chunk in stream.chunks():
        yield event_stream.payload_chunk(chunk)
    result = stream.result
    if result is None:
        yield event_stream.invoke_complete("ServiceException", str(stream.error))
        return
    if stream.content_type is None and not result.failed and result.payload:
        yield event_stream.payload_chunk(result.payload)  # a buffered answer, whole
    error_details = result.payload.decode(errors="replace") if result.failed else None
    yield event_stream.invoke_complete(result.error_type, error_details,
                                       encoded_log_tail(result) if want_log else None)
