"""The event-stream encoder, read back with botocore's own decoder: the raw messages (prelude,
headers, CRCs) with `EventStreamBuffer`, and the modeled InvokeWithResponseStream events with
the `EventStream` boto3 hands its callers."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.eventstream import ChecksumMismatch, EventStream, EventStreamBuffer
from botocore.parsers import EventStreamJSONParser

from simulator.api import event_stream
from simulator.botocore_models import service_model


class RawBody:
    """What botocore reads an event stream from (urllib3's response, reduced)."""

    def __init__(self, data: bytes, piece: int) -> None:
        self._pieces = [data[i:i + piece] for i in range(0, len(data), piece)]

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield from self._pieces

    def close(self) -> None:
        """Nothing to release."""


def read_as_boto3(data: bytes, piece: int = 7) -> list[dict[str, Any]]:
    """The events boto3's `invoke_with_response_stream` yields for `data`, arriving in
    pieces that cut across the messages."""
    operation = service_model("lambda").operation_model("InvokeWithResponseStream")
    shape = operation.output_shape.members["EventStream"]
    stream = EventStream(RawBody(data, piece), shape, EventStreamJSONParser(),
                         "InvokeWithResponseStream")
    return list(stream)


def messages(data: bytes) -> list[Any]:
    buffer = EventStreamBuffer()
    buffer.add_data(data)
    return list(buffer)


def test_a_message_has_botocore_s_prelude_headers_and_checksums() -> None:
    encoded = event_stream.encode_message({":event-type": "PayloadChunk", "x": "ü"}, b"body")

    [message] = messages(encoded)

    assert message.prelude.total_length == len(encoded)
    assert message.headers == {":event-type": "PayloadChunk", "x": "ü"}
    assert message.payload == b"body"
    assert struct.unpack(">I", encoded[-4:])[0] == zlib.crc32(encoded[:-4])


def test_a_damaged_message_fails_botocore_s_checksum() -> None:
    encoded = bytearray(event_stream.payload_chunk(b"hello"))
    encoded[-6] ^= 0xFF

    with pytest.raises(ChecksumMismatch):
        messages(bytes(encoded))


def test_payload_chunks_are_read_as_boto3_reads_aws_s() -> None:
    data = (event_stream.payload_chunk(b"one ") + event_stream.payload_chunk(b"\x00\xffbinary")
            + event_stream.invoke_complete())

    events = read_as_boto3(data)

    assert events == [{"PayloadChunk": {"Payload": b"one "}},
                      {"PayloadChunk": {"Payload": b"\x00\xffbinary"}},
                      {"InvokeComplete": {}}]
    assert messages(data)[0].headers == {":event-type": "PayloadChunk",
                                         ":content-type": "application/octet-stream",
                                         ":message-type": "event"}


def test_invoke_complete_carries_the_error_and_the_log_tail() -> None:
    data = event_stream.invoke_complete("Sandbox.Timedout", '{"errorMessage": "late"}', "bG9n")

    [event] = read_as_boto3(data)

    assert event == {"InvokeComplete": {"ErrorCode": "Sandbox.Timedout",
                                        "ErrorDetails": '{"errorMessage": "late"}',
                                        "LogResult": "bG9n"}}
    assert messages(data)[0].headers[":content-type"] == "application/json"
