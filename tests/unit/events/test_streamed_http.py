"""The prelude of a stream for a function URL (`HttpResponseStream.from`): JSON metadata, 8
NUL bytes, then the body; found across chunk boundaries, bounded, and checked."""

from __future__ import annotations

import json

import pytest

from simulator.events.http_events import MalformedResponse
from simulator.events.streamed_http import MAX_PRELUDE_BYTES, StreamedHead, read_prelude

NUL8 = b"\0" * 8


def test_the_prelude_sets_status_headers_and_cookies_and_the_rest_is_body() -> None:
    metadata = json.dumps({"statusCode": 201, "headers": {"Content-Type": "text/html",
                                                          "X-Count": 3},
                           "cookies": ["a=1", "b=2; Secure"]}).encode()
    chunks = iter([metadata + NUL8 + b"<p>", b"more</p>"])

    head = read_prelude(chunks)

    assert head == StreamedHead(201, [("Content-Type", "text/html"), ("X-Count", "3"),
                                      ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2; Secure")],
                                b"<p>")
    assert list(chunks) == [b"more</p>"]


def test_a_prelude_split_across_chunks_is_put_together() -> None:
    encoded = json.dumps({"statusCode": 404}).encode() + NUL8 + b"gone"
    chunks = iter([encoded[i:i + 3] for i in range(0, len(encoded), 3)])

    head = read_prelude(chunks)

    assert head.status == 404
    assert head.body_start + b"".join(chunks) == b"gone"


def test_an_empty_prelude_is_a_200_of_bytes() -> None:
    head = read_prelude(iter([b"{}" + NUL8]))

    assert head == StreamedHead(200, [("Content-Type", "application/octet-stream")], b"")


def test_framing_headers_from_the_function_are_dropped() -> None:
    prelude = {"headers": {"Transfer-Encoding": "gzip", "Content-Length": "9", "X-Kept": "y"}}

    head = read_prelude(iter([json.dumps(prelude).encode() + NUL8]))

    assert ("X-Kept", "y") in head.headers
    assert not any(name in ("Transfer-Encoding", "Content-Length") for name, _ in head.headers)


@pytest.mark.parametrize("stream", [
    [b"no prelude at all"],
    [b"x" * (MAX_PRELUDE_BYTES + 9), NUL8],
    [b"{not json" + NUL8],
    [b"[1, 2]" + NUL8],
    [json.dumps({"statusCode": 99}).encode() + NUL8],
    [json.dumps({"cookies": "a=1"}).encode() + NUL8],
    [json.dumps({"headers": ["a"]}).encode() + NUL8],
])
def test_a_stream_without_a_sound_prelude_is_malformed(stream: list[bytes]) -> None:
    with pytest.raises(MalformedResponse):
        read_prelude(iter(stream))
