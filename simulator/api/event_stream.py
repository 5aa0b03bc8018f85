"""The `application/vnd.amazon.eventstream` framing InvokeWithResponseStream answers in, so
that botocore's `EventStream` reads our `PayloadChunk` and `InvokeComplete` events as it reads
AWS's. botocore ships only the decoder; the encoder is this small module.

A message: total length and headers length (big-endian u32 each), the CRC32 of those eight
bytes, the headers, the payload, and the CRC32 of everything before it. A header: its name's
length (u8), the name, the value type (7, a string), the value's length (u16), the value."""

from __future__ import annotations

import json
import struct
import zlib

CONTENT_TYPE = "application/vnd.amazon.eventstream"
STRING_VALUE = 7
PRELUDE_BYTES = 8
CRC_BYTES = 4


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    encoded_headers = b"".join(_encode_header(name, value) for name, value in headers.items())
    total = PRELUDE_BYTES + CRC_BYTES + len(encoded_headers) + len(payload) + CRC_BYTES
    prelude = struct.pack(">II", total, len(encoded_headers))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded_headers + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _encode_header(name: str, value: str) -> bytes:
    name_bytes, value_bytes = name.encode(), value.encode()
    return (struct.pack(">B", len(name_bytes)) + name_bytes
            + struct.pack(">BH", STRING_VALUE, len(value_bytes)) + value_bytes)


def event(event_type: str, content_type: str, payload: bytes) -> bytes:
    """One event of a modeled event stream, as AWS sends it."""
    return encode_message({":event-type": event_type, ":content-type": content_type,
                           ":message-type": "event"}, payload)


def payload_chunk(data: bytes) -> bytes:
    """`PayloadChunk`: its `Payload` is the event's payload, the function's bytes as written."""
    return event("PayloadChunk", "application/octet-stream", data)


def invoke_complete(error_code: str | None = None, error_details: str | None = None,
                    log_result: str | None = None) -> bytes:
    """`InvokeComplete`, the stream's last event: a JSON body with the members that are set
    (none at all for a clean end without a log tail)."""
    members = {"ErrorCode": error_code, "ErrorDetails": error_details, "LogResult": log_result}
    body = json.dumps({key: value for key, value in members.items() if value is not None})
    return event("InvokeComplete", "application/json", body.encode())
