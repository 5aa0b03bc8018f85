"""A function URL's streamed answer, built from a stream fed as the Runtime API feeds it: the
prelude's status, headers and cookies, a plain stream, a buffered answer, and the gateway's
own answers to a throttle, an error and a malformed prelude."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from simulator.api.function_url_streams import streamed_url_response
from simulator.errors import ResourceNotFoundException, TooManyRequestsException
from simulator.events.streamed_http import PRELUDE_CONTENT_TYPE
from simulator.invocation.response_stream import ResponseStream
from simulator.models import InvocationResult
from tests.helpers import eventually

NUL8 = b"\0" * 8


def fed(feed: Callable[[ResponseStream], None]) -> ResponseStream:
    """A stream a runtime writes to on another thread, as the Runtime API's does."""
    stream = ResponseStream()
    threading.Thread(target=feed, args=(stream,), daemon=True).start()
    return stream


def streaming(content_type: str, *chunks: bytes) -> Callable[[ResponseStream], None]:
    def feed(stream: ResponseStream) -> None:
        stream.open(content_type)
        for chunk in chunks:
            stream.write(chunk)
        stream.finish(InvocationResult(b""))
    return feed


def test_the_prelude_sets_the_answer_and_the_body_streams_after_it() -> None:
    prelude = json.dumps({"statusCode": 418, "headers": {"Content-Type": "text/plain"},
                          "cookies": ["tea=green"]}).encode()
    stream = fed(streaming(PRELUDE_CONTENT_TYPE, prelude + NUL8 + b"I'm ", b"a teapot"))

    response = streamed_url_response(stream)

    assert response.status_code == 418
    assert response.headers["Content-Type"] == "text/plain"
    assert response.headers.getlist("Set-Cookie") == ["tea=green"]
    assert response.headers["Transfer-Encoding"] == "chunked"
    assert list(response.response) == [b"I'm ", b"a teapot"]


def test_a_stream_without_a_prelude_is_a_200_of_its_content_type() -> None:
    stream = fed(streaming("text/event-stream", b"data: 1\n\n", b"data: 2\n\n"))

    response = streamed_url_response(stream)

    assert (response.status_code, response.headers["Content-Type"]) == (200,
                                                                        "text/event-stream")
    assert b"".join(response.response) == b"data: 1\n\ndata: 2\n\n"


def test_a_function_that_does_not_stream_is_answered_with_what_it_returned() -> None:
    stream = fed(lambda s: s.finish(InvocationResult(b'{"statusCode": 201, "body": "x"}')))

    response = streamed_url_response(stream)

    assert (response.status_code, response.get_data()) == (
        200, b'{"statusCode": 201, "body": "x"}')
    assert response.headers["Content-Type"] == "application/json"


def test_a_function_error_before_the_stream_is_a_502() -> None:
    stream = fed(lambda s: s.finish(InvocationResult(b"{}", error_type="Unhandled")))

    response = streamed_url_response(stream)

    assert (response.status_code, response.get_data()) == (502, b"Internal Server Error")


def test_a_throttle_is_a_503_and_a_refused_invoke_a_500() -> None:
    throttled = fed(lambda s: s.finish(error=TooManyRequestsException(
        "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded")))
    refused = fed(lambda s: s.finish(error=ResourceNotFoundException("gone")))

    assert streamed_url_response(throttled).status_code == 503
    assert streamed_url_response(refused).status_code == 500


def test_a_malformed_prelude_is_a_502_and_the_rest_is_dropped() -> None:
    wrote_after: list[bool] = []
    second = threading.Event()

    def feed(stream: ResponseStream) -> None:
        stream.open(PRELUDE_CONTENT_TYPE)
        stream.write(b"not json" + NUL8)
        second.wait(5)
        wrote_after.append(stream.write(b"more"))
        stream.finish(InvocationResult(b""))

    response = streamed_url_response(fed(feed))
    second.set()

    assert response.status_code == 502
    assert eventually(lambda: wrote_after == [False])


def test_a_client_that_goes_away_releases_the_runtime() -> None:
    written = threading.Event()
    outcome: list[bool] = []

    def feed(stream: ResponseStream) -> None:
        stream.open("text/plain")
        stream.write(b"first")
        written.wait(5)
        outcome.append(stream.write(b"unwanted"))
        stream.finish(InvocationResult(b""))

    response = streamed_url_response(fed(feed))
    body = iter(response.response)
    assert next(body) == b"first"

    response.close()  # the server closes the answer when its client has gone
    written.set()

    assert eventually(lambda: outcome == [False])


def test_a_client_gone_before_the_first_chunk_releases_the_runtime_too() -> None:
    go_on = threading.Event()
    outcome: list[bool] = []

    def feed(stream: ResponseStream) -> None:
        stream.open("text/plain")
        go_on.wait(5)
        outcome.append(stream.write(b"unwanted"))
        stream.finish(InvocationResult(b""))

    response = streamed_url_response(fed(feed))
    response.close()  # the server could not even send the head
    go_on.set()

    assert eventually(lambda: outcome == [False])
