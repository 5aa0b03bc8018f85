"""Why an Invoke payload is not JSON, in the words AWS uses: Lambda parses payloads with
Jackson, and a payload that is not UTF-8 is refused with Jackson's description of the first
bad byte and where it is."""

from __future__ import annotations

VALUE_EXPECTED = ("expected a valid value (JSON String, Number, Array, Object or token 'null', "
                  "'true' or 'false')")
LOCATION = ("\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
            "line: {line}, column: {column}]")


def not_json_reason(payload: bytes, error: Exception) -> str:
    """The reason to give for `payload`, which `json.loads` refused with `error`."""
    if isinstance(error, UnicodeDecodeError):
        return not_utf8_reason(payload, error.start)
    return str(error)


def not_utf8_reason(payload: bytes, index: int) -> str:
    """The byte at `index` starts no valid UTF-8 sequence. Within a string or a word
    (`null`, `true`...) Jackson decodes UTF-8 and names the byte, at the column after it;
    where a value should start it reads the byte as a character, at its own column."""
    byte = payload[index]
    if _inside_string(payload, index) or (index and payload[index - 1:index].isalnum()):
        if _starts_a_sequence(byte):
            middle = index + 1
            bad = payload[middle] if middle < len(payload) else byte
            return f"Invalid UTF-8 middle byte 0x{bad:x}" + _location(payload, middle + 1)
        return f"Invalid UTF-8 start byte 0x{byte:x}" + _location(payload, index + 1)
    if byte < 0x20 or 0x7F <= byte <= 0x9F:  # Java's ISO control characters
        character = f"(CTRL-CHAR, code {byte})"
    else:
        character = f"'{chr(byte)}' (code {byte} / 0x{byte:x})"
    return f"Unexpected character ({character}): {VALUE_EXPECTED}" + _location(payload, index)


def _starts_a_sequence(byte: int) -> bool:
    """A lead byte of a multi-byte UTF-8 sequence (whose next byte was then wrong)."""
    return 0xC2 <= byte <= 0xF4


def _inside_string(payload: bytes, index: int) -> bool:
    inside = escaped = False
    for byte in payload[:index]:
        if escaped:
            escaped = False
        elif byte == 0x5C and inside:  # a backslash escapes the next character
            escaped = True
        elif byte == 0x22:
            inside = not inside
    return inside


def _location(payload: bytes, index: int) -> str:
    """Jackson's line and column (from 1) of the byte at `index` (or the end)."""
    line = payload.count(b"\n", 0, index) + 1
    column = index - (payload.rfind(b"\n", 0, index) + 1) + 1
    return LOCATION.format(line=line, column=column)
