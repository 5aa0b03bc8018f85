"""A payload that is not UTF-8 is refused in the words AWS's parser uses."""

from __future__ import annotations

import json

import pytest

from simulator.invocation.payload_errors import not_json_reason

WHERE = ("\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); "
         "line: {}, column: {}]")


def reason(payload: bytes) -> str:
    try:
        json.loads(payload)
    except (ValueError, UnicodeDecodeError) as error:
        return not_json_reason(payload, error)
    raise AssertionError("the payload parsed")


def test_a_stray_byte_within_a_word_is_an_invalid_start_byte_at_the_column_after_it() -> None:
    # As recorded against AWS: 0x87 after an `n`, which Jackson reads as the start of null.
    assert reason(b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt") == (
        "Invalid UTF-8 start byte 0x87" + WHERE.format(1, 3))
    assert reason(b'"n\x87"') == "Invalid UTF-8 start byte 0x87" + WHERE.format(1, 4)


def test_a_control_byte_where_a_value_starts_is_an_unexpected_ctrl_char() -> None:
    # As recorded against AWS: 0x99 first.
    assert reason(b"\x99\xeb,j\x07\xa1zYh") == (
        "Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (JSON String, "
        "Number, Array, Object or token 'null', 'true' or 'false')" + WHERE.format(1, 1))


def test_a_printable_latin1_byte_is_named_with_its_code() -> None:
    assert reason(b"\xe9").startswith("Unexpected character ('\xe9' (code 233 / 0xe9)): ")


@pytest.mark.parametrize(("payload", "expected"), [
    (b'{\n "a": "ok \\" \xc3("}', "Invalid UTF-8 middle byte 0x28" + WHERE.format(2, 16)),
    (b'{"a": "\\\\", "b": "\xff"}', "Invalid UTF-8 start byte 0xff" + WHERE.format(1, 20)),
])
def test_escapes_and_lines_are_followed(payload: bytes, expected: str) -> None:
    assert reason(payload) == expected


def test_other_json_errors_keep_the_parsers_words() -> None:
    assert reason(b'{"a": ') == "Expecting value: line 1 column 7 (char 6)"
