"""Code uploads: the source a Code or Content field must name."""

from __future__ import annotations

import base64

import pytest

from simulator.errors import InvalidParameterValueException, RequestEntityTooLargeException
from simulator.functions.code_store import MAX_ZIPPED_BYTES
from simulator.functions.code_upload import zip_from


def test_code_needs_a_source() -> None:
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({})
    with pytest.raises(InvalidParameterValueException, match="provide a source"):
        zip_from({"S3Bucket": "only-a-bucket"})
    with pytest.raises(InvalidParameterValueException, match="Could not unzip"):
        zip_from({"ZipFile": "not base64!"})


def test_an_archive_in_the_request_must_be_smaller_than_the_zipped_limit() -> None:
    encoded = base64.b64encode(b"\0" * MAX_ZIPPED_BYTES).decode()
    with pytest.raises(RequestEntityTooLargeException) as raised:
        zip_from({"ZipFile": encoded})
    assert raised.value.status == 413
    assert str(raised.value.message) == "Zipped size must be smaller than 52428800 bytes"
    assert zip_from({"ZipFile": base64.b64encode(b"PK").decode()}) == b"PK"
